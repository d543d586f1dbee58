"""Rules for putting money (a payment or a credit note) against an invoice."""
from decimal import Decimal
from . import documents as docs
from .errors import Conflict, InvalidReference

PAYABLE = docs.OPEN  # issued, sent, partially paid


def check(amount: Decimal, available: Decimal, source_customer: str, source_currency: str,
          invoice_status: str, invoice_customer: str, invoice_currency: str, outstanding: Decimal,
          field: str) -> None:
    """Refuse an allocation that would take more than is left on either side, or cross customers."""
    if invoice_customer != source_customer:
        raise InvalidReference("That invoice belongs to another customer", [(field + ".invoice_id", "belongs to another customer")])
    if invoice_currency != source_currency:
        raise InvalidReference(f"That invoice is in {invoice_currency}, not {source_currency}",
                               [(field + ".invoice_id", f"is in {invoice_currency}")])
    if invoice_status not in PAYABLE:
        raise Conflict(f"A {invoice_status} invoice cannot take payments or credits",
                       [(field + ".invoice_id", f"is {invoice_status}")])
    if amount > outstanding:
        raise Conflict(f"Only {outstanding} is outstanding on that invoice", [(field + ".amount", f"is more than the {outstanding} outstanding")])
    if amount > available:
        raise Conflict(f"Only {available} is left to allocate", [(field + ".amount", f"is more than the {available} left")])


def invoice_status_after(gross: Decimal, settled: Decimal, sent: bool) -> str:
    """Paid when nothing is left, partially paid while something is, else issued or sent."""
    if settled >= gross:
        return docs.PAID
    if settled > 0:
        return docs.PARTIALLY_PAID
    return docs.SENT if sent else docs.ISSUED


def source_status(amount: Decimal, allocated: Decimal, refunded: Decimal) -> str:
    used = allocated + refunded
    if used == 0:
        return "unallocated"
    return "allocated" if used >= amount else "partially_allocated"


def left(amount: Decimal, allocated: Decimal, refunded: Decimal) -> Decimal:
    return amount - allocated - refunded
