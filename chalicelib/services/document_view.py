"""The JSON form of an invoice or credit note: what the API answers and what history records."""
from datetime import date
from decimal import Decimal
from typing import Any, Dict, Optional

from ..domain import documents as docs
from ..domain import estimates
from ..domain.money import format_amount
from ..store import keys
from ..store.models import DocumentItem
from .local_dates import tenant_today

_PLAIN = ("customer", "reference", "notes", "prices_include_vat", "rounding", "supplier", "sent_at",
          "issued_at", "void_reason", "voided_at", "base_currency", "exchange_rate_date", "exchange_rate_source",
          "invoice_id", "invoice_number", "reason", "estimate_id", "accepted_at", "accepted_by", "accepted_comment",
          "declined_at", "decline_reason", "overdue_since", "recurring", "last_emailed", "not_emailed", "not_issued",
          "delivery_problems")
ZERO = Decimal(0)
_KEYS = ("PK", "SK", "id", "kind", "status", "customer_id", "currency", "number", "due_date", "created_at",
         "updated_at", "version")
# What present_document reads when it leaves the lines out: a list page reads only these
# (a projection), as the documents' lines are most of their size.
_SUMMARY_DATA = _PLAIN + (
    "issue_date", "totals", "line_count", "exchange_rate", "vat_in_base_currency",
    "payment_terms_days", "amount_paid", "amount_credited", "allocations", "reminders_sent", "reminders_skipped",
    "next_reminder_on", "expiry_date", "print_ready", "amount", "allocated", "refunded", "refunds")
SUMMARY_FIELDS = _KEYS + tuple(f"data.{name}" for name in _SUMMARY_DATA)
# What the columns of a list export read (render/columns.py) and present_document cannot do
# without: a list export reads only these, a third of a document's size. A column reading a
# field not named here finds it empty (tests/api/test_list_projection.py compares the files).
_EXPORTED_DATA = ("issue_date", "totals", "line_count", "payment_terms_days", "amount_paid", "amount_credited",
                  "reference", "customer.name", "invoice_number", "reason", "amount", "allocated", "refunded",
                  "expiry_date", "print_ready")
EXPORT_FIELDS = _KEYS + tuple(f"data.{name}" for name in _EXPORTED_DATA)


def outstanding(item: DocumentItem) -> Decimal:
    """What the customer still owes on an invoice."""
    if item.status in (docs.DRAFT, docs.VOID):
        return ZERO
    data = item.data
    return data["totals"]["gross"] - data.get("amount_paid", ZERO) - data.get("amount_credited", ZERO)


def present_document(item: DocumentItem, with_lines: bool = True, today: Optional[date] = None) -> Dict[str, Any]:
    """`today`: the tenant's date that overdue and expired are judged on; looked up if not given."""
    data, currency = item.data, item.currency
    shown: Dict[str, Any] = {
        "id": item.id, "number": item.number, "status": item.status,
        "customer_id": item.customer_id, "currency": currency, "issue_date": data.get("issue_date"),
        **{name: data[name] for name in _PLAIN if name in data},
        "totals": docs.present_totals(data["totals"], currency),
        **_KIND_FIELDS[item.kind](item, today),
        "line_count": line_count(data),
    }
    if "exchange_rate" in data:
        shown["exchange_rate"] = str(data["exchange_rate"])
        shown["vat_in_base_currency"] = {rate: format_amount(amount, data["base_currency"])
                                         for rate, amount in data["vat_in_base_currency"].items()}
    if with_lines:
        shown["lines"] = [docs.present_line(line, currency) for line in data["lines"]]
    shown.update(created_at=item.created_at, updated_at=item.updated_at, version=item.version)
    return shown


def line_count(data: Dict[str, Any]) -> int:
    """Stored since documents are read without their lines for lists; counted on older ones."""
    return data["line_count"] if "line_count" in data else len(data["lines"])


def _invoice_amounts(item: DocumentItem, today: Optional[date]) -> Dict[str, Any]:
    data, currency = item.data, item.currency
    return {
        "due_date": item.due_date, "payment_terms_days": int(data["payment_terms_days"]),
        "overdue": docs.is_overdue(item.status, item.due_date, _day(item, today)),
        "amount_paid": format_amount(data.get("amount_paid", ZERO), currency),
        "amount_credited": format_amount(data.get("amount_credited", ZERO), currency),
        "outstanding": format_amount(outstanding(item), currency),
        "allocations": _allocations(data, currency),
        "reminders_sent": [int(day) for day in data.get("reminders_sent", [])],
        "reminders_skipped": [int(day) for day in data.get("reminders_skipped", [])],
        "next_reminder_on": data.get("next_reminder_on"),
    }


def _estimate_fields(item: DocumentItem, today: Optional[date]) -> Dict[str, Any]:
    return {"status": estimates.shown_status(item.status, item.due_date, _day(item, today)),
            "expiry_date": item.data.get("expiry_date"), "print_ready": bool(item.data.get("print_ready"))}


def _day(item: DocumentItem, today: Optional[date]) -> str:
    return (today or tenant_today(keys.tenant_of(item.PK))).isoformat()


def _credit_amounts(item: DocumentItem, today: Optional[date]) -> Dict[str, Any]:
    data, currency = item.data, item.currency
    amount = data.get("amount", ZERO)
    used = data.get("allocated", ZERO) + data.get("refunded", ZERO)
    return {
        "allocated": format_amount(data.get("allocated", ZERO), currency),
        "refunded": format_amount(data.get("refunded", ZERO), currency),
        "credit_left": format_amount(amount - used, currency),
        "allocations": _allocations(data, currency),
        "refunds": [{**r, "amount": format_amount(r["amount"], currency)} for r in data.get("refunds", [])],
    }


def _allocations(data: Dict[str, Any], currency: str):
    """An invoice's allocations name their source ("PAYMENT:pay_..."); a credit note's, the invoice."""
    shown = []
    for key, amount in sorted(data.get("allocations", {}).items()):
        source, _, source_id = key.rpartition(":")
        where = {"source": source.lower(), "source_id": source_id} if source else {"invoice_id": key}
        shown.append({**where, "amount": format_amount(amount, currency)})
    return shown


_KIND_FIELDS = {"INVOICE": _invoice_amounts, "CREDIT_NOTE": _credit_amounts, "ESTIMATE": _estimate_fields}
