"""Aged debt: what each invoice owed at the end of a day, read from the customer's ledger, and
how late it was then."""
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Dict, Iterable

AGE_BUCKETS = (("not_due", None, 0), ("1_30", 1, 30), ("31_60", 31, 60), ("61_90", 61, 90), ("over_90", 91, None))


def owed_at(entries: Iterable, day: str) -> Dict[str, Decimal]:
    """Per invoice id, what it owed at the end of `day` (ISO): what was raised on it (issued,
    adjusted, voided) less what was allocated to it, counting only entries dated on or before
    `day`. An allocation counts from its own date: a payment's from the payment's date, a later
    allocation of credit from the day it was made, since until then the invoice was owed.
    Invoices that owed nothing are left out; so is a void invoice, whose void is dated on its
    issue date, even on the days money was still allocated to it."""
    owed = defaultdict(Decimal)
    for entry in entries:
        if entry.day > day:
            continue
        if entry.kind.startswith("invoice"):
            owed[entry.refs["invoice_id"]] += entry.amount
        elif entry.kind in ("allocation", "deallocation"):
            owed[entry.refs["invoice_id"]] -= entry.allocated
    return {invoice_id: amount for invoice_id, amount in owed.items() if amount > 0}


def credit_at(entries: Iterable, day: str, owed: Dict[str, Decimal]) -> Decimal:
    """The customer's money not allocated to any invoice at the end of `day` (payments and credit
    notes not yet used, less refunds): what the invoices `owed` (owed_at that day) come to beyond
    the account's balance. The aged debt less this credit is the balance."""
    balance = sum((entry.amount for entry in entries if entry.day <= day), Decimal(0))
    return sum(owed.values(), Decimal(0)) - balance


def age_bucket(due: date, as_of: date) -> str:
    """The aged-debt bucket of something due on `due`, seen at the end of `as_of`."""
    days = (as_of - due).days
    return next(name for name, low, high in AGE_BUCKETS
                if (low is None or days >= low) and (high is None or days <= high))
