"""The invoice create body in pydantic v2 with its own types only, no Python validator: the
speed a switch could reach at best on this shape, at the price of rules it does not keep.

Unlike ours it accepts amounts with exponents ("1e5") or non-ASCII digits, amounts as JSON
numbers read through float (not exactly), "1.500" where two places are allowed, dates given as
Unix times, lower-case "gbp"-like codes that are no currency, and every character in text.
"""
from datetime import date
from decimal import Decimal
from typing import Annotated, List, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StringConstraints

from chalicelib.domain.vat import CATEGORIES


def text(max_length: int):
    return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]


def amount(places: int, maximum: Decimal = Decimal("999999999999"), greater_than_zero: bool = False):
    bounds = {"gt": 0} if greater_than_zero else {"ge": 0}
    return Annotated[Decimal, Field(decimal_places=places, le=maximum, **bounds)]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Discount(Closed):
    type: Literal["percent", "amount"]
    value: amount(4)


class Line(Closed):
    product_id: Optional[text(40)] = None
    description: Optional[text(1000)] = None
    quantity: amount(4, Decimal(999999999), greater_than_zero=True)
    unit: Optional[text(20)] = None
    unit_price: Optional[amount(4)] = None
    discount: Optional[Discount] = None
    vat_category: Literal[CATEGORIES] = None
    vat_rate: Optional[amount(3, Decimal(100))] = None


class Invoice(Closed):
    customer_id: text(40)
    currency: Optional[Annotated[str, StringConstraints(pattern="^[A-Za-z]{3}$")]] = None
    issue_date: Optional[date] = None
    reference: Optional[text(100)] = None
    notes: Optional[text(5000)] = None
    prices_include_vat: Optional[StrictBool] = None
    lines: Annotated[List[Line], Field(min_length=1, max_length=500)]
    due_date: Optional[date] = None
    payment_terms_days: Optional[Annotated[StrictInt, Field(ge=0, le=365)]] = None
