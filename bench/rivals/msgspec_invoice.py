"""The invoice create body (api/invoices.py INVOICE_BODY) in msgspec, as close to our rules as the
library allows: native types and constraints, and __post_init__ for what it lacks (stripping
text, exact amounts with bounds, currency codes).

Where it still differs: msgspec stops at the first problem of a body (ours lists them all); a
problem found in __post_init__ is reported at the object (`$.lines[3]`), so its message names the
field; text longer than its limit only by surrounding spaces is refused (lengths are checked
before __post_init__ strips); a JSON number with a fraction for an amount is refused.
"""
from datetime import date
from decimal import Decimal
from typing import Annotated, List, Literal, Union

from msgspec import UNSET, Meta, Struct, UnsetType

from chalicelib.domain.currencies import is_currency
from chalicelib.domain.vat import CATEGORIES

# Refused characters of api/schema.py, lone surrogates included (msgspec matches with Python's re).
_PLAIN_TEXT = ("^[^\x00-\x08\x0b-\x1f\x7f-\x9f\u2028-\u202e\u2066-\u2069\ufeff\ufdd0-\ufdef\ufffe\uffff"
               "\ud800-\udfff" + "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF)
                                         for p in range(1, 17)) + "]*$")


def text(max_length: int):
    return Annotated[str, Meta(min_length=1, max_length=max_length, pattern=_PLAIN_TEXT)]


def decimal_text(places: int):
    return Union[Annotated[str, Meta(pattern=r"^\s*-?[0-9]{1,15}(\.[0-9]{1,%d})?\s*$" % places)], int]


def _amount(name: str, value, maximum=Decimal("999999999999"), greater_than_zero=False):
    if value is UNSET or value is None:
        return value
    amount = Decimal(value.strip() if isinstance(value, str) else value)
    if amount > maximum:
        raise ValueError(f"{name} must be at most {maximum}")
    if amount < 0 or greater_than_zero and amount == 0:
        raise ValueError(f"{name} must be {'greater than' if greater_than_zero else 'at least'} 0")
    return amount


def _stripped(struct: Struct, names) -> None:
    for name in names:
        value = getattr(struct, name)
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise ValueError(f"{name} must not be empty")
            setattr(struct, name, value)


class Closed(Struct, forbid_unknown_fields=True):
    pass


class Discount(Closed):
    type: Literal["percent", "amount"]
    value: decimal_text(4)

    def __post_init__(self):
        self.value = _amount("value", self.value)


class Line(Closed):
    quantity: decimal_text(4)
    product_id: Union[text(40), None, UnsetType] = UNSET
    description: Union[text(1000), None, UnsetType] = UNSET
    unit: Union[text(20), None, UnsetType] = UNSET
    unit_price: Union[decimal_text(4), None, UnsetType] = UNSET
    discount: Union[Discount, None, UnsetType] = UNSET
    vat_category: Union[Literal[CATEGORIES], UnsetType] = UNSET
    vat_rate: Union[decimal_text(3), None, UnsetType] = UNSET

    def __post_init__(self):
        _stripped(self, ("product_id", "description", "unit"))
        self.quantity = _amount("quantity", self.quantity, Decimal(999999999), greater_than_zero=True)
        self.unit_price = _amount("unit_price", self.unit_price)
        self.vat_rate = _amount("vat_rate", self.vat_rate, Decimal(100))


class Invoice(Closed):
    customer_id: text(40)
    lines: Annotated[List[Line], Meta(min_length=1, max_length=500)]
    currency: Union[str, None, UnsetType] = UNSET
    issue_date: Union[date, None, UnsetType] = UNSET
    reference: Union[text(100), None, UnsetType] = UNSET
    notes: Union[text(5000), None, UnsetType] = UNSET
    prices_include_vat: Union[bool, None, UnsetType] = UNSET
    due_date: Union[date, None, UnsetType] = UNSET
    payment_terms_days: Union[Annotated[int, Meta(ge=0, le=365)], None, UnsetType] = UNSET

    def __post_init__(self):
        _stripped(self, ("customer_id", "reference", "notes"))
        if isinstance(self.currency, str):
            if not is_currency(self.currency.upper()):
                raise ValueError("currency must be an ISO 4217 currency code such as GBP")
            self.currency = self.currency.upper()
