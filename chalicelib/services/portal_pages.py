"""What the portal's pages show and do, for a link that works (services/portal_links.py)."""
from typing import Any, Dict, List, Optional, Tuple

from ..domain import documents as docs
from ..domain import estimates as rules
from ..domain.errors import DomainError
from ..observability import logger
from ..store import files
from ..store.documents import DocumentQuery
from ..store.unit_of_work import UnitOfWork
from .customer_accounts import account_summary, statement
from .document_files import PDF, document_pdf, file_name
from .document_types import CREDIT_NOTE, ESTIMATE, INVOICE
from .document_view import present_document
from .estimates import answer_estimate
from .local_dates import tenant_today
from .mail import Attachment, send_email
from .portal_links import Opened
from .records import Actor
from .statements import statement_link
from .tenants import TENANTS

_LISTED = (INVOICE, CREDIT_NOTE, ESTIMATE)
_LIST_LIMIT = 100  # per kind, newest first


def shown_document(opened: Opened) -> Dict[str, Any]:
    """The document as GET /invoices/{id} (or /credit-notes, /estimates) answers it."""
    return present_document(opened.target, today=tenant_today(opened.link.tenant_id))


def customer_documents(opened: Opened, status_filter: str) -> Tuple[str, List[Dict[str, Any]], List[Dict]]:
    """The supplier's name, the customer's issued documents (newest first, filtered) and balances."""
    tenant_id, customer_id = opened.link.tenant_id, opened.link.customer_id
    today = tenant_today(tenant_id)
    shown = []
    for dtype in _LISTED:
        items, _ = dtype.store.list(tenant_id, DocumentQuery(customer_id=customer_id, limit=_LIST_LIMIT))
        shown += [{**present_document(item, with_lines=False, today=today), "kind": item.kind}
                  for item in items if item.status != docs.DRAFT]
    shown.sort(key=lambda d: (d.get("issue_date") or "", d["created_at"]), reverse=True)
    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    name = tenant.get("trading_name") or tenant["legal_name"]
    return name, [d for d in shown if _matches(d, status_filter)], account_summary(tenant_id, customer_id, today)


def statement_to_today(opened: Opened) -> str:
    """A short-lived link to the statement PDF from the first document to the tenant's today."""
    tenant_id = opened.link.tenant_id
    return statement_link(tenant_id, opened.target, None, tenant_today(tenant_id), None)["url"]


def statement_shown(opened: Opened) -> Tuple[str, Dict[str, Any]]:
    """The supplier's name and the statement from the first document to the tenant's today, as
    GET /customers/{id}/statement answers it (the data its PDF shows)."""
    tenant_id = opened.link.tenant_id
    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    return (tenant.get("trading_name") or tenant["legal_name"],
            statement(tenant_id, opened.target, None, tenant_today(tenant_id), None))


def _matches(document: Dict[str, Any], status_filter: str) -> bool:
    if status_filter == "unpaid":
        return document["kind"] == "INVOICE" and document["status"] in docs.OPEN
    if status_filter == "overdue":
        return bool(document.get("overdue"))
    if status_filter == "paid":
        return document["status"] == docs.PAID
    if status_filter == "estimates":
        return document["kind"] == "ESTIMATE"
    return True


def answer(opened: Opened, accepted: bool, name: Optional[str], comment: Optional[str]) -> Any:
    """Accept or decline the estimate as the tenant's API would; the same answer again changes
    nothing. Raises Conflict when it can no longer be answered (so, or the other way)."""
    estimate = opened.target
    wanted = rules.ACCEPTED if accepted else rules.DECLINED
    if estimate.status == wanted:
        return estimate
    details = ({"accepted_by": name, **({"accepted_comment": comment} if comment else {})} if accepted else {})
    answered = answer_estimate(UnitOfWork(), opened.link.tenant_id, Actor(f"portal:{opened.link.link_id}"),
                               estimate.id, accepted, reason=None if accepted else comment, details=details)
    _tell_tenant(opened.link.tenant_id, answered, name, comment)
    return answered


def _tell_tenant(tenant_id: str, estimate: Any, name: Optional[str], comment: Optional[str]) -> None:
    """The tenant hears of the answer at its own address (none set: nobody to tell), with the
    estimate's PDF. The answer is recorded first: a failed email never undoes it."""
    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    if not tenant.get("email"):
        return
    customer = (estimate.data.get("customer") or {}).get("name", "")
    verb = "accepted" if estimate.status == rules.ACCEPTED else "declined"
    lines = [f"{customer} {verb} estimate {estimate.number} through the portal."]
    lines += [f"Name given: {name}"] if name and estimate.status == rules.ACCEPTED else []
    lines += [f"{'Comment' if estimate.status == rules.ACCEPTED else 'Reason'}: {comment}"] if comment else []
    try:
        send_email(tenant.get("trading_name") or tenant["legal_name"], None, [tenant["email"]],
                   f"Estimate {estimate.number} {verb} by {customer}", "\n".join(lines),
                   Attachment(file_name(estimate, "pdf"), files.get_bytes(document_pdf(tenant_id, estimate)), PDF))
    except DomainError:
        logger.warning("the tenant was not told of an estimate's answer", extra={"estimate": estimate.id})


def answerable(document: Dict[str, Any]) -> bool:
    return document["status"] == docs.SENT


def refusal(document: Dict[str, Any]) -> str:
    """Why the customer can no longer answer, in their words."""
    return {rules.EXPIRED: "This estimate has expired, so it can no longer be accepted or declined.",
            rules.INVOICED: "This estimate has already been accepted and invoiced.",
            rules.ACCEPTED: "This estimate has already been accepted.",
            rules.DECLINED: "This estimate has already been declined."}.get(
        document["status"], "This estimate cannot be answered now.")
