"""Money sources (payments and issued credit notes): allocate to invoices, take back, refund.

What is not allocated stays as the customer's credit. Every use case reads the
documents it touches in one call and writes them in one transaction, each
document conditioned on the version read, retried from fresh reads when a
concurrent change got there first; so nothing is ever allocated twice.
"""
from typing import Any, Callable, Dict, List

from ..domain import allocations as rules
from ..domain import documents as docs
from ..domain.changes import diff
from ..domain.errors import Conflict, InvalidReference, NotFound, invalid
from ..domain.money import check_places
from ..domain.payments import DELETED
from ..store import keys
from ..store.clock import now, stamp
from ..store.documents import DocumentStore
from ..store.history import history_entry
from ..store.models import DocumentItem, RecordItem
from ..store.reads import Snapshot
from ..store.unit_of_work import UnitOfWork, Writes
from .allocations import allocate, available, take_back
from .document_types import CREDIT_NOTE, INVOICE
from .document_view import present_document
from .local_dates import today_for
from .money_events import refunded
from .payment_view import present_payment
from .records import Actor
from .retry import retry_on_conflict
from .tenants import TENANTS

PAYMENTS = DocumentStore("PAYMENT", "payment")


def present_source(item: DocumentItem) -> Dict[str, Any]:
    return present_payment(item) if item.kind == PAYMENTS.kind else present_document(item)


def allocate_from(uow: UnitOfWork, store: DocumentStore, tenant_id: str, actor: Actor, source_id: str,
                  wanted: List[Dict[str, Any]]) -> DocumentItem:
    def attempt(use_cache):
        found = read_source(store, tenant_id, source_id, [a["invoice_id"] for a in wanted], use_cache)
        source, at, before = found["source"], stamp(now()), present_source(found["source"])
        writes = Writes()
        touched = allocate_all(writes, tenant_id, actor, source, found, wanted, at, today(found))
        return commit_source(uow, tenant_id, writes, source, touched, actor, at, "allocated", before)
    return retry_on_conflict(attempt)


def deallocate_from(uow: UnitOfWork, store: DocumentStore, tenant_id: str, actor: Actor, source_id: str,
                    invoice_id: str) -> DocumentItem:
    def attempt(use_cache):
        found = read_source(store, tenant_id, source_id, [invoice_id], use_cache)
        source, at, before = found["source"], stamp(now()), present_source(found["source"])
        invoice = invoice_in(found, invoice_id, "invoice_id")
        writes = Writes()
        take_back(writes, tenant_id, actor, source, invoice, at, today(found))
        return commit_source(uow, tenant_id, writes, source, [invoice], actor, at, "deallocated", before)
    return retry_on_conflict(attempt)


def refund_from(uow: UnitOfWork, store: DocumentStore, tenant_id: str, actor: Actor, source_id: str,
                fields: Dict[str, Any]) -> DocumentItem:
    def attempt(use_cache):
        found = read_source(store, tenant_id, source_id, [], use_cache)
        source, at, before = found["source"], stamp(now()), present_source(found["source"])
        _check_usable(source)
        amount = fields["amount"]
        check_places(amount, source.currency, "amount")
        if amount > available(source):
            raise Conflict(f"Only {available(source)} is left to refund", [("amount", "is more than what is left")])
        day = fields["date"].isoformat() if fields.get("date") else today(found)
        source.data["refunded"] += amount
        source.data["refunds"] = source.data.get("refunds", []) + [
            {"amount": amount, "date": day, "reason": fields.get("reason"), "at": at}]
        writes = Writes()
        refunded(writes, tenant_id, source, at, day, amount)
        return commit_source(uow, tenant_id, writes, source, [], actor, at, "refunded", before)
    return retry_on_conflict(attempt)


def allocate_all(writes, tenant_id, actor, source, found, wanted, at, day) -> List[DocumentItem]:
    """Allocate each wanted amount; returns the invoices changed."""
    _check_usable(source)
    seen, touched = set(), []
    for i, allocation in enumerate(wanted):
        field = f"allocations[{i}]"
        if allocation["invoice_id"] in seen:
            raise invalid(field + ".invoice_id", "appears twice")
        seen.add(allocation["invoice_id"])
        invoice = invoice_in(found, allocation["invoice_id"], field + ".invoice_id")
        check_places(allocation["amount"], source.currency, field + ".amount")
        allocate(writes, tenant_id, actor, source, invoice, allocation["amount"], at, day, field)
        touched.append(invoice)
    return touched


def commit_source(uow, tenant_id, writes, source, touched, actor, at, action, before,
                  status: Callable[[DocumentItem], str] = None):
    """Put the source and the invoices it touched (each conditioned on the version read)."""
    source.status = (status or _settled_status)(source)
    source.updated_at = at
    store = PAYMENTS if source.kind == PAYMENTS.kind else CREDIT_NOTE.store
    store.place(source, tenant_id)
    writes.put(source)
    for invoice in touched:
        writes.put(invoice)
    writes.put(history_entry(source.PK, at, actor.id, action, diff(before, present_source(source))))
    return uow.commit(writes, source)


def read_source(store: DocumentStore, tenant_id: str, source_id: str, invoice_ids, use_cache,
                **more) -> Snapshot:
    found = Snapshot({
        "tenant": (RecordItem, TENANTS.store.pk(tenant_id, tenant_id), keys.RECORD_SK),
        "source": (DocumentItem, store.pk(tenant_id, source_id), keys.RECORD_SK),
        **invoice_keys(tenant_id, invoice_ids), **more}, use_cache)
    if found["source"] is None:
        raise NotFound(f"No {store.label} has the id {source_id}")
    return found


def invoice_keys(tenant_id, invoice_ids) -> Dict[str, tuple]:
    return {f"invoice:{i}": (DocumentItem, INVOICE.store.pk(tenant_id, i), keys.RECORD_SK) for i in set(invoice_ids)}


def invoice_in(found: Snapshot, invoice_id: str, field: str) -> DocumentItem:
    invoice = found.get(f"invoice:{invoice_id}")
    if invoice is None:
        raise InvalidReference(f"No invoice has the id {invoice_id}", [(field, "is not one of your invoices")])
    return invoice


def today(found: Snapshot) -> str:
    return today_for(found["tenant"]).isoformat()


def _check_usable(source: DocumentItem) -> None:
    if source.status in (DELETED, docs.VOID):
        raise Conflict(f"This {source.kind.lower().replace('_', ' ')} is {source.status}")
    if source.status == docs.DRAFT:
        raise Conflict("Issue the credit note before allocating or refunding it")


def _settled_status(source: DocumentItem) -> str:
    data = source.data
    status = rules.source_status(data["amount"], data["allocated"], data["refunded"])
    if source.kind == PAYMENTS.kind:
        return status
    # A credit note: issued until used, then partially allocated, allocated, or refunded.
    if status == "unallocated":
        return docs.ISSUED
    if status == "allocated" and data["refunded"] == data["amount"]:
        return "refunded"
    return status
