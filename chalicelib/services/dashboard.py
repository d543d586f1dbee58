"""The dashboard: customers, invoices, amount raised, received and outstanding, per currency."""
from collections import defaultdict
from decimal import Decimal
from typing import Any, Dict

from ..domain.money import format_amount
from ..store.tallies import active_count, days_between
from .customers import CUSTOMERS

_EARLIEST, _LATEST = "0000-01-01", "9999-12-31"


def dashboard(tenant_id: str, first_day=None, last_day=None) -> Dict[str, Any]:
    """Sums over invoices issued in the timeframe (by issue date); two DynamoDB calls."""
    sums = defaultdict(lambda: defaultdict(Decimal))
    for day in days_between(tenant_id, first_day or _EARLIEST, last_day or _LATEST):
        for name in ("documents", "raised", "received", "credited"):
            sums[day.currency][name] += getattr(day, name) or Decimal(0)
    return {
        "from": first_day, "to": last_day,
        "customers": active_count(tenant_id, CUSTOMERS.store.kind),
        "currencies": [_currency_view(currency, totals) for currency, totals in sorted(sums.items())],
    }


def _currency_view(currency: str, totals) -> Dict[str, Any]:
    outstanding = totals["raised"] - totals["received"] - totals["credited"]
    return {
        "currency": currency,
        "invoices": int(totals["documents"]),
        "amount_raised": format_amount(totals["raised"], currency),
        "amount_received": format_amount(totals["received"], currency),
        "amount_credited": format_amount(totals["credited"], currency),
        "outstanding": format_amount(outstanding, currency),
    }
