"""The columns of list exports (XLSX, CSV, PDF), pure.

Each column takes its value from one presented record: the dict a list route
answers, so money and dates arrive as the API shows them ("461.50",
"2026-11-21") and each renderer types them for its format. Money columns are
in the record's own `currency`.

Totals: amounts in different currencies never add up, so money columns are
summed per currency, one totals row for each currency present (sorted by code);
with a single currency that is one row. Sums are exact (Decimal). They are what
the dashboard would say: drafts, void documents and deleted payments are listed
but not totalled (TOTALS_NOTE says so under the totals).
"""
from decimal import Decimal
from operator import methodcaller
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

TEXT, DATE, DATETIME, MONEY, PRICE, NUMBER, INTEGER, BOOLEAN = (
    "text", "date", "datetime", "money", "price", "number", "integer", "boolean")
# MONEY: an amount in the row's currency, with that currency's decimal places; totalled.
# PRICE: a unit price in the row's currency, which may carry more places (up to 4); not totalled.
# NUMBER: an exact decimal that is not money (a VAT rate, a quantity), as a string.


class Column(NamedTuple):
    header: str
    kind: str
    value: Callable[[Dict[str, Any]], Any]  # the presented value, None when absent
    width: int  # characters, for spreadsheets and PDFs


def field(name: str) -> Callable[[Dict[str, Any]], Any]:
    return methodcaller("get", name)


def nested(outer: str, name: str) -> Callable[[Dict[str, Any]], Any]:
    return lambda record: (record.get(outer) or {}).get(name)


def _emails(record: Dict[str, Any]):
    return "; ".join(record.get("emails") or ()) or None


def _every(record: Dict[str, Any]):
    plan = record.get("schedule") or {}
    interval, unit = plan.get("interval"), plan.get("unit")
    if interval is None or unit is None:
        return None
    return f"{interval} {unit}" if interval == 1 else f"{interval} {unit}s"


def _text(header: str, name: str, width: int = 16) -> Column:
    return Column(header, TEXT, field(name), width)


def _money(header: str, outer: str, name: Optional[str] = None) -> Column:
    """An amount at the record's top level (`outer` alone) or inside `outer` (the totals)."""
    return Column(header, MONEY, nested(outer, name) if name else field(outer), 15)


DOCUMENT_NUMBER = _text("Number", "number", 14)
STATUS = _text("Status", "status", 15)
CUSTOMER = Column("Customer", TEXT, nested("customer", "name"), 30)
REFERENCE = _text("Reference", "reference")
ISSUE_DATE = Column("Issue date", DATE, field("issue_date"), 12)
CURRENCY = _text("Currency", "currency", 9)
NET, VAT, GROSS = _money("Net", "totals", "net"), _money("VAT", "totals", "vat"), _money("Gross", "totals", "gross")
CREATED = Column("Created (UTC)", DATETIME, field("created_at"), 20)

COLUMNS: Dict[str, Tuple[Column, ...]] = {
    "invoices": (
        DOCUMENT_NUMBER, STATUS, Column("Overdue", BOOLEAN, field("overdue"), 9), CUSTOMER, REFERENCE,
        ISSUE_DATE, Column("Due date", DATE, field("due_date"), 12), CURRENCY, NET, VAT, GROSS,
        _money("Paid", "amount_paid"), _money("Credited", "amount_credited"), _money("Outstanding", "outstanding"),
    ),
    "credit_notes": (
        DOCUMENT_NUMBER, STATUS, CUSTOMER, _text("Invoice", "invoice_number", 14), _text("Reason", "reason", 30),
        ISSUE_DATE, CURRENCY, NET, VAT, GROSS,
        _money("Allocated", "allocated"), _money("Refunded", "refunded"), _money("Credit left", "credit_left"),
    ),
    "estimates": (
        DOCUMENT_NUMBER, STATUS, CUSTOMER, REFERENCE, ISSUE_DATE, Column("Expiry date", DATE, field("expiry_date"), 12),
        CURRENCY, NET, VAT, GROSS, Column("Print ready", BOOLEAN, field("print_ready"), 11),
    ),
    # A template has no totals (its lines are priced when each invoice is made) and
    # names its customer by id only.
    "recurring_invoices": (
        _text("Name", "name", 30), STATUS, _text("Customer ID", "customer_id", 22), REFERENCE,
        Column("Every", TEXT, _every, 10), Column("Start date", DATE, nested("schedule", "start_date"), 12),
        Column("End date", DATE, nested("schedule", "end_date"), 12),
        Column("At most", INTEGER, nested("schedule", "count"), 9), _text("Action", "action", 9), CURRENCY,
        Column("Generated", INTEGER, field("generated"), 10), CREATED,
    ),
    "products": (
        _text("Code", "code"), _text("Name", "name", 30), _text("Description", "description", 40),
        _text("Unit", "unit", 10), Column("Unit price", PRICE, field("unit_price"), 15), CURRENCY,
        _text("VAT category", "vat_category", 15), Column("VAT rate %", NUMBER, field("vat_rate"), 10),
        STATUS, CREATED,
    ),
    "customers": (
        _text("Name", "name", 30), _text("Company", "company", 30), _text("Contact", "contact_name", 20),
        Column("Emails", TEXT, _emails, 30), _text("Phone", "phone"), _text("VAT number", "vat_number"),
        CURRENCY, Column("Payment terms (days)", INTEGER, field("payment_terms_days"), 12),
        Column("Address line 1", TEXT, nested("billing_address", "line1"), 24),
        Column("Address line 2", TEXT, nested("billing_address", "line2"), 20),
        Column("City", TEXT, nested("billing_address", "city"), 16),
        Column("Region", TEXT, nested("billing_address", "region"), 12),
        Column("Postcode", TEXT, nested("billing_address", "postal_code"), 10),
        Column("Country", TEXT, nested("billing_address", "country"), 8), STATUS, CREATED,
    ),
    "payments": (
        Column("Date", DATE, field("date"), 12), STATUS, CUSTOMER, _text("Method", "method", 15), REFERENCE,
        CURRENCY, _money("Amount", "amount"), _money("Allocated", "allocated"), _money("Refunded", "refunded"),
        _money("Unallocated", "unallocated"),
    ),
}
RESOURCES = tuple(COLUMNS)
TITLES = {"invoices": "Invoices", "credit_notes": "Credit notes", "estimates": "Estimates",
          "recurring_invoices": "Recurring invoices", "products": "Products", "customers": "Customers",
          "payments": "Payments"}


NOT_TOTALLED = ("draft", "void", "deleted")
TOTALS_NOTE = "Totals leave out drafts, void documents and deleted payments."


def columns_for(resource: str) -> Tuple[Column, ...]:
    return COLUMNS[resource]


class CurrencyTotals:
    """Sums of the money columns, per currency, fed one record at a time while streaming."""

    def __init__(self, columns: Iterable[Column]):
        self._money = [(i, c.value) for i, c in enumerate(columns) if c.kind == MONEY]
        self._sums: Dict[str, List[Decimal]] = {}

    def add(self, record: Dict[str, Any]) -> None:
        if not self._money or record.get("status") in NOT_TOTALLED:
            return
        currency = record.get("currency")
        sums = self._sums.get(currency)
        if sums is None:
            sums = self._sums[currency] = [Decimal(0)] * len(self._money)
        for k, (_, value) in enumerate(self._money):
            amount = value(record)
            if amount is not None:
                sums[k] += Decimal(amount)

    def rows(self) -> List[Tuple[str, Dict[int, Decimal]]]:
        """(currency, {column index: sum}) for each currency seen, by currency code."""
        return [(currency, {i: total for (i, _), total in zip(self._money, sums)})
                for currency, sums in sorted(self._sums.items())]
