"""Payments: recorded, allocated to invoices (now or later), deallocated, refunded, deleted.

What is not allocated stays as the customer's credit. Every use case reads the
documents it touches in one call and writes them in one transaction, retried
from fresh reads when a concurrent change got there first.
"""
from decimal import Decimal
from typing import Any, Dict, List

from ..domain import allocations as rules
from ..domain.changes import diff
from ..domain.errors import Conflict, InvalidReference, NotFound, invalid
from ..store import keys
from ..store.clock import now, stamp
from ..store.documents import DocumentStore
from ..store.history import history_entry
from ..store.models import DocumentItem, RecordItem
from ..store.reads import Snapshot
from ..store.unit_of_work import UnitOfWork, Writes
from .allocations import allocate, available, take_back
from .customers import CUSTOMERS
from .invoice_inputs import today_for
from .invoices import INVOICES
from .money_events import payment_received, refunded
from .payment_view import present_payment
from .records import Actor
from .retry import retry_on_conflict
from .tenants import TENANTS

PAYMENTS = DocumentStore("PAYMENT", "payment")
METHODS = ("bank_transfer", "card", "cash", "cheque", "direct_debit", "other")
STATUSES = ("unallocated", "partially_allocated", "allocated", "deleted")


def record_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, fields: Dict[str, Any]) -> DocumentItem:
    payment_id = keys.new_id("pay")
    wanted = fields.get("allocations") or []
    return retry_on_conflict(lambda use_cache: _record(uow, tenant_id, actor, payment_id, fields, wanted, use_cache))


def allocate_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, payment_id: str,
                     wanted: List[Dict[str, Any]]) -> DocumentItem:
    def attempt(use_cache):
        found = _read(tenant_id, payment_id, [a["invoice_id"] for a in wanted], use_cache)
        payment, at, before = found["payment"], stamp(now()), present_payment(found["payment"])
        writes = Writes()
        touched = _allocate_all(writes, tenant_id, actor, payment, found, wanted, at, _today(found))
        return _commit(uow, tenant_id, writes, payment, touched, actor, at, "allocated", before)
    return retry_on_conflict(attempt)


def deallocate_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, payment_id: str,
                       invoice_id: str) -> DocumentItem:
    def attempt(use_cache):
        found = _read(tenant_id, payment_id, [invoice_id], use_cache)
        payment, at, before = found["payment"], stamp(now()), present_payment(found["payment"])
        invoice = _invoice(found, invoice_id, "invoice_id")
        writes = Writes()
        take_back(writes, tenant_id, actor, payment, invoice, at, _today(found))
        return _commit(uow, tenant_id, writes, payment, [invoice], actor, at, "deallocated", before)
    return retry_on_conflict(attempt)


def refund_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, payment_id: str,
                   fields: Dict[str, Any]) -> DocumentItem:
    def attempt(use_cache):
        found = _read(tenant_id, payment_id, [], use_cache)
        payment, at, before = found["payment"], stamp(now()), present_payment(found["payment"])
        if payment.status == "deleted":
            raise Conflict("This payment was deleted")
        amount = fields["amount"]
        if amount > available(payment):
            raise Conflict(f"Only {available(payment)} of this payment is unallocated",
                           [("amount", "is more than the unallocated amount")])
        day = _day(fields.get("date"), found)
        payment.data["refunded"] += amount
        payment.data["refunds"] = payment.data.get("refunds", []) + [
            {"amount": amount, "date": day, "reason": fields.get("reason"), "at": at}]
        writes = Writes()
        refunded(writes, tenant_id, payment, at, day, amount)
        return _commit(uow, tenant_id, writes, payment, [], actor, at, "refunded", before)
    return retry_on_conflict(attempt)


def delete_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, payment_id: str) -> DocumentItem:
    """Reverse every allocation, then mark the payment deleted (it stays, for its history)."""
    def attempt(use_cache):
        payment = PAYMENTS.get(tenant_id, payment_id)
        if payment.status == "deleted":
            return payment
        if payment.data["refunded"]:
            raise Conflict("Part of this payment was refunded; it cannot be deleted")
        found = _read(tenant_id, payment_id, list(payment.data["allocations"]), use_cache=False)
        payment, at, before = found["payment"], stamp(now()), present_payment(found["payment"])
        writes = Writes()
        touched = [_invoice(found, invoice_id, "invoice_id") for invoice_id in list(payment.data["allocations"])]
        for invoice in touched:
            take_back(writes, tenant_id, actor, payment, invoice, at, _today(found))
        payment_received(writes, tenant_id, payment, at, "payment_deleted", -payment.data["amount"])
        payment.status = "deleted"
        return _commit(uow, tenant_id, writes, payment, touched, actor, at, "deleted", before, keep_status=True)
    return retry_on_conflict(attempt)


def _record(uow, tenant_id, actor, payment_id, fields, wanted, use_cache) -> DocumentItem:
    customer_id = fields["customer_id"]
    found = Snapshot({
        "tenant": (RecordItem, TENANTS.store.pk(tenant_id, tenant_id), keys.RECORD_SK),
        "customer": (RecordItem, CUSTOMERS.store.pk(tenant_id, customer_id), keys.RECORD_SK),
        **_invoice_keys(tenant_id, [a["invoice_id"] for a in wanted]),
    }, use_cache)
    customer = found["customer"]
    if customer is None:
        raise InvalidReference(f"No customer has the id {customer_id}", [("customer_id", "is not one of your customers")])
    at = stamp(now())
    payment = PAYMENTS.new_item(tenant_id, payment_id, at)
    payment.customer_id = customer.id
    payment.currency = fields.get("currency") or customer.data.get("currency") or found["tenant"].data["base_currency"]
    payment.doc_date = _day(fields.get("date"), found)
    payment.data = {"amount": fields["amount"], "allocated": Decimal(0), "refunded": Decimal(0),
                    "allocations": {}, "customer": {"id": customer.id, "name": customer.data["name"]},
                    **{k: fields[k] for k in ("method", "reference") if fields.get(k)}}
    payment.search = " ".join(filter(None, [customer.data["name"], fields.get("reference")])).lower()
    writes = Writes()
    found.verify(writes, "tenant", "customer")
    payment_received(writes, tenant_id, payment, at, "payment", fields["amount"])
    touched = _allocate_all(writes, tenant_id, actor, payment, found, wanted, at, payment.doc_date)
    return _commit(uow, tenant_id, writes, payment, touched, actor, at, "recorded", {})


def _allocate_all(writes, tenant_id, actor, payment, found, wanted, at, day) -> List[DocumentItem]:
    """Allocate each wanted amount; returns the invoices changed."""
    if payment.status == "deleted":
        raise Conflict("This payment was deleted")
    seen, touched = set(), []
    for i, allocation in enumerate(wanted):
        field = f"allocations[{i}]"
        if allocation["invoice_id"] in seen:
            raise invalid(field + ".invoice_id", "appears twice")
        seen.add(allocation["invoice_id"])
        invoice = _invoice(found, allocation["invoice_id"], field + ".invoice_id")
        allocate(writes, tenant_id, actor, payment, invoice, allocation["amount"], at, day, field)
        touched.append(invoice)
    return touched


def _commit(uow, tenant_id, writes, payment, touched, actor, at, action, before, keep_status=False):
    """Put the payment and the invoices it touched (each conditioned on the version read)."""
    data = payment.data
    if not keep_status:
        payment.status = rules.source_status(data["amount"], data["allocated"], data["refunded"])
    payment.updated_at = at
    PAYMENTS.place(payment, tenant_id)
    writes.put(payment)
    for invoice in touched:
        writes.put(invoice)
    writes.put(history_entry(payment.PK, at, actor.id, action, diff(before, present_payment(payment))))
    return uow.commit(writes, payment)


def _read(tenant_id, payment_id, invoice_ids, use_cache) -> Snapshot:
    found = Snapshot({
        "tenant": (RecordItem, TENANTS.store.pk(tenant_id, tenant_id), keys.RECORD_SK),
        "payment": (DocumentItem, PAYMENTS.pk(tenant_id, payment_id), keys.RECORD_SK),
        **_invoice_keys(tenant_id, invoice_ids)}, use_cache)
    if found["payment"] is None:
        raise NotFound(f"No payment has the id {payment_id}")
    return found


def _invoice_keys(tenant_id, invoice_ids) -> Dict[str, tuple]:
    return {f"invoice:{i}": (DocumentItem, INVOICES.pk(tenant_id, i), keys.RECORD_SK) for i in set(invoice_ids)}


def _invoice(found: Snapshot, invoice_id: str, field: str) -> DocumentItem:
    invoice = found.get(f"invoice:{invoice_id}")
    if invoice is None:
        raise InvalidReference(f"No invoice has the id {invoice_id}", [(field, "is not one of your invoices")])
    return invoice


def _today(found: Snapshot) -> str:
    return today_for(found["tenant"]).isoformat()


def _day(value, found: Snapshot) -> str:
    return value.isoformat() if value else _today(found)
