"""What every accounting export reads from a presented invoice or credit note.

Documents come as GET /invoices/{id} and GET /credit-notes/{id} answer them,
with their lines. Amounts are the server's, never recomputed: each export
writes the lines' net and VAT as they are, so its figures add up to the
document's totals to the penny.

Which documents go out: drafts never (they are not in the books yet), and void
documents neither. A void document keeps its number but records no supply;
none of the five systems imports a document straight into a void state, so a
document voided after an earlier export is voided by hand in the other system.
"""
from datetime import date
from decimal import Decimal
from typing import Any, Dict, Iterable, Iterator, NamedTuple, Optional

from ...domain.currencies import minor_units
from ...domain.money import format_amount, format_price

Document = Dict[str, Any]
NOT_EXPORTED = ("draft", "void")
PERCENT, AMOUNT = "percent", "amount"
ZERO = Decimal(0)


def exportable(documents: Iterable[Document]) -> Iterator[Document]:
    return (document for document in documents if document["status"] not in NOT_EXPORTED)


def is_credit_note(document: Document) -> bool:
    return document["id"].startswith("cn_")


def money(document_or_line: Dict[str, Any], name: str) -> Decimal:
    return Decimal(document_or_line[name])


def total(document: Document, name: str) -> Decimal:
    """A document total: "net", "vat" or "gross"."""
    return Decimal(document["totals"][name])


def amount_text(amount: Decimal, currency: str) -> str:
    """An amount with its currency's places ("461.50"), never "-0.00"."""
    return format_amount(amount if amount else ZERO, currency)


def price_text(price: Decimal, currency: str) -> str:
    """A unit price: at least its currency's places, more where it has them; never "-0.00"."""
    return format_price(price if price else ZERO, currency)


def plain_number(value: Decimal) -> str:
    """A quantity, rate or percentage without trailing zeros or exponent: "10", "2.5"."""
    return format(value.normalize(), "f")


def uk_date(iso_date: Optional[str]) -> str:
    """DD/MM/YYYY, as the UK editions of these systems read dates."""
    if not iso_date:
        return ""
    day = date.fromisoformat(iso_date)
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime's %Y leaves years before 1000 short


def customer_name(document: Document) -> str:
    return (document.get("customer") or {}).get("name", "")


def customer_email(document: Document) -> str:
    emails = (document.get("customer") or {}).get("emails") or []
    return emails[0] if emails else ""


def billing_address(document: Document) -> Dict[str, str]:
    return (document.get("customer") or {}).get("billing_address") or {}


def foreign_per_base(document: Document, places: int = 6) -> Optional[Decimal]:
    """The document's exchange rate the way Xero and Sage write it: units of its currency per unit
    of the tenant's base currency (we keep base per unit of the document's currency)."""
    rate = document.get("exchange_rate")
    return (Decimal(1) / Decimal(rate)).quantize(Decimal(1).scaleb(-places)) if rate else None


class Priced(NamedTuple):
    """A line as quantity x unit amount, less a discount (a percent or an amount, as asked)."""
    quantity: Decimal
    unit_amount: Decimal
    discount: Optional[Decimal] = None


def priced_as(line: Dict[str, Any], document: Document, discount: Optional[str] = None,
              places: int = 4, rounds_to: Optional[str] = None) -> Priced:
    """Quantity, unit amount and discount from which a system that multiplies them out gets exactly
    the line's net, with at most `places` decimals each.

    Systems recompute a line as quantity x unit amount (less their kind of discount,
    `discount`: PERCENT, AMOUNT or None when they take none). A system that rounds that
    line amount to its currency's places (`rounds_to`: the currency; Xero does) reaches
    our net from 37 x 0.4575 = 16.9275 too; it is never left on a half, where the system's
    way of rounding would decide. Our own figures are used where they reproduce the net;
    otherwise the quantity with the net over it (to `places`) where that reproduces it;
    otherwise one unit at the net (a line the system could only approximate).
    """
    net = money(line, "net")
    for candidate in _candidates(line, document, discount, places):
        if _reaches(candidate, discount, net, places, rounds_to):
            return candidate
    return Priced(Decimal(1), net)


def _candidates(line, document, discount, places):
    quantity, price = money(line, "quantity"), money(line, "unit_price")
    if not document.get("prices_include_vat"):
        given = line.get("discount")
        if not given:
            yield Priced(quantity, price)
        elif discount == PERCENT and given["type"] == PERCENT:
            yield Priced(quantity, price, Decimal(given["value"]))
        elif discount == AMOUNT:
            yield Priced(quantity, price, money(line, "discount_amount"))
    yield Priced(quantity, (money(line, "net") / quantity).quantize(Decimal(1).scaleb(-places)).normalize())


def _reaches(priced: Priced, discount: Optional[str], net: Decimal, places: int, rounds_to: Optional[str]) -> bool:
    if any(-value.normalize().as_tuple().exponent > places for value in priced[:2]):
        return False
    amount = priced.quantity * priced.unit_amount
    if priced.discount is not None:
        amount = amount * (100 - priced.discount) / 100 if discount == PERCENT else amount - priced.discount
    if rounds_to is None:
        return amount == net
    return abs(amount - net) < Decimal(1).scaleb(-minor_units(rounds_to)) / 2
