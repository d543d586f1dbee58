"""How amounts, dates, addresses and VAT rates read on printed documents.

Amounts arrive as the API's exact strings ("1234.50"); they are only regrouped
for reading, never recomputed, so the PDF shows the numbers the API answers.
"""
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, Iterable, List, Optional

from ..domain.money import format_amount, format_price

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$",
           "NZD": "NZ$", "CHF": "CHF ", "TRY": "₺"}
CATEGORY_NAMES = {"standard": "Standard", "reduced": "Reduced", "zero": "Zero-rated", "exempt": "Exempt",
                  "reverse_charge": "Reverse charge", "outside_scope": "Outside the scope of VAT"}
REVERSE_CHARGE_STATEMENT = ("Reverse charge: customer to account for the VAT to HMRC "
                            "(VAT Act 1994 section 8 / Notice 741A).")


def money(amount: str, currency: str) -> str:
    """"-1234.50", "GBP" -> "-£1,234.50"; a currency without a symbol keeps its code."""
    sign, digits = ("-", amount[1:]) if amount.startswith("-") else ("", amount)
    return f"{sign}{SYMBOLS.get(currency, currency + ' ')}{grouped(digits)}"


def net_unit_price(gross_price: str, vat_rate: str, currency: str) -> str:
    """A VAT-inclusive unit price without its VAT, to at most 4 places (never fewer than the
    currency's): "120.00" at 20% -> "100.00", "10.00" -> "8.3333"."""
    net = Decimal(gross_price) * 100 / (100 + Decimal(vat_rate))
    return format_price(net.quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize(), currency)


def summed(amounts: Iterable[str], currency: str) -> str:
    return format_amount(sum((Decimal(a) for a in amounts), Decimal(0)), currency)


def grouped(digits: str) -> str:
    whole, dot, fraction = digits.partition(".")
    return f"{int(whole):,}{dot}{fraction}"


def quantity(value: str) -> str:
    """"2.5000" -> "2.5"; whole numbers lose their point."""
    return grouped(f"{Decimal(value).normalize():f}")


def day(iso: Optional[str]) -> str:
    """"2026-11-21" -> "21 Nov 2026" (no locale: the same on every machine)."""
    if not iso:
        return ""
    parsed = date.fromisoformat(iso[:10])
    return f"{parsed.day} {parsed.strftime('%b')} {parsed.year}"


def days_billed(line: Dict[str, Any]) -> str:
    """The days a line bills: "1 Mar 2026 – 31 Mar 2026", or one day alone: "20 Mar 2026"; nothing
    for a line without a period, or whose description names both its days already (a subscription's
    fee line: "Voice 1000, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days)")."""
    period = line.get("period")
    if not period:
        return ""
    first, last = day(period["start"]), day(period["end"])
    if first in line.get("description", "") and last in line.get("description", ""):
        return ""
    return first if first == last else f"{first} – {last}"


def rate(category: str, vat_rate: str) -> str:
    if category in ("standard", "reduced"):
        return f"{Decimal(vat_rate).normalize():f}%"
    return CATEGORY_NAMES[category]


def address_lines(address: Optional[Dict[str, Any]]) -> List[str]:
    if not address:
        return []
    town = " ".join(p for p in (address.get("city"), address.get("postal_code")) if p)
    parts = [address.get("line1"), address.get("line2"), town, address.get("region"), address.get("country")]
    return [p for p in parts if p]
