"""pynamodb attributes that keep numbers exact.

pynamodb's number attribute reads numbers back as float; money must never pass
through float, so records are stored with boto3's type (de)serializer, which
maps DynamoDB numbers to Decimal both ways.
"""
from decimal import Decimal

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


class RecordAttribute(Attribute[dict]):
    """A plain dict of strings, Decimals, ints, bools, lists and dicts, stored as a map.

    None values are dropped on write: an absent field and a cleared field are the same.
    """
    attr_type = MAP

    def serialize(self, value: dict) -> dict:
        compact = {k: v for k, v in value.items() if v is not None}
        return _serializer.serialize(compact)["M"]

    def deserialize(self, value: dict) -> dict:
        return _deserializer.deserialize({"M": value})
