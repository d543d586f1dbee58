"""Marking a document sent, and voiding it (it keeps its number, with a reason)."""
from ..domain import documents as docs
from ..domain.errors import Conflict
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .document_types import DocumentType
from .drafts import has_allocations
from .records import Actor
from .retry import retry_on_conflict


def mark_sent(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor,
              document_id: str) -> DocumentItem:
    """Record that the customer has the document; from now on its amounts are locked."""
    item = dtype.store.get(tenant_id, document_id)
    if item.status == docs.DRAFT:
        raise Conflict(f"Issue the {dtype.label} before sending it")
    if item.status == docs.VOID:
        raise Conflict(f"A void {dtype.label} cannot be sent")
    if item.data.get("sent_at"):
        return item
    return move_status(uow, dtype, tenant_id, actor, item, sent_status(dtype, item), "sent", sent_at=stamp(now()))


def sent_status(dtype: DocumentType, item: DocumentItem) -> str:
    """An invoice moves to "sent"; anything further along keeps its status."""
    return docs.SENT if item.status == docs.ISSUED and not dtype.money_source else item.status


def void_document(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor, document_id: str,
                  reason: str) -> DocumentItem:
    def attempt(use_cache: bool) -> DocumentItem:
        item = dtype.store.get(tenant_id, document_id)
        if item.status == docs.VOID:
            return item
        if item.status == docs.DRAFT:
            raise Conflict("A draft has no number to keep; delete it instead")
        if has_allocations(item):
            raise Conflict(f"Money is allocated to or from this {dtype.label}; remove the allocations first")
        writes = Writes()
        dtype.voided(writes, tenant_id, item, stamp(now()), item.data["totals"]["gross"])
        dtype.credits_changed(writes, tenant_id, item, [])  # a void credit note takes nothing back
        return move_status(uow, dtype, tenant_id, actor, item, docs.VOID, "voided", writes,
                           void_reason=reason, voided_at=stamp(now()))

    return retry_on_conflict(attempt)


def move_status(uow, dtype, tenant_id, actor, item, status, action, writes=None, **recorded) -> DocumentItem:
    """Set the status and record fields, with a history entry; committed unless `uow` is None
    (then the caller commits `writes` with more)."""
    before = item.status
    item.status = status
    item.updated_at = stamp(now())
    item.data.update(recorded)
    dtype.store.place(item, tenant_id)
    writes = (writes or Writes()).put(item)
    changes = {**({"status": {"before": before, "after": status}} if before != status else {}),
               **{name: {"before": None, "after": value} for name, value in recorded.items()}}
    writes.put(history_entry(item.PK, item.updated_at, actor.id, action, changes))
    return uow.commit(writes, item) if uow else item
