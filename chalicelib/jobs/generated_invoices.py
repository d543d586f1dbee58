"""What the scheduler does with an invoice it generated (recurring templates, subscription billing)
beyond the draft: issue it, email it once, or record on it why it could not. Each step is skipped
once done, so a redelivered message finishes a job a dead worker left and repeats nothing."""
from typing import Optional

from ..domain import documents as docs
from ..domain.errors import Conflict, InvalidReference, NotFound, ValidationError
from ..domain.records import Actor
from ..observability import logger
from ..services.document_types import INVOICE
from ..services.issuing import issue_document
from ..services.retry import retry_on_conflict
from ..services.sending import REFUSALS, email_document, why_not_sent
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.leases import LeaseHeld, take_lease
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes

SCHEDULER = Actor("scheduler")
ISSUE_AND_SEND = "issue_and_send"
ISSUING_ACTIONS = ("issue", ISSUE_AND_SEND)


def awaits_issue(tenant_id: str, invoice_id: str) -> bool:
    """A draft, not found unissuable (nor deleted by the tenant since)."""
    invoice = _found(tenant_id, invoice_id)
    return invoice is not None and invoice.status == docs.DRAFT and not invoice.data.get("not_issued")


def awaits_email(tenant_id: str, invoice_id: str) -> bool:
    """Issued, and neither sent nor found unsendable (nor voided or paid since)."""
    invoice = _found(tenant_id, invoice_id)
    return invoice is not None and invoice.status == docs.ISSUED and not invoice.data.get("sent_at") \
        and not invoice.data.get("not_emailed")


def _found(tenant_id: str, invoice_id: str) -> Optional[DocumentItem]:
    """The invoice (a consistent read), or None: a draft the tenant deleted (one held not_issued,
    say) leaves nothing to finish, and must not fail every later run of its template or subscription."""
    try:
        return INVOICE.store.get(tenant_id, invoice_id)
    except NotFound:
        return None


def send_once(tenant_id: str, invoice_id: str) -> None:
    """Email the issued invoice under a lease, so that two workers given the same message never
    both send it; the invoice is read again once the lease is held, in case a worker finished the
    email just before. A crash between the email and its record sends it again once the lease has
    run out (at least once, never twice at once). An invoice SES will not take (no address, one SES
    refuses, or SES refusing our sending: sender not verified, sending paused) is marked not_emailed,
    saying why, and left to the tenant to send: failing the job instead would hold back every later
    occurrence of the template until the refusal is mended. SES busy or unreachable fails the job
    (the queue delivers it again)."""
    if not take_lease(INVOICE.store.pk(tenant_id, invoice_id), "send"):
        raise LeaseHeld(f"invoice {invoice_id} is being emailed")
    if not awaits_email(tenant_id, invoice_id):
        return
    try:
        email_document(UnitOfWork(), INVOICE, tenant_id, SCHEDULER, invoice_id, {})
    except REFUSALS as refusal:
        record_not_done(tenant_id, invoice_id, "not_emailed", why_not_sent(refusal))


def record_not_done(tenant_id: str, invoice_id: str, step: str, reason: str) -> None:
    """A step the invoice cannot pass as things stand (`not_emailed`, `not_issued`), on the invoice and
    in its history: the tenant sees why, retries do not hold back the template's later occurrences, and
    no later message takes the step by surprise once mended (the tenant issues or sends it when ready)."""
    logger.warning(f"recurring invoice {step}", extra={"tenant_id": tenant_id, "invoice_id": invoice_id,
                                                        "reason": reason})

    def record(use_cache: bool) -> None:
        invoice = INVOICE.store.get(tenant_id, invoice_id)
        at = stamp(now())
        invoice.data[step] = {"at": at, "reason": reason}
        invoice.updated_at = at
        UnitOfWork().commit(Writes().put(invoice).put(history_entry(  # the put is conditioned on the version read
            invoice.PK, at, SCHEDULER.id, step, {step: {"before": None, "after": reason}})), invoice)

    retry_on_conflict(record)


def ensure_issued(tenant_id: str, invoice_id: str) -> None:
    """Issue the generated draft; a concurrent worker having issued it already is success. A draft
    that cannot be issued as it stands (in a currency other than the tenant's, it needs an exchange
    rate) stays a draft, marked not_issued: failing the job would repeat on every delivery and hold
    back every later occurrence of the template."""
    try:
        issue_document(UnitOfWork(), INVOICE, tenant_id, SCHEDULER, invoice_id, {})
    except Conflict:
        if INVOICE.store.get(tenant_id, invoice_id).status == docs.DRAFT:
            raise
    except (ValidationError, InvalidReference) as error:
        record_not_done(tenant_id, invoice_id, "not_issued", error.message)
