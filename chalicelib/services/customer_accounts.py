"""A customer's account: balances per currency, aged debt, and statements."""
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ..domain.ageing import AGE_BUCKETS, age_bucket, credit_at, owed_at
from ..domain.errors import invalid
from ..domain.money import format_amount
from ..store.documents import DocumentQuery
from ..store.keys import RECORD_SK
from ..store.ledger import balances, entries_until
from ..store.models import DocumentItem
from .document_view import outstanding
from .document_types import INVOICE
from .local_dates import tenant_today

ZERO = Decimal(0)


def account_summary(tenant_id: str, customer_id: str, today: date) -> List[Dict[str, Any]]:
    """Per currency: owed on invoices, of which overdue, credit available, and the balance."""
    overdue = defaultdict(Decimal)
    for invoice in _overdue_invoices(tenant_id, customer_id, today):
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
    in_currency = [e for e in entries if e.currency == currency]
    owed = owed_at(in_currency, aged_as_of.isoformat())
    return {"customer_id": customer.id, "currency": currency, "from": first and first.isoformat(),
            "to": last.isoformat(), "opening_balance": format_amount(opening, currency), "lines": lines,
            "closing_balance": format_amount(running, currency),
            "aged_as_of": aged_as_of.isoformat(), "aged_debt": aged_debt(tenant_id, owed, currency, aged_as_of),
            "credit_available": format_amount(credit_at(in_currency, aged_as_of.isoformat(), owed), currency)}


def aged_debt(tenant_id: str, owed: Dict[str, Decimal], currency: str, as_of: date) -> Dict[str, str]:
    """What each invoice owed at the end of `as_of` (`owed`: from the ledger's entries up to then,
    so an invoice paid or credited later counts in full), by how many days past due it was then."""
    buckets = {name: ZERO for name, _, _ in AGE_BUCKETS}
    wanted = [(INVOICE.store.pk(tenant_id, invoice_id), RECORD_SK) for invoice_id in owed]
    due_dates = DocumentItem.batch_get(wanted, consistent_read=True, attributes_to_get=["PK", "SK", "id", "due_date"])
    for invoice in due_dates:
        buckets[age_bucket(date.fromisoformat(invoice.due_date), as_of)] += owed[invoice.id]
    return {name: format_amount(amount, currency) for name, amount in buckets.items()}


def _overdue_invoices(tenant_id: str, customer_id: str, today: date):
    cursor = None
    while True:
        items, cursor = INVOICE.store.list(tenant_id, DocumentQuery(
            status="overdue", customer_id=customer_id, limit=100, cursor=cursor, today=today.isoformat()))
        yield from items
        if not cursor:
            return
