"""Exact money: Decimal amounts quantized to a currency's minor units."""
from decimal import ROUND_HALF_UP, Decimal

from .currencies import minor_units
from .errors import invalid

# Twelve digits before the point is the largest amount any document may carry.
MAX_AMOUNT = Decimal("999999999999")


def exponent(currency: str) -> Decimal:
    """The quantum of a currency: Decimal('0.01') for GBP, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def round_money(amount: Decimal, currency: str, rounding: str = ROUND_HALF_UP) -> Decimal:
    return amount.quantize(exponent(currency), rounding=rounding)


def format_amount(amount: Decimal, currency: str) -> str:
    """The JSON form of an amount: a string with the currency's decimal places."""
    return str(round_money(amount, currency))


def format_price(price: Decimal, currency: str) -> str:
    """Unit prices may carry more places than the currency; never fewer are shown."""
    places = max(minor_units(currency), -price.as_tuple().exponent)
    return str(price.quantize(Decimal(1).scaleb(-places)))


def check_places(amount: Decimal, currency: str, field: str) -> None:
    """An amount of money may not be finer than its currency's minor unit."""
    places = minor_units(currency)
    if -amount.as_tuple().exponent > places:
        raise invalid(field, f"must have at most {places} decimal places in {currency}")
