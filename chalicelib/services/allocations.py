"""Moving money from a payment or credit note onto an invoice, and back.

The caller reads both documents, calls `allocate`/`take_back`, then puts both
in one transaction (each conditioned on the version it read) with the ledger,
dashboard and history writes added here. Two concurrent allocations against
the same invoice or payment cannot both commit: the loser re-reads and is
refused if nothing is left.
"""
from decimal import Decimal

from ..domain import allocations as rules
from ..domain.errors import Conflict
from ..store.history import history_entry
from ..store.models import DocumentItem
from ..store.unit_of_work import Writes
from .document_view import outstanding
from .document_types import INVOICE
from .money_events import allocated
from .records import Actor

SETTLED_FIELD = {"PAYMENT": "amount_paid", "CREDIT_NOTE": "amount_credited"}


def available(source: DocumentItem) -> Decimal:
    data = source.data
    return rules.left(data["amount"], data["allocated"], data["refunded"])


def allocate(writes: Writes, tenant_id: str, actor: Actor, source: DocumentItem, invoice: DocumentItem,
             amount: Decimal, at: str, day: str, field: str) -> None:
    rules.check(amount, available(source), source.customer_id, source.currency, invoice.status,
                invoice.customer_id, invoice.currency, outstanding(invoice), field)
    _move(writes, tenant_id, actor, source, invoice, amount, at, day)


def take_back(writes: Writes, tenant_id: str, actor: Actor, source: DocumentItem, invoice: DocumentItem,
              at: str, day: str) -> Decimal:
    """Undo everything the source put against the invoice; returns how much."""
    amount = source.data["allocations"].get(invoice.id)
    if not amount:
        raise Conflict(f"Nothing from this {source.kind.lower().replace('_', ' ')} is allocated to that invoice")
    _move(writes, tenant_id, actor, source, invoice, -amount, at, day)
    return amount


def _move(writes, tenant_id, actor, source, invoice, amount, at, day) -> None:
    source.data["allocations"] = _adjusted(source.data["allocations"], invoice.id, amount)
    source.data["allocated"] += amount
    key = f"{source.kind}:{source.id}"
    data = invoice.data
    data["allocations"] = _adjusted(data.get("allocations", {}), key, amount)
    settled_field = SETTLED_FIELD[source.kind]
    data[settled_field] = data.get(settled_field, Decimal(0)) + amount
    before = invoice.status
    settled = data.get("amount_paid", Decimal(0)) + data.get("amount_credited", Decimal(0))
    invoice.status = rules.invoice_status_after(data["totals"]["gross"], settled, bool(data.get("sent_at")))
    invoice.updated_at = at
    INVOICE.store.place(invoice, tenant_id)
    allocated(writes, tenant_id, source, invoice, at, day, amount)
    changes = {settled_field: {"before": str(data[settled_field] - amount), "after": str(data[settled_field])},
               "allocations": {"before": None, "after": {key: str(amount)}}}
    if before != invoice.status:
        changes["status"] = {"before": before, "after": invoice.status}
    writes.put(history_entry(invoice.PK, at, actor.id, "allocated" if amount > 0 else "deallocated", changes))


def _adjusted(allocations: dict, key: str, amount: Decimal) -> dict:
    total = allocations.get(key, Decimal(0)) + amount
    changed = {**allocations, key: total}
    if not total:
        del changed[key]
    return changed
