"""pynamodb attributes that keep numbers exact.

pynamodb's number attribute reads numbers back as float; money must never pass
through float, so records are stored with boto3's type (de)serializer, which
maps DynamoDB numbers to Decimal both ways.
"""
from decimal import Decimal
from typing import AbstractSet, Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer
from pynamodb.attributes import Attribute
from pynamodb.constants import MAP, NUMBER, STRING

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


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
    "portal_link_days", "valid_days",
    # kept by the service
    "next", "generated", "occurrence", "customer_version", "rows", "slot", "bytes", "width", "height",
    "reminders_sent", "reminders_skipped",
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
        compact = {k: v for k, v in value.items() if v is not None}
        return _serializer.serialize(compact)["M"]

    def deserialize(self, value: dict) -> dict:
        return _restore(_deserializer.deserialize({"M": value}), self.whole_numbers)


def _restore(record: dict, whole_numbers: AbstractSet[str]) -> dict:
    return {name: _restore_value(value, name in whole_numbers, whole_numbers) for name, value in record.items()}


def _restore_value(value: Any, whole: bool, whole_numbers: AbstractSet[str]) -> Any:
    if isinstance(value, dict):
        return _restore(value, whole_numbers)
    if isinstance(value, list):
        return [_restore_value(v, whole, whole_numbers) for v in value]
    if whole and isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value
