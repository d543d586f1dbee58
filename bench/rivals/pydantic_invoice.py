"""The invoice create body (api/invoices.py INVOICE_BODY) in pydantic v2, as close to our rules as
the library allows with native constraints, and Python validators where it has none.

Where it still differs: refusals carry pydantic's messages ("String should match pattern ...");
a JSON number for an amount is refused (pydantic reads JSON numbers through float, so it cannot
take them exactly as ours does); a null required field says "Input should be a valid string".
"""
import re
from datetime import date
from decimal import Decimal
from typing import Annotated, List, Literal, Optional

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from chalicelib.domain.currencies import is_currency
from chalicelib.domain.vat import CATEGORIES

# Refused characters of api/schema.py (lone surrogates pydantic refuses itself: string_unicode).
_PLAIN_TEXT = ("^[^\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028-\\u202e\\u2066-\\u2069\\ufeff\\ufdd0-\\ufdef"
               "\\ufffe\\uffff" + "".join(f"\\U{p:04X}FFFE\\U{p:04X}FFFF" for p in range(1, 17)) + "]*$")


def text(max_length: int):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length,
                                            pattern=_PLAIN_TEXT)]


def _decimal_text(places: int):
    pattern = re.compile(r"\s*-?[0-9]{1,15}(\.[0-9]{1,%d})?\s*" % places)

    def check(value):
        if isinstance(value, str) and pattern.fullmatch(value) or type(value) in (int, Decimal):
            return value
        raise ValueError(f'must be a decimal number with at most {places} places, written as a string')
    return check


def amount(places: int, maximum: Decimal = Decimal("999999999999"), greater_than_zero: bool = False):
    bounds = {"gt": 0} if greater_than_zero else {"ge": 0}
    return Annotated[Decimal, BeforeValidator(_decimal_text(places)), Field(le=maximum, **bounds)]


def _currency(value: str) -> str:
    if not is_currency(value.upper()):
        raise ValueError("must be an ISO 4217 currency code such as GBP")
    return value.upper()


Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(date.fromisoformat)]
Currency = Annotated[str, AfterValidator(_currency)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class Discount(Strict):
    type: Literal["percent", "amount"]
    value: amount(4)


class Line(Strict):
    product_id: Optional[text(40)] = None
    description: Optional[text(1000)] = None
    quantity: amount(4, Decimal(999999999), greater_than_zero=True)
    unit: Optional[text(20)] = None
    unit_price: Optional[amount(4)] = None
    discount: Optional[Discount] = None
    vat_category: Literal[CATEGORIES] = None  # not nullable: null is refused, absent is left out
    vat_rate: Optional[amount(3, Decimal(100))] = None


class Invoice(Strict):
    customer_id: text(40)
    currency: Optional[Currency] = None
    issue_date: Optional[Day] = None
    reference: Optional[text(100)] = None
    notes: Optional[text(5000)] = None
    prices_include_vat: Optional[Annotated[bool, Field(strict=True)]] = None
    lines: Annotated[List[Line], Field(min_length=1, max_length=500)]
    due_date: Optional[Day] = None
    payment_terms_days: Optional[Annotated[int, Field(strict=True, ge=0, le=365)]] = None
