"""Rating calls against a card (no I/O). The expected figures were worked by hand from the rule:

    billable = 0 for a 0-second call, else `first`, then whole `next` steps
    charge   = price_per_minute x billable / 60 + connection fee, at least the minimum charge
               (a 0-second call costs nothing), rounded half-up to whole micros per call.
"""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.rating import (Increment, RateCard, RateRow, RatedCall, billable_seconds,
                                      normalise_number, rate_call)


def row(prefix, destination, price, increment, fee="0", minimum="0"):
    return RateRow(prefix, destination, Decimal(price), Decimal(fee), Decimal(minimum),
                   Increment.parse(increment))


CARD = RateCard([
    row("44", "UK", "0.0150", "60/60"),
    row("447", "UK mobile", "0.0850", "30/6", fee="0.0100", minimum="0.0200"),
    row("1", "NANP", "0.0075", "1/1"),
    row("353", "Ireland", "0.0123", "1/1", minimum="0.0500"),
])


@pytest.mark.parametrize("text, first, next_", [
    ("60/60", 60, 60), ("1/1", 1, 1), ("30/6", 30, 6), (" 30 / 6 ", 30, 6), ("0060/6", 60, 6)])
def test_increments_parse_from_the_telecom_form(text, first, next_):
    assert Increment.parse(text) == Increment(first, next_)


@pytest.mark.parametrize("text", ["0/60", "60/0", "0/0", "-1/1", "1/-6", "60", "60/60/60", "a/b", "1.5/1",
                                  "", "/", "60/", "٣/٣"])
def test_a_bad_increment_is_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as caught:
        Increment.parse(text, field="rows[2].increment")
    assert caught.value.details[0][0] == "rows[2].increment"


@pytest.mark.parametrize("duration, increment, billable", [
    (0, "60/60", 0), (1, "60/60", 60), (60, "60/60", 60), (61, "60/60", 120), (121, "60/60", 180),
    (0, "1/1", 0), (1, "1/1", 1), (59, "1/1", 59), (3601, "1/1", 3601),
    (0, "30/6", 0), (1, "30/6", 30), (30, "30/6", 30), (31, "30/6", 36), (36, "30/6", 36), (37, "30/6", 42),
    (95, "30/6", 96), (20, "60/1", 60), (61, "60/1", 61), (1, "1/60", 1), (2, "1/60", 61), (5, "1/60", 61)])
def test_billable_seconds_by_hand(duration, increment, billable):
    assert billable_seconds(duration, Increment.parse(increment)) == billable


def test_a_negative_duration_is_refused():
    with pytest.raises(ValidationError) as caught:
        billable_seconds(-1, Increment(60, 60))
    assert caught.value.details[0][0] == "duration_seconds"
    with pytest.raises(ValidationError):
        rate_call("442079460000", -5, CARD)


@pytest.mark.parametrize("number, duration, prefix, destination, billable, micros", [
    # 44 UK, 0.0150/min, 60/60: 61 s bills 120 s = 2 min x 0.0150 = 0.0300
    ("+44 20 7946 0000", 61, "44", "UK", 120, 30_000),
    ("442079460000", 1, "44", "UK", 60, 15_000),
    # 447 UK mobile, 0.0850/min + 0.0100 connection, minimum 0.0200, 30/6
    ("0044 7700 900123", 7, "447", "UK mobile", 30, 52_500),   # 0.0850 x 30/60 = 0.0425 + 0.0100
    ("447700900123", 31, "447", "UK mobile", 36, 61_000),      # 0.0850 x 36/60 = 0.0510 + 0.0100
    ("447700900123", 36, "447", "UK mobile", 36, 61_000),
    ("447700900123", 37, "447", "UK mobile", 42, 69_500),      # 0.0850 x 42/60 = 0.0595 + 0.0100
    # 1 NANP, 0.0075/min, 1/1: micros fractions of a penny are kept exactly
    ("+1 212 555 0100", 59, "1", "NANP", 59, 7_375),           # 0.0075 x 59/60 = 0.007375
    ("12125550100", 7, "1", "NANP", 7, 875),
    ("0012125550100", 1, "1", "NANP", 1, 125),
    # 353 Ireland, 0.0123/min, minimum 0.0500, 1/1
    ("+353 1 234 5678", 10, "353", "Ireland", 10, 50_000),     # 0.00205 is below the minimum
    ("35312345678", 300, "353", "Ireland", 300, 61_500),       # 5 min x 0.0123 = 0.0615
    ("35312345678", 243, "353", "Ireland", 243, 50_000),       # 0.049815 is still below 0.0500
    ("35312345678", 244, "353", "Ireland", 244, 50_020),       # 0.0123 x 244/60 = 0.05002
])
def test_calls_rated_by_hand(number, duration, prefix, destination, billable, micros):
    assert rate_call(number, duration, CARD) == RatedCall(prefix, destination, billable, micros)


@pytest.mark.parametrize("number", ["+44 20 7946 0000", "447700900123", "+1 212 555 0100", "35312345678"])
def test_a_zero_second_call_costs_nothing_not_even_its_connection_fee_or_minimum(number):
    rated = rate_call(number, 0, CARD)
    assert (rated.billable_seconds, rated.amount_micros) == (0, 0)


@pytest.mark.parametrize("number, prefix", [
    ("447700900123", "447"), ("442079460000", "44"), ("4470", "447"), ("447", "447"), ("44", "44"),
    ("12125550100", "1"), ("3531", "353"), ("35", None), ("4512345", None), ("7", None), ("33123", None)])
def test_the_longest_prefix_wins(number, prefix):
    match = CARD.match(number)
    assert (match.prefix if match else None) == prefix


def test_no_matching_prefix_rates_to_none():
    assert rate_call("+33 1 23 45 67 89", 60, CARD) is None


@pytest.mark.parametrize("text, digits", [
    ("+44 7700 900123", "447700900123"), ("0044 7700 900123", "447700900123"), ("447700900123", "447700900123"),
    ("  +1 212 555 0100 ", "12125550100"), ("00 353 1 234", "3531234")])
def test_numbers_are_normalised(text, digits):
    assert normalise_number(text) == digits


@pytest.mark.parametrize("text", ["", "+", "00", "44abc", "+44 (0) 20", "++44", "4 4-1", "٤٤"])
def test_a_malformed_number_is_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as caught:
        rate_call(text, 60, CARD)
    assert caught.value.details[0][0] == "number"


def test_half_a_micro_rounds_up_per_call():
    card = RateCard([row("9", "Test", "0.00003", "1/1")])
    # 0.00003 x s / 60: 1 s = 0.5 micro -> 1; 2 s = 1.0 -> 1; 3 s = 1.5 -> 2; 5 s = 2.5 -> 3
    assert [rate_call("9", s, card).amount_micros for s in (1, 2, 3, 5)] == [1, 1, 2, 3]
    # 0.0001 / 60 = 1.666... micros -> 2
    assert rate_call("9", 1, RateCard([row("9", "Test", "0.0001", "1/1")])).amount_micros == 2


def test_a_card_refuses_duplicate_prefixes_naming_the_second_row():
    with pytest.raises(ValidationError) as caught:
        RateCard([row("44", "UK", "0.01", "60/60"), row("1", "NANP", "0.01", "1/1"),
                  row("44", "UK again", "0.02", "60/60")])
    assert caught.value.details[0][0] == "rows[2].prefix"


@pytest.mark.parametrize("field, kwargs", [
    ("prefix", {"prefix": ""}), ("prefix", {"prefix": "+44"}), ("prefix", {"prefix": "44 7"}),
    ("price_per_minute", {"price": "-0.01"}), ("connection_fee", {"fee": "-0.01"}),
    ("minimum_charge", {"minimum": "-1"}), ("destination", {"destination": " "}),
    ("price_per_minute", {"price": "NaN"}), ("connection_fee", {"fee": "Infinity"})])
def test_a_bad_row_is_refused_naming_the_field(field, kwargs):
    values = {"prefix": "44", "destination": "UK", "price": "0.01", "fee": "0", "minimum": "0"} | kwargs
    with pytest.raises(ValidationError) as caught:
        row(values["prefix"], values["destination"], values["price"], "60/60", values["fee"], values["minimum"])
    assert caught.value.details[0][0] == field


increments = st.builds(Increment, st.integers(1, 600), st.integers(1, 600))
prices = st.decimals(min_value=0, max_value=5, places=6)


@given(st.integers(0, 100_000), increments)
def test_billable_covers_the_call_in_whole_steps(duration, increment):
    billable = billable_seconds(duration, increment)
    if duration == 0:
        assert billable == 0
        return
    assert billable >= duration and billable >= increment.first
    assert (billable - increment.first) % increment.next == 0
    assert billable == increment.first or billable - increment.next < duration  # no step more than needed


@given(st.integers(0, 20_000), st.integers(0, 20_000), increments, prices, prices, prices)
def test_a_longer_call_never_costs_less(shorter, longer, increment, price, fee, minimum):
    shorter, longer = sorted((shorter, longer))
    card = RateCard([RateRow("44", "UK", price, fee, minimum, increment)])
    assert rate_call("44", shorter, card).amount_micros <= rate_call("44", longer, card).amount_micros


@given(st.integers(1, 20_000), increments, prices, prices, prices)
def test_the_charge_is_the_exact_rule_rounded_half_up_to_micros(duration, increment, price, fee, minimum):
    card = RateCard([RateRow("44", "UK", price, fee, minimum, increment)])
    billable = billable_seconds(duration, increment)
    exact = max(Fraction(price) * billable / 60 + Fraction(fee), Fraction(minimum)) * 1_000_000
    whole, part = divmod(exact, 1)
    assert rate_call("44", duration, card).amount_micros == whole + (1 if part >= Fraction(1, 2) else 0)
