"""How a statement's line reads (on the PDF and the portal's page): its date, what it was, its
amount and the balance after it. Light: no PDF or HTML library."""
from decimal import Decimal
from typing import Any, Dict, List, Sequence, Tuple

from ..domain.money import format_amount
from . import text

TRANSACTIONS = {"invoice": "Invoice", "credit_note": "Credit note", "payment": "Payment", "refund": "Refund",
                "invoice_void": "Invoice voided", "credit_note_void": "Credit note voided"}
AGE_NAMES = {"not_due": "Not yet due", "1_30": "1-30 days", "31_60": "31-60 days", "61_90": "61-90 days",
             "over_90": "Over 90 days"}  # the aged_debt buckets, in their order
# An allocation moves no money: it says which invoice a payment or credit paid, so it is printed as
# that sentence, without an amount or balance of its own (which would read as a zero transaction).
APPLIED = {"allocation": "{amount} of {source} applied to {invoice}",
           "deallocation": "{amount} of {source} taken back from {invoice}"}


def aged_cells(statement: Dict[str, Any]) -> List[Tuple[str, str]]:
    """(title, amount) of each aged debt bucket, then the credit available (as a deduction) and the
    balance they come to, so the row adds up to what the customer owes on the day debt is aged."""
    currency, buckets = statement["currency"], statement["aged_debt"]
    credit = Decimal(statement["credit_available"])
    balance = sum((Decimal(amount) for amount in buckets.values()), Decimal(0)) - credit
    money = lambda amount: text.money(format_amount(amount, currency), currency)  # noqa: E731
    return [*((AGE_NAMES.get(name, name), text.money(amount, currency)) for name, amount in buckets.items()),
            ("Credit available", money(Decimal(0) - credit)), ("Balance", money(balance))]


def statement_row(line: Dict[str, Any], currency: str) -> Sequence[str]:
    if line["type"] in APPLIED:
        return (text.day(line["date"]), _applied(line, currency), "", "")
    number = line.get("invoice_number") if line["type"].startswith("invoice") else line.get("credit_note_number")
    described = TRANSACTIONS.get(line["type"], line["type"].replace("_", " ").capitalize())
    if number:
        described += f" {number}"
    if line["type"] == "credit_note" and line.get("invoice_number"):
        described += f" (for {line['invoice_number']})"
    return (text.day(line["date"]), described, text.money(line["amount"], currency),
            text.money(line["balance"], currency))


def _applied(line: Dict[str, Any], currency: str) -> str:
    amount = text.money(line["allocated"].lstrip("-"), currency)
    if line.get("from_credit_note_id"):
        source = f"credit note {line.get('from_credit_note_number', '')}".strip()
    else:
        source = "payment"
    return APPLIED[line["type"]].format(amount=amount, source=source, invoice=line.get("invoice_number", "an invoice"))
