"""pynamodb attributes that keep numbers exact.

pynamodb's number attribute reads numbers back as float; money must never pass
through float, so records are stored as boto3's type (de)serializer stores them,
which maps DynamoDB numbers to Decimal both ways.
"""
from decimal import Clamped, Context, Decimal, Inexact, Overflow, Rounded, Underflow
from functools import lru_cache
from typing import AbstractSet, Any

from pynamodb.attributes import Attribute
from pynamodb.constants import MAP, NUMBER, STRING

# boto3's context for DynamoDB numbers (boto3.dynamodb.types; tests/unit/test_store_pure.py checks it
# is the same): 38 digits, and anything DynamoDB would change or refuse raises. Kept here so that
# storing a record does not import boto3 (s3transfer, multiprocessing): no API request needs them.
DYNAMODB_CONTEXT = Context(Emin=-128, Emax=126, prec=38, traps=[Clamped, Overflow, Inexact, Rounded, Underflow])


class DecimalAttribute(Attribute[Decimal]):
    """A Decimal stored as its exact string."""
    attr_type = STRING

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


class ExactNumber(Attribute[Decimal]):
    """A DynamoDB number read back as Decimal, never float; usable with ADD."""
    attr_type = NUMBER

    def serialize(self, value: Decimal) -> str:
        return str(value)

    def deserialize(self, value: str) -> Decimal:
        return Decimal(value)


# The fields of stored maps that hold whole numbers, or lists of them. DynamoDB has one number
# type, so every number in a map comes back as Decimal; these come back as int (at any depth), and
# every other number (money, quantities, rates) stays Decimal. tests/unit/test_whole_number_fields.py
# derives every whole-number field of the request schemas from the route registry and checks that
# each is here and that no money field is.
WHOLE_NUMBER_FIELDS = frozenset({
    # given by clients
    "payment_terms_days", "reminder_days", "padding", "interval", "day_of_month", "count", "size",
    "portal_link_days", "valid_days", "minutes", "duration_seconds",
    # kept by the service
    "next", "generated", "occurrence", "customer_version", "rows", "slot", "bytes", "width", "height",
    "reminders_sent", "reminders_skipped", "line_count",
})


class _EveryField(frozenset):
    def __contains__(self, name) -> bool:
        return True


EVERY_FIELD = _EveryField()


class RecordAttribute(Attribute[dict]):
    """A plain dict of strings, Decimals, ints, bools, lists and dicts, stored as a map.

    None values are dropped on write: an absent field and a cleared field are the same.
    Numbers come back in the type they were written in: int for `whole_numbers`, else Decimal.
    """
    attr_type = MAP

    def __init__(self, *args, whole_numbers: AbstractSet[str] = WHOLE_NUMBER_FIELDS, **kwargs):
        super().__init__(*args, **kwargs)
        self.whole_numbers = whole_numbers

    def serialize(self, value: dict) -> dict:
        return {k: _to_wire(v) for k, v in value.items() if v is not None}

    def deserialize(self, value: dict) -> dict:
        whole_numbers = self.whole_numbers
        return {name: _from_wire(v, name in whole_numbers, whole_numbers) for name, v in value.items()}


# Every stored document passes through these twice per change (the write, and this process's
# cache), so the types records hold are converted directly, by exact type, in one pass; anything
# else (sets, bytes, tuples, subclasses, floats) goes to boto3's (de)serializer, whose result
# these match exactly (tests/unit/test_store_pure.py checks them against it).
@lru_cache(maxsize=None)
def _boto3_types() -> tuple:
    from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

    return TypeSerializer(), TypeDeserializer()


def _number(value) -> dict:
    number = str(DYNAMODB_CONTEXT.create_decimal(value))  # as boto3's: exact to 38 digits
    if number in ("Infinity", "NaN"):
        raise TypeError("Infinity and NaN not supported")
    return {"N": number}


_ENCODERS = {
    str: lambda value: {"S": value},
    bool: lambda value: {"BOOL": value},
    int: _number,
    Decimal: _number,
    dict: lambda value: {"M": {k: _to_wire(v) for k, v in value.items()}},
    list: lambda value: {"L": [_to_wire(v) for v in value]},
    type(None): lambda value: {"NULL": True},
}


def _to_wire(value: Any) -> dict:
    encode = _ENCODERS.get(type(value))
    return encode(value) if encode else _boto3_types()[0].serialize(value)


def _from_wire(value: dict, whole: bool, whole_numbers: AbstractSet[str]) -> Any:
    """A stored value as Python; with `whole`, its integral numbers (at any depth of lists) as int."""
    (kind, inner), = value.items()
    if kind == "S" or kind == "BOOL":
        return inner
    if kind == "N":
        number = DYNAMODB_CONTEXT.create_decimal(inner)
        return int(number) if whole and number == number.to_integral_value() else number
    if kind == "M":
        return {name: _from_wire(v, name in whole_numbers, whole_numbers) for name, v in inner.items()}
    if kind == "L":
        return [_from_wire(v, whole, whole_numbers) for v in inner]
    if kind == "NULL":
        return None
    return _boto3_types()[1].deserialize(value)
