"""Emailing invoices, credit notes, estimates and reminders to the customer, with the PDF.

The email goes out first and is recorded after, in the document's history: a
crash between the two can repeat an email on retry, never lose one. A request
retried with its Idempotency-Key gets the recorded answer and sends nothing.
"""
from datetime import date
from typing import Any, Callable, Dict, List, Optional

from .. import config
from ..domain import documents as docs
from ..domain.email_templates import compose
from ..domain.errors import Conflict, DomainError, InvalidReference, UpstreamRefused
from ..domain.money import format_amount
from ..render import text
from ..store import files
from ..store.clock import now, stamp
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork
from .customers import CUSTOMERS
from .document_files import PDF, document_pdf, file_name
from .document_status import move_status, sent_status
from .document_types import ESTIMATE, DocumentType
from .document_view import outstanding
from .estimates import send_estimate
from .mail import Attachment, Sent, send_email
from .portal_links import create_link, link_days
from .records import Actor
from .retry import retry_on_conflict
from .tenants import TENANTS

MAILER = Actor("email")  # makes the portal link each email carries
TEMPLATE_KINDS = {"INVOICE": "invoice", "CREDIT_NOTE": "credit_note", "ESTIMATE": "estimate"}
# What SES will not take as things stand: the customer's address (no address, one refused), or our
# sending (sender not verified, sending paused). The scheduler records these; it retries only "busy".
REFUSALS = (InvalidReference, UpstreamRefused)


def email_document(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor, document_id: str,
                   options: Dict[str, Any]) -> DocumentItem:
    """Email the document to `options["to"]` (default: the customer's addresses); an invoice
    becomes "sent" (and loses the scheduler's `not_emailed`), a draft estimate takes its number first."""
    item = dtype.store.get(tenant_id, document_id)
    if dtype is ESTIMATE and item.status == docs.DRAFT:
        item = send_estimate(UnitOfWork(), tenant_id, actor, document_id, {})
    if item.status in (docs.DRAFT, docs.VOID):
        raise Conflict(f"A {item.status} {dtype.label} cannot be sent"
                       + ("; issue it first" if item.status == docs.DRAFT else ""))
    sent = _send(tenant_id, item, TEMPLATE_KINDS[item.kind], options, _values(item))
    return record_email(uow, dtype, tenant_id, actor, document_id, sent, "emailed",
                        change=lambda item: item.data.pop("not_emailed", None))  # sent now, as it says to


def email_reminder(tenant_id: str, invoice: DocumentItem, today: date) -> Sent:
    """The overdue reminder for one invoice (the scheduled tick decides when)."""
    days_overdue = (today - date.fromisoformat(invoice.due_date)).days
    return _send(tenant_id, invoice, "reminder", {}, {**_values(invoice), "days_overdue": str(days_overdue)})


def why_not_sent(refusal: DomainError) -> str:
    """The reason the scheduler records for an email SES refused (one of REFUSALS)."""
    if isinstance(refusal, UpstreamRefused):
        return (f"{refusal.message}; our sending was refused, not the customer's address (our sender address "
                "not verified, or sending paused): send it again once that is mended")
    return refusal.message


def record_email(uow: Optional[UnitOfWork], dtype: DocumentType, tenant_id: str, actor: Actor, document_id: str,
                 sent: Sent, action: str, change: Callable[[DocumentItem], None] = lambda item: None) -> DocumentItem:
    """History: who was emailed, when, and SES's message id, with `change` made to the document
    in the same write; committed in `uow` (a new one if None)."""
    def attempt(use_cache: bool) -> DocumentItem:
        item = dtype.store.get(tenant_id, document_id)
        change(item)
        at = stamp(now())
        recorded = {"last_emailed": {"at": at, "to": sent.to, "message_id": sent.message_id}}
        if not item.data.get("sent_at"):
            recorded["sent_at"] = at
        return move_status(uow or UnitOfWork(), dtype, tenant_id, actor, item, sent_status(dtype, item),
                           action, **recorded)
    return retry_on_conflict(attempt)


def _send(tenant_id: str, item: DocumentItem, template_kind: str, options: Dict[str, Any],
          values: Dict[str, str]) -> Sent:
    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    to = recipients(tenant_id, item.customer_id, options)
    message = compose(template_kind, tenant.get("email_templates"), values)
    pdf = files.get_bytes(document_pdf(tenant_id, item))
    link = portal_link(tenant_id, tenant, item.customer_id, item)
    return send_email(tenant.get("trading_name") or tenant["legal_name"], tenant.get("email"), to,
                      message["subject"], message["body"] + _extra(options) + link,
                      Attachment(file_name(item, "pdf"), pdf, PDF), cc=options.get("cc"),
                      tags={"tenant": tenant_id, "document_kind": item.kind, "document": item.id})


def recipients(tenant_id: str, customer_id: str, options: Dict[str, Any]) -> List[str]:
    to = options.get("to") or CUSTOMERS.store.get(tenant_id, customer_id).data.get("emails") or []
    if not to:
        raise InvalidReference("The customer has no email address; add one or give 'to'",
                               [("to", "is required: the customer has no email address")])
    return list(to)


def portal_link(tenant_id: str, tenant: Dict[str, Any], customer_id: str, document: Optional[DocumentItem]) -> str:
    """A new portal link for this email (the document's page, or the customer's), as its last lines;
    none where the stack has no portal URL."""
    if not config.portal_base_url():
        return ""
    _, url = create_link(UnitOfWork(), tenant_id, MAILER, customer_id, document, link_days(tenant))
    return f"\n\nView {'it' if document else 'your documents'} online: {url}"


def _extra(options: Dict[str, Any]) -> str:
    return f"\n\n{options['message']}" if options.get("message") else ""


def _values(item: DocumentItem) -> Dict[str, str]:
    data, currency = item.data, item.currency
    supplier = data.get("supplier") or {}
    values = {
        "supplier_name": supplier.get("trading_name") or supplier.get("legal_name", ""),
        "customer_name": (data.get("customer") or {}).get("name", ""),
        "number": item.number or "", "issue_date": text.day(data.get("issue_date")),
        "total": text.money(format_amount(data["totals"]["gross"], currency), currency),
        "due_date": text.day(item.due_date) if item.kind == "INVOICE" else "",
        "expiry_date": text.day(data.get("expiry_date")), "invoice_number": data.get("invoice_number", ""),
    }
    if item.kind == "INVOICE":
        values["outstanding"] = text.money(format_amount(outstanding(item), currency), currency)
    return values
