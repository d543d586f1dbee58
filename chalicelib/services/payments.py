"""Payments: recorded (and allocated to invoices at once, if asked), and deleted.

Allocating later, taking back and refunding are in services/sources.py,
shared with credit notes.
"""
from decimal import Decimal
from typing import Any, Dict

from ..domain.errors import Conflict, InvalidReference
from ..domain.payments import DELETED
from ..domain.money import check_places
from ..store import keys
from ..store.clock import now, stamp
from ..store.models import DocumentItem, RecordItem
from ..store.reads import Snapshot
from ..store.unit_of_work import UnitOfWork, Writes
from .allocations import take_back
from .customers import CUSTOMERS
from .money_events import payment_received
from .payment_view import present_payment
from .records import Actor
from .retry import retry_on_conflict
from .sources import (PAYMENTS, allocate_all, commit_source, invoice_in, invoice_keys, read_source,
                      today)
from .tenants import TENANTS



def record_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, fields: Dict[str, Any]) -> DocumentItem:
    payment_id = keys.new_id("pay")
    return retry_on_conflict(lambda use_cache: _record(uow, tenant_id, actor, payment_id, fields, use_cache))


def delete_payment(uow: UnitOfWork, tenant_id: str, actor: Actor, payment_id: str) -> DocumentItem:
    """Reverse every allocation, then mark the payment deleted (it stays, for its history)."""
    def attempt(use_cache):
        payment = PAYMENTS.get(tenant_id, payment_id)
        if payment.status == DELETED:
            return payment
        if payment.data["refunded"]:
            raise Conflict("Part of this payment was refunded; it cannot be deleted")
        found = read_source(PAYMENTS, tenant_id, payment_id, list(payment.data["allocations"]), use_cache=False)
        payment, at, before = found["source"], stamp(now()), present_payment(found["source"])
        writes = Writes()
        touched = [invoice_in(found, invoice_id, "invoice_id") for invoice_id in list(payment.data["allocations"])]
        for invoice in touched:
            take_back(writes, tenant_id, actor, payment, invoice, at, today(found))
        payment_received(writes, tenant_id, payment, at, "payment_deleted", -payment.data["amount"])
        return commit_source(uow, tenant_id, writes, payment, touched, actor, at, "deleted", before,
                             status=lambda _: DELETED)
    return retry_on_conflict(attempt)


def _record(uow, tenant_id, actor, payment_id, fields, use_cache) -> DocumentItem:
    customer_id, wanted = fields["customer_id"], fields.get("allocations") or []
    found = Snapshot({
        "tenant": (RecordItem, TENANTS.store.pk(tenant_id, tenant_id), keys.RECORD_SK),
        "customer": (RecordItem, CUSTOMERS.store.pk(tenant_id, customer_id), keys.RECORD_SK),
        **invoice_keys(tenant_id, [a["invoice_id"] for a in wanted]),
    }, use_cache)
    customer = found["customer"]
    if customer is None:
        raise InvalidReference(f"No customer has the id {customer_id}", [("customer_id", "is not one of your customers")])
    at = stamp(now())
    payment = PAYMENTS.new_item(tenant_id, payment_id, at)
    payment.status = "unallocated"
    payment.customer_id = customer.id
    payment.currency = fields.get("currency") or customer.data.get("currency") or found["tenant"].data["base_currency"]
    check_places(fields["amount"], payment.currency, "amount")
    payment.doc_date = fields["date"].isoformat() if fields.get("date") else today(found)
    payment.data = {"amount": fields["amount"], "allocated": Decimal(0), "refunded": Decimal(0),
                    "allocations": {}, "customer": {"id": customer.id, "name": customer.data["name"]},
                    **{k: fields[k] for k in ("method", "reference") if fields.get(k)}}
    payment.search = " ".join(filter(None, [customer.data["name"], fields.get("reference")])).lower()
    writes = Writes()
    found.verify(writes, "tenant", "customer")
    payment_received(writes, tenant_id, payment, at, "payment", fields["amount"])
    touched = allocate_all(writes, tenant_id, actor, payment, found, wanted, at, payment.doc_date)
    return commit_source(uow, tenant_id, writes, payment, touched, actor, at, "recorded", {})
