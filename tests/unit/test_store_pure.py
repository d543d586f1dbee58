"""The pure parts of the store: cursors, attributes, key builders (no I/O)."""
from decimal import Decimal

import pytest
from boto3.dynamodb.types import DYNAMODB_CONTEXT as BOTO3_CONTEXT, TypeDeserializer, TypeSerializer
from hypothesis import given, strategies as st

from chalicelib.api.gateway_responses import local_equivalent
from chalicelib.domain.errors import ValidationError
from chalicelib.store import attributes, keys
from chalicelib.store.attributes import DecimalAttribute, RecordAttribute
from chalicelib.store.pagination import decode_cursor, encode_cursor

LAST_KEY = {"PK": {"S": "T#ten_a#CUSTOMER#cus_1"}, "SK": {"S": "RECORD"},
            "GSI1PK": {"S": "T#ten_a#CUSTOMER"}, "GSI1SK": {"S": "2026-01-01T00:00:00Z#cus_1"}}


def test_a_cursor_round_trips_for_its_own_list():
    cursor = encode_cursor(LAST_KEY)
    assert decode_cursor(cursor, {"GSI1PK": "T#ten_a#CUSTOMER"}) == LAST_KEY


@pytest.mark.parametrize("cursor", ["not-base64!", "e30", encode_cursor(LAST_KEY)])
def test_a_cursor_from_another_list_or_tenant_or_garbage_is_refused(cursor):
    with pytest.raises(ValidationError):
        decode_cursor(cursor, {"GSI1PK": "T#ten_b#CUSTOMER"})


def test_records_keep_numbers_exact_and_drop_cleared_fields():
    attribute = RecordAttribute()
    stored = attribute.serialize({"price": Decimal("0.1"), "n": 3, "gone": None, "tags": ["a"]})
    assert "gone" not in stored
    assert attribute.deserialize(stored) == {"price": Decimal("0.1"), "n": Decimal(3), "tags": ["a"]}


@given(st.decimals(allow_nan=False, allow_infinity=False))
def test_decimal_attribute_round_trips_exactly(value):
    attribute = DecimalAttribute()
    assert attribute.deserialize(attribute.serialize(value)) == value


def test_keys_carry_the_tenant_prefix():
    assert keys.record_pk("ten_a", "CUSTOMER", "cus_1") == "T#ten_a#CUSTOMER#cus_1"
    assert keys.unique_value_pk("ten_a", "PRODUCT", "code", "AbC").endswith("#abc")
    assert keys.new_id("cus").startswith("cus_") and len(keys.new_id("cus")) == 20


def test_chalice_local_answers_are_reshaped_like_api_gateway_responses():
    status, body = local_equivalent(403, "UnauthorizedException")
    assert status == 404 and '"code": "not_found"' in body
    assert local_equivalent(403, "AccessDeniedException")[0] == 403
    assert local_equivalent(401, "")[0] == 401


_boto3_serializer, _boto3_deserializer = TypeSerializer(), TypeDeserializer()
_WHOLE = frozenset({"n", "count"})
_names = st.sampled_from(["n", "count", "price", "lines", "a", ""])
_decimals = st.builds(lambda digits, exponent: Decimal(digits).scaleb(exponent),
                      st.integers(-10 ** 20, 10 ** 20), st.integers(-12, 12))
_scalars = (st.none() | st.booleans() | st.text(max_size=3) | st.integers(-10 ** 30, 10 ** 30) | _decimals
            | st.sets(st.text(max_size=2), min_size=1, max_size=2) | st.binary(min_size=1, max_size=2))
_records = st.dictionaries(_names, st.recursive(
    _scalars, lambda inner: st.lists(inner, max_size=3) | st.tuples(inner) | st.dictionaries(_names, inner, max_size=3),
    max_leaves=6), max_size=4)


def _typed(value):
    """A value with the type of each part, so that 3 and Decimal(3) differ."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_typed(v) for v in value]
    return type(value).__name__, value


def _boto3_restored(value, whole):
    """What boto3's deserializer gives, with the whole-number fields (at any depth of lists) as int."""
    if isinstance(value, dict):
        return {k: _boto3_restored(v, k in _WHOLE) for k, v in value.items()}
    if isinstance(value, list):
        return [_boto3_restored(v, whole) for v in value]
    if whole and isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return value


@given(_records)
def test_records_are_stored_as_boto3_stores_them_and_read_back_alike(record):
    attribute = RecordAttribute(whole_numbers=_WHOLE)
    stored = attribute.serialize(record)
    assert stored == _boto3_serializer.serialize({k: v for k, v in record.items() if v is not None})["M"]
    expected = _boto3_restored(_boto3_deserializer.deserialize({"M": stored}), False)
    assert _typed(attribute.deserialize(stored)) == _typed(expected)


def test_numbers_are_held_to_boto3s_context():
    ours, boto3s = attributes.DYNAMODB_CONTEXT, BOTO3_CONTEXT
    assert (ours.prec, ours.Emin, ours.Emax, ours.rounding, ours.capitals, ours.clamp, ours.traps) == \
        (boto3s.prec, boto3s.Emin, boto3s.Emax, boto3s.rounding, boto3s.capitals, boto3s.clamp, boto3s.traps)


@pytest.mark.parametrize("value", [1.5, Decimal("NaN"), Decimal("Infinity"), Decimal("1" * 39)])
def test_records_refuse_what_boto3_refuses(value):
    with pytest.raises(Exception) as ours:
        RecordAttribute().serialize({"a": [value]})
    with pytest.raises(Exception) as boto3s:
        _boto3_serializer.serialize({"a": [value]})
    assert type(ours.value) is type(boto3s.value)
