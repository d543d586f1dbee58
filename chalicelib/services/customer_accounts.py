"""A customer's account: balances per currency, aged debt, and statements."""
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ..domain.errors import invalid
from ..domain.money import format_amount
from ..store.documents import DocumentQuery
from ..store.ledger import balances, entries_until
from .document_view import outstanding
from .document_types import INVOICE
from .local_dates import tenant_today

ZERO = Decimal(0)
AGE_BUCKETS = (("not_due", None, 0), ("1_30", 1, 30), ("31_60", 31, 60), ("61_90", 61, 90), ("over_90", 91, None))


def account_summary(tenant_id: str, customer_id: str, today: date) -> List[Dict[str, Any]]:
    """Per currency: owed on invoices, of which overdue, credit available, and the balance."""
    overdue = defaultdict(Decimal)
    for invoice in _open_invoices(tenant_id, customer_id, "overdue", today):
        overdue[invoice.currency] += outstanding(invoice)
    summary = []
    for item in balances(tenant_id, customer_id):
        sums = {name: getattr(item, name) or ZERO for name in ("invoiced", "received", "credited", "refunded",
                                                                "allocated")}
        money = lambda amount: format_amount(amount, item.currency)  # noqa: E731
        owed = sums["invoiced"] - sums["allocated"]
        credit = sums["received"] + sums["credited"] - sums["allocated"] - sums["refunded"]
        summary.append({"currency": item.currency, "owed": money(owed), "overdue": money(overdue[item.currency]),
                        "credit_available": money(credit), "balance": money(owed - credit)})
    return sorted(summary, key=lambda s: s["currency"])


def statement(tenant_id: str, customer: Any, first: Optional[date], last: date,
              currency: Optional[str]) -> Dict[str, Any]:
    """Debt is aged as at the earlier of the period's last day and the tenant's today (a period
    that ends in the future is not aged as if that day had come); the answer names that date."""
    currency = currency or customer.data.get("currency")
    aged_as_of = min(last, tenant_today(tenant_id))
    if first and first > last:
        raise invalid("to", "must not be before from")
    start = first.isoformat() if first else "0000-01-01"
    entries = entries_until(tenant_id, customer.id, last.isoformat(), currency)
    opening = sum((e.amount for e in entries if e.day < start), ZERO)
    running, lines = opening, []
    for entry in (e for e in entries if e.day >= start):
        running += entry.amount
        lines.append({"date": entry.day, "type": entry.kind, **entry.refs,
                      "amount": format_amount(entry.amount, currency),
                      **({"allocated": format_amount(entry.allocated, currency)} if entry.allocated else {}),
                      "balance": format_amount(running, currency)})
    return {"customer_id": customer.id, "currency": currency, "from": first and first.isoformat(),
            "to": last.isoformat(), "opening_balance": format_amount(opening, currency), "lines": lines,
            "closing_balance": format_amount(running, currency),
            "aged_as_of": aged_as_of.isoformat(), "aged_debt": aged_debt(tenant_id, customer.id, currency, aged_as_of)}


def aged_debt(tenant_id: str, customer_id: str, currency: str, as_of: date) -> Dict[str, str]:
    """What is outstanding on open invoices, by how many days past due on `as_of`."""
    buckets = {name: ZERO for name, _, _ in AGE_BUCKETS}
    for invoice in _open_invoices(tenant_id, customer_id, None, as_of):
        if invoice.currency != currency or invoice.doc_date > as_of.isoformat():
            continue
        days = (as_of - date.fromisoformat(invoice.due_date)).days
        name = next(n for n, low, high in AGE_BUCKETS
                    if (low is None or days >= low) and (high is None or days <= high))
        buckets[name] += outstanding(invoice)
    return {name: format_amount(amount, currency) for name, amount in buckets.items()}


def _open_invoices(tenant_id: str, customer_id: str, status: Optional[str], today: date):
    """Every issued, unsettled invoice of the customer (or only the overdue ones)."""
    cursor = None
    while True:
        items, cursor = INVOICE.store.list(tenant_id, DocumentQuery(
            status=status, customer_id=customer_id, limit=100, cursor=cursor, today=today.isoformat(),
            open_only=status is None))
        yield from items
        if not cursor:
            return
