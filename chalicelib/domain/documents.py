"""Documents (invoices now; credit notes and estimates share the line model).

Pure rules: how lines are completed from products and priced, which states
allow which changes, how numbers look, when a document is overdue.
"""
import re
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence, Tuple

from . import vat
from .currencies import minor_units
from .errors import Conflict, ValidationError, invalid
from .money import format_amount, format_price
from .pricing import LineInput, Policy, Totals, check_stated, compute

DRAFT, ISSUED, SENT, PARTIALLY_PAID, PAID, VOID = (
    "draft", "issued", "sent", "partially_paid", "paid", "void")
INVOICE_STATUSES = (DRAFT, ISSUED, SENT, PARTIALLY_PAID, PAID, VOID)
OPEN = (ISSUED, SENT, PARTIALLY_PAID)  # issued and not yet settled: can become overdue
OVERDUE = "overdue"  # derived from the due date, never stored

# Lines a document may have: the one source of the API's schemas, the imports and the billing run.
MAX_LINES = 500
# Fields that change what the customer owes; locked once the customer has the document.
MONEY_FIELDS = ("lines", "prices_include_vat", "currency", "customer_id")
# Fields fixed once a number is given (the number and its series year depend on them).
FIXED_ON_ISSUE = ("customer_id", "currency", "issue_date")


def complete_lines(lines: Sequence[Dict[str, Any]], products: Dict[str, Dict[str, Any]],
                   currency: str) -> List[Dict[str, Any]]:
    """Fill each line from its product (name, price, unit, VAT) where the line leaves them out.
    A line's period (the days it bills) is kept as ISO dates, its end on or after its start."""
    problems = []
    completed = []
    for i, line in enumerate(lines):
        product = products.get(line.get("product_id")) if line.get("product_id") else None
        filled = dict(line)
        if product:
            filled.setdefault("description", product["name"])
            filled.setdefault("unit", product.get("unit"))
            if "unit_price" not in line:
                if product["currency"] != currency:
                    problems.append((f"lines[{i}].unit_price",
                                     f"is required: the product is priced in {product['currency']}"))
                filled["unit_price"] = product["unit_price"]
            if "vat_category" not in line:
                filled["vat_category"] = product["vat_category"]
                filled.setdefault("vat_rate", product["vat_rate"])
        for name in ("description", "unit_price"):
            if filled.get(name) is None:
                problems.append((f"lines[{i}].{name}", "is required without a product_id"))
        filled.setdefault("vat_category", vat.STANDARD)
        if filled.get("vat_rate") is None:
            filled["vat_rate"] = vat.default_rate(filled["vat_category"])
        problem = vat.rate_problem(filled["vat_category"], filled["vat_rate"])
        if problem:
            problems.append((f"lines[{i}].vat_rate", problem))
        problem = _discount_problem(filled.get("discount"), currency)
        if problem:
            problems.append((f"lines[{i}].discount.value", problem))
        if filled.get("period"):
            filled["period"] = {"start": str(filled["period"]["start"]), "end": str(filled["period"]["end"])}
            if filled["period"]["end"] < filled["period"]["start"]:  # ISO dates sort as the days do
                problems.append((f"lines[{i}].period.end", "must be on or after the period's start (EN 16931 BR-30)"))
        completed.append({k: v for k, v in filled.items() if v is not None})
    if problems:
        raise ValidationError(f"{problems[0][0]}: {problems[0][1]}", problems)
    return completed


def _discount_problem(discount: Optional[Dict[str, Any]], currency: str) -> Optional[str]:
    if not discount:
        return None
    value = discount["value"]
    if discount["type"] == "percent":
        return "must be at most 100 percent" if value > 100 else None
    if -value.as_tuple().exponent > minor_units(currency):
        return f"must have at most {minor_units(currency)} decimal places in {currency}"
    return None


def price(lines: Sequence[Dict[str, Any]], currency: str, policy: Policy) -> Totals:
    return compute([_line_input(l) for l in lines], currency, policy)


def _line_input(l: Dict[str, Any]) -> LineInput:
    return LineInput(l["quantity"], l["unit_price"], l["vat_category"], l["vat_rate"],
                     (l.get("discount") or {}).get("type"), (l.get("discount") or {}).get("value", Decimal(0)),
                     (l["carried"]["net"], l["carried"]["vat"]) if l.get("carried") else None, l.get("stated_vat"))


def check_stated_vat(lines: Sequence[Dict[str, Any]], currency: str, prices_include_vat: bool) -> None:
    """The stated VATs of lines that need nothing from a product, checked before anything is written (a
    new customer an upload makes for the document); raises ValidationError naming lines[i].stated_vat."""
    def checked(l: Dict[str, Any]) -> LineInput:
        if l.get("stated_vat") is None or "unit_price" not in l or "vat_category" not in l:
            return LineInput(Decimal(0), Decimal(0), vat.ZERO, Decimal(0))  # checked when priced
        return _line_input({**l, "vat_rate": l.get("vat_rate", vat.default_rate(l["vat_category"]))})

    check_stated([checked(l) for l in lines], currency, prices_include_vat)


def priced_lines(lines: Sequence[Dict[str, Any]], totals: Totals) -> List[Dict[str, Any]]:
    """Lines as stored: the input with its computed amounts beside it."""
    return [{**line, "discount_amount": amounts.discount, "net": amounts.net, "vat": amounts.vat,
             "gross": amounts.gross, **_reverse_charge(line, amounts)} for line, amounts in zip(lines, totals.lines)]


def _reverse_charge(entry, amounts) -> Dict[str, Any]:
    """The VAT a reverse-charged line or rate leaves the customer to account for, when it states a rate."""
    stated = entry["vat_category"] == vat.REVERSE_CHARGE and entry["vat_rate"] > 0
    return {"reverse_charge_vat": amounts.reverse_charge_vat} if stated else {}


def totals_record(totals: Totals) -> Dict[str, Any]:
    rates = [{"vat_category": r.vat_category, "vat_rate": r.vat_rate, "net": r.net, "vat": r.vat,
              "gross": r.gross, **_reverse_charge(r._asdict(), r)} for r in totals.rates]
    stated = any("reverse_charge_vat" in r for r in rates)
    return {"net": totals.net, "vat": totals.vat, "gross": totals.gross, "rates": rates,
            **({"reverse_charge_vat": totals.reverse_charge_vat} if stated else {})}


def present_line(line: Dict[str, Any], currency: str) -> Dict[str, Any]:
    shown = {k: v for k, v in line.items() if k in ("description", "unit", "product_id", "vat_category", "period")}
    shown["quantity"] = str(line["quantity"])
    shown["unit_price"] = format_price(line["unit_price"], currency)
    shown["vat_rate"] = str(line["vat_rate"])
    if line.get("discount"):
        value = line["discount"]["value"]
        shown["discount"] = {"type": line["discount"]["type"],
                             "value": str(value) if line["discount"]["type"] == "percent"
                             else format_amount(value, currency)}
    for name in ("discount_amount", "net", "vat", "gross", "reverse_charge_vat"):
        if name in line:
            shown[name] = format_amount(line[name], currency)
    return shown


def present_totals(totals: Dict[str, Any], currency: str) -> Dict[str, Any]:
    return {
        **_amounts(totals, currency),
        "rates": [{"vat_category": r["vat_category"], "vat_rate": str(r["vat_rate"]), **_amounts(r, currency)}
                  for r in totals["rates"]],
    }


def _amounts(record: Dict[str, Any], currency: str) -> Dict[str, str]:
    """net, VAT and gross, and the customer's reverse-charge VAT where the record has it."""
    return {name: format_amount(record[name], currency)
            for name in ("net", "vat", "gross", "reverse_charge_vat") if name in record}


def format_number(prefix: str, padding: int, sequence: int, year: Optional[int]) -> str:
    """INV-0042, or INV-2026-0042 for a series that restarts each year."""
    year_part = f"{year}-" if year else ""
    return f"{prefix}{year_part}{sequence:0{padding}d}"


def sequence_of(number: str, prefix: str, yearly: bool) -> Optional[Tuple[str, int]]:
    """The (period, sequence) a number of the series' own form holds: INV-0042 -> ("all", 42),
    INV-2026-0042 -> ("2026", 42) when the series restarts yearly; None for any other number."""
    form = re.escape(prefix) + (r"(\d{4})-(\d+)" if yearly else r"(\d+)")
    found = re.fullmatch(form, number)
    if not found:
        return None
    return (found[1], int(found[2])) if yearly else ("all", int(found[1]))


def due_date(issue_date: date, payment_terms_days: int) -> date:
    try:
        return issue_date + timedelta(days=payment_terms_days)
    except OverflowError:
        raise invalid("issue_date", f"with payment terms of {payment_terms_days} days, the due date would "
                                    "fall after 9999-12-31") from None


def is_overdue(status: str, due: Optional[date], today: date) -> bool:
    return status in OPEN and due is not None and due < today


def check_editable(status: str, changes: Dict[str, Any], has_allocations: bool) -> None:
    """Drafts change freely; an issued, unsent, unpaid invoice may change its money fields
    (never its customer, currency or issue date); after that only notes and references."""
    if status == DRAFT:
        return
    if status == VOID:
        raise Conflict("A void invoice cannot be changed")
    fixed = [name for name in FIXED_ON_ISSUE if name in changes]
    if fixed:
        raise Conflict(f"{', '.join(fixed)} cannot change once the invoice has a number; "
                       "void it and issue a new one", [(name, "is fixed once issued") for name in fixed])
    money = [name for name in MONEY_FIELDS if name in changes]
    if money and (status != ISSUED or has_allocations):
        reason = "it has been sent to the customer" if status == SENT else "payments or credits are allocated to it"
        raise Conflict(f"The amounts of this invoice are locked because {reason}; "
                       "correct it with a credit note or void it",
                       [(name, "is locked") for name in money])
