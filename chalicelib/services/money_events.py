"""The writes that follow money moving: the customer's ledger and the dashboard sums.

Each function adds to a transaction's `writes`; callers commit them with the
document change itself, so sums and ledgers never drift from the documents.
"""
from decimal import Decimal

from ..store.ledger import Entry, post
from ..store.models import DocumentItem
from ..store.tallies import add_to_day
from ..store.unit_of_work import Writes


def invoice_raised(writes: Writes, tenant_id: str, invoice: DocumentItem, at: str, kind: str,
                   amount: Decimal, count: int) -> None:
    """An invoice issued (count 1), adjusted (count 0) or voided (count -1, negative amount)."""
    add_to_day(writes, tenant_id, invoice.doc_date, invoice.currency, documents=Decimal(count), raised=amount)
    post(writes, tenant_id, invoice.customer_id, at, Entry(
        kind, invoice.doc_date, invoice.currency, amount=amount, refs=_refs(invoice),
        balances={"invoiced": amount}))


def credit_note_issued(writes: Writes, tenant_id: str, note: DocumentItem, at: str, kind: str,
                       amount: Decimal) -> None:
    """A credit note issued (positive amount), adjusted or voided (negative): the customer owes less."""
    post(writes, tenant_id, note.customer_id, at, Entry(
        kind, note.doc_date, note.currency, amount=-amount, refs={**_refs(note), **_corrects(note)},
        balances={"credited": amount}))


def payment_received(writes: Writes, tenant_id: str, payment: DocumentItem, at: str, kind: str,
                     amount: Decimal) -> None:
    """A payment recorded (positive amount) or deleted (negative)."""
    post(writes, tenant_id, payment.customer_id, at, Entry(
        kind, payment.doc_date, payment.currency, amount=-amount, refs=_refs(payment),
        balances={"received": amount}))


def allocated(writes: Writes, tenant_id: str, source: DocumentItem, invoice: DocumentItem, at: str,
              day: str, amount: Decimal) -> None:
    """Money from a payment or credit note put against an invoice (negative: taken back)."""
    sum_name = "received" if source.kind == "PAYMENT" else "credited"
    add_to_day(writes, tenant_id, invoice.doc_date, invoice.currency, **{sum_name: amount})
    post(writes, tenant_id, invoice.customer_id, at, Entry(
        "allocation" if amount > 0 else "deallocation", day, invoice.currency, allocated=amount,
        refs={**_refs(source, "from_"), **_refs(invoice)}, balances={"allocated": amount}))


def refunded(writes: Writes, tenant_id: str, source: DocumentItem, at: str, day: str, amount: Decimal) -> None:
    post(writes, tenant_id, source.customer_id, at, Entry(
        "refund", day, source.currency, amount=amount, refs=_refs(source, "from_"),
        balances={"refunded": amount}))


def _corrects(note: DocumentItem) -> dict:
    return {"invoice_id": note.data["invoice_id"], "invoice_number": note.data["invoice_number"]}


def _refs(document: DocumentItem, prefix: str = "") -> dict:
    kind = document.kind.lower()
    refs = {f"{prefix}{kind}_id": document.id}
    if document.number:
        refs[f"{prefix}{kind}_number"] = document.number
    return refs
