"""The pure parts of the store: cursors, attributes, key builders (no I/O)."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from chalicelib.api.gateway_responses import local_equivalent
from chalicelib.domain.errors import ValidationError
from chalicelib.store import keys
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
