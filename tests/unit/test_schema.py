from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from chalicelib.api.schema import (Amount, Array, Choice, CurrencyCode, Date, Email, Integer, Object,
                                   String, TimeZone, parse_body, parse_query)
from chalicelib.domain.errors import ValidationError

PERSON = Object({
    "name": String(required=True, max_length=10),
    "emails": Array(Email(), max_items=2),
    "price": Amount(places=4),
    "currency": CurrencyCode(),
    "kind": Choice(("a", "b")),
    "address": Object({"line1": String(required=True)}),
})


def problems(schema, body, partial=False):
    with pytest.raises(ValidationError) as caught:
        parse_body(schema, body, partial=partial)
    return dict(caught.value.details)


def test_clean_values_come_back_typed_and_trimmed():
    clean = parse_body(PERSON, {"name": "  Ann ", "emails": ["A@B.CO"], "price": "12.5000",
                                "currency": "gbp", "kind": "a", "address": {"line1": "1 High St"}})
    assert clean == {"name": "Ann", "emails": ["a@b.co"], "price": Decimal("12.5000"),
                     "currency": "GBP", "kind": "a", "address": {"line1": "1 High St"}}


def test_every_problem_is_reported_with_its_field_path():
    found = problems(PERSON, {"name": "", "emails": ["x", "ok@ok.io"], "price": "1.23456",
                              "currency": "XXX", "kind": "c", "address": {}, "extra": 1})
    assert found == {
        "extra": "is not a known field",
        "name": "must not be empty",
        "emails[0]": "must be an email address",
        "price": "must have at most 4 decimal places",
        "currency": "must be an ISO 4217 currency code such as GBP",
        "kind": "must be one of a, b",
        "address.line1": "is required",
    }


@pytest.mark.parametrize("body, field, message", [
    ({"name": 5}, "name", "must be a string"),
    ({"name": "x" * 11}, "name", "must be at most 10 characters"),
    ({"name": "a\x00b"}, "name", "must not contain the character U+0000"),
    ({"name": "ok", "price": 1.5}, "price", 'must be a decimal number written as a string, such as "12.50"'),
    ({"name": "ok", "price": True}, "price", 'must be a decimal number written as a string, such as "12.50"'),
    ({"name": "ok", "price": "NaN"}, "price", 'must be a decimal number written as a string, such as "12.50"'),
    ({"name": "ok", "price": "1e3"}, "price", 'must be a decimal number written as a string, such as "12.50"'),
    ({"name": "ok", "price": "-1"}, "price", "must be at least 0"),
    ({"name": "ok", "price": "1000000000000"}, "price", "must be at most 999999999999"),
    ({"name": "ok", "emails": "a@b.co"}, "emails", "must be a list"),
    ({"name": "ok", "emails": ["a@b.co"] * 3}, "emails", "must have between 0 and 2 items"),
    ({"name": "ok", "address": "x"}, "address", "must be an object"),
])
def test_wrong_types_and_bounds_are_refused(body, field, message):
    assert problems(PERSON, body)[field] == message


def test_a_body_that_is_not_an_object_is_refused():
    assert problems(PERSON, ["name"]) == {"body": "must be an object"}


def test_partial_bodies_skip_missing_required_fields_but_refuse_clearing_them():
    assert parse_body(PERSON, {"kind": "b"}, partial=True) == {"kind": "b"}
    assert parse_body(PERSON, {"kind": None}, partial=True) == {"kind": None}
    assert problems(PERSON, {"name": None}, partial=True) == {"name": "is required"}


def test_json_numbers_read_as_decimal_are_accepted_exactly():
    assert parse_body(Object({"p": Amount()}), {"p": Decimal("12.10")}) == {"p": Decimal("12.10")}


def test_query_strings_are_parsed_and_unknown_parameters_refused():
    fields = {"limit": Integer(minimum=1, maximum=100, from_text=True), "from": Date()}
    assert parse_query(fields, {"limit": "20", "from": "2026-02-28"})["limit"] == 20
    with pytest.raises(ValidationError) as caught:
        parse_query(fields, {"limit": "0", "from": "2026-02-30", "sort": "x"})
    assert dict(caught.value.details) == {"sort": "is not a known field",
                                          "limit": "must be between 1 and 100",
                                          "from": "must be a date as YYYY-MM-DD"}


def test_time_zones_must_be_iana_names():
    assert parse_body(Object({"tz": TimeZone()}), {"tz": "Pacific/Auckland"}) == {"tz": "Pacific/Auckland"}
    assert problems(Object({"tz": TimeZone()}), {"tz": "Mars/Olympus"}) == {
        "tz": "must be an IANA time zone such as Europe/London"}


@given(st.decimals(min_value=0, max_value=Decimal("999999999999"), places=4, allow_nan=False))
def test_any_amount_written_as_a_string_parses_to_the_same_decimal(value):
    parsed = parse_body(Object({"p": Amount(places=4)}), {"p": str(value)})["p"]
    assert parsed == value and isinstance(parsed, Decimal)


def test_schemas_describe_themselves_for_openapi():
    described = PERSON.openapi()
    assert described["required"] == ["name"]
    assert described["additionalProperties"] is False
    assert described["properties"]["emails"]["items"]["format"] == "email"
    assert described["properties"]["name"]["type"] == "string"  # required: never null
    assert described["properties"]["price"]["type"] == ["string", "null"]  # optional: null clears it
