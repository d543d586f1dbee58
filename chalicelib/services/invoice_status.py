"""Marking an invoice sent, and voiding it (it keeps its number, with a reason)."""
from ..domain import documents as docs
from ..domain.errors import Conflict
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .invoices import INVOICES, has_allocations
from .money_events import invoice_raised
from .records import Actor


def mark_sent(uow: UnitOfWork, tenant_id: str, actor: Actor, invoice_id: str) -> DocumentItem:
    """Record that the customer has the invoice; from now on its amounts are locked."""
    item = INVOICES.get(tenant_id, invoice_id)
    if item.status == docs.DRAFT:
        raise Conflict("Issue the invoice before sending it")
    if item.status == docs.VOID:
        raise Conflict("A void invoice cannot be sent")
    if item.status != docs.ISSUED or item.data.get("sent_at"):
        return item
    return _move(uow, tenant_id, actor, item, docs.SENT, "sent", sent_at=stamp(now()))


def void_invoice(uow: UnitOfWork, tenant_id: str, actor: Actor, invoice_id: str, reason: str) -> DocumentItem:
    item = INVOICES.get(tenant_id, invoice_id)
    if item.status == docs.VOID:
        return item
    if item.status == docs.DRAFT:
        raise Conflict("A draft has no number to keep; delete it instead")
    if has_allocations(item):
        raise Conflict("Payments or credits are allocated to this invoice; remove them before voiding it")
    writes = Writes()
    invoice_raised(writes, tenant_id, item, stamp(now()), "invoice_void", -item.data["totals"]["gross"], -1)
    return _move(uow, tenant_id, actor, item, docs.VOID, "voided", writes,
                 void_reason=reason, voided_at=stamp(now()))


def _move(uow, tenant_id, actor, item, status, action, writes=None, **recorded) -> DocumentItem:
    before = item.status
    item.status = status
    item.updated_at = stamp(now())
    item.data.update(recorded)
    INVOICES.place(item, tenant_id)
    writes = (writes or Writes()).put(item)
    changes = {"status": {"before": before, "after": status},
               **{name: {"before": None, "after": value} for name, value in recorded.items()}}
    writes.put(history_entry(item.PK, item.updated_at, actor.id, action, changes))
    return uow.commit(writes, item)
