"""The JSON form of a payment."""
from typing import Any, Dict

from ..domain.money import format_amount
from ..store.models import DocumentItem
from .allocations import available


def present_payment(item: DocumentItem) -> Dict[str, Any]:
    data, currency = item.data, item.currency
    money = lambda amount: format_amount(amount, currency)  # noqa: E731
    return {
        "id": item.id, "status": item.status, "customer_id": item.customer_id,
        "customer": data["customer"], "currency": currency, "date": item.doc_date,
        "amount": money(data["amount"]), "allocated": money(data["allocated"]),
        "refunded": money(data["refunded"]), "unallocated": money(available(item)),
        **{name: data[name] for name in ("method", "reference") if name in data},
        "allocations": [{"invoice_id": invoice_id, "amount": money(amount)}
                        for invoice_id, amount in sorted(data["allocations"].items())],
        "refunds": [{**refund, "amount": money(refund["amount"])} for refund in data.get("refunds", [])],
        "created_at": item.created_at, "updated_at": item.updated_at, "version": item.version,
    }
