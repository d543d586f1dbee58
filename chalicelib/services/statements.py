"""Customer statements as PDFs: linked for download, or emailed to the customer."""
import hashlib
import json
from datetime import date
from typing import Any, Dict, NamedTuple, Optional

from ..domain.email_templates import compose
from ..render import text
from ..store import files
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import RecordItem
from ..store.unit_of_work import UnitOfWork, Writes
from .customer_accounts import statement
from .customers import CUSTOMERS
from .document_files import PDF, tenant_logo
from .mail import Attachment, send_email
from .records import Actor
from .sending import portal_link, recipients
from .tenants import TENANTS


class StatementFile(NamedTuple):
    key: str  # in S3; it names the content, so the same statement is stored once
    pdf: bytes
    file_name: str
    statement: Dict[str, Any]  # as GET /customers/{id}/statement answers


def statement_pdf(tenant_id: str, customer: RecordItem, first: Optional[date], last: date,
                  currency: Optional[str]) -> StatementFile:
    from ..render.statement_pdf import render_statement_pdf

    shown = statement(tenant_id, customer, first, last, currency)
    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    digest = hashlib.sha256(json.dumps([shown, customer.data, tenant], sort_keys=True, default=str).encode())
    key = files.tenant_key(tenant_id, "statements", customer.id, f"{shown['to']}-{digest.hexdigest()[:16]}.pdf")
    pdf = render_statement_pdf(shown, CUSTOMERS.present(customer.data), TENANTS.present(tenant),
                               tenant_logo(tenant_id))
    files.put_bytes(key, pdf, PDF)
    return StatementFile(key, pdf, f"statement-{shown['to']}.pdf", shown)


def statement_link(tenant_id: str, customer: RecordItem, first: Optional[date], last: date,
                   currency: Optional[str]) -> Dict[str, Any]:
    made = statement_pdf(tenant_id, customer, first, last, currency)
    return files.link(made.key, made.file_name)


def email_statement(tenant_id: str, actor: Actor, customer: RecordItem, first: Optional[date], last: date,
                    currency: Optional[str], options: Dict[str, Any]) -> Dict[str, Any]:
    """Email the statement and note it in the customer's history."""
    to = recipients(tenant_id, customer.id, options)
    made = statement_pdf(tenant_id, customer, first, last, currency)
    shown = made.statement
    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    values = {"supplier_name": tenant.get("trading_name") or tenant["legal_name"],
              "customer_name": customer.data["name"], "to_date": text.day(shown["to"]),
              "closing_balance": text.money(shown["closing_balance"], shown["currency"])}
    message = compose("statement", tenant.get("email_templates"), values)
    sent = send_email(values["supplier_name"], tenant.get("email"), to, message["subject"],
                      message["body"] + (f"\n\n{options['message']}" if options.get("message") else "")
                      + portal_link(tenant_id, tenant, customer.id, None),
                      Attachment(made.file_name, made.pdf, PDF), cc=options.get("cc"))
    at = stamp(now())
    UnitOfWork().commit(Writes().put(history_entry(customer.PK, at, actor.id, "statement_emailed", {
        "statement": {"before": None, "after": {"to": sent.to, "period_to": shown["to"],
                                                "message_id": sent.message_id, "file": made.key}}})))
    return {"customer_id": customer.id, "emailed_to": sent.to, "message_id": sent.message_id,
            "emailed_at": at, "statement": files.link(made.key, made.file_name)}
