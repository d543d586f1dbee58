"""The JSON form of an invoice: what the API answers and what history records."""
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict

from ..domain import documents as docs
from ..domain.money import format_amount
from ..store.models import DocumentItem

_PLAIN = ("customer", "reference", "notes", "prices_include_vat", "rounding", "supplier", "sent_at",
          "issued_at", "void_reason", "voided_at", "base_currency")


def outstanding(item: DocumentItem) -> Decimal:
    if item.status in (docs.DRAFT, docs.VOID):
        return Decimal(0)
    data = item.data
    return data["totals"]["gross"] - data.get("amount_paid", 0) - data.get("amount_credited", 0)


def present_invoice(item: DocumentItem, with_lines: bool = True) -> Dict[str, Any]:
    data, currency = item.data, item.currency
    today = datetime.now(timezone.utc).date().isoformat()
    shown: Dict[str, Any] = {
        "id": item.id, "number": item.number, "status": item.status,
        "overdue": docs.is_overdue(item.status, item.due_date, today),
        "customer_id": item.customer_id, "currency": currency,
        "issue_date": data.get("issue_date"), "due_date": item.due_date,
        "payment_terms_days": int(data["payment_terms_days"]),
        **{name: data[name] for name in _PLAIN if name in data},
        "totals": docs.present_totals(data["totals"], currency),
        "amount_paid": format_amount(data.get("amount_paid", Decimal(0)), currency),
        "amount_credited": format_amount(data.get("amount_credited", Decimal(0)), currency),
        "outstanding": format_amount(outstanding(item), currency),
        "line_count": len(data["lines"]),
    }
    if "exchange_rate" in data:
        shown["exchange_rate"] = str(data["exchange_rate"])
        shown["vat_in_base_currency"] = {rate: format_amount(amount, data["base_currency"])
                                         for rate, amount in data["vat_in_base_currency"].items()}
    if with_lines:
        shown["lines"] = [docs.present_line(line, currency) for line in data["lines"]]
    shown.update(created_at=item.created_at, updated_at=item.updated_at, version=item.version)
    return shown
