from datetime import date
from decimal import Decimal

import pytest

from chalicelib.domain import vat
from chalicelib.domain.changes import diff
from chalicelib.domain.currencies import is_currency, minor_units
from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import format_amount, format_price, round_money
from chalicelib.domain.timeframes import preset_range, resolve


@pytest.mark.parametrize("code, places", [("GBP", 2), ("JPY", 0), ("KWD", 3), ("EUR", 2), ("ISK", 0)])
def test_currencies_know_their_minor_units(code, places):
    assert minor_units(code) == places


def test_codes_that_are_not_circulating_currencies_are_refused():
    assert not is_currency("XXX") and not is_currency("XAU") and not is_currency("gbp")


def test_money_rounds_half_up_to_the_currency():
    assert round_money(Decimal("2.345"), "GBP") == Decimal("2.35")
    assert round_money(Decimal("2.5"), "JPY") == Decimal("3")
    assert format_amount(Decimal("1"), "KWD") == "1.000"


def test_prices_keep_their_extra_places_but_show_at_least_the_currency_places():
    assert format_price(Decimal("12.5"), "GBP") == "12.50"
    assert format_price(Decimal("0.0125"), "GBP") == "0.0125"
    assert format_price(Decimal("100"), "JPY") == "100"


@pytest.mark.parametrize("category, rate, ok", [
    ("standard", Decimal("20"), True), ("reduced", Decimal("5"), True),
    ("standard", Decimal("0"), False), ("standard", Decimal("100.5"), False),
    ("zero", Decimal("0"), True), ("exempt", Decimal("20"), False),
    ("reverse_charge", Decimal("0"), True), ("outside_scope", Decimal("5"), False),
])
def test_vat_rates_must_fit_their_category(category, rate, ok):
    assert (vat.rate_problem(category, rate) is None) == ok


def test_diff_lists_changed_fields_only():
    assert diff({"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 5, "d": 4}) == {
        "b": {"before": 2, "after": 5},
        "c": {"before": 3, "after": None},
        "d": {"before": None, "after": 4},
    }


@pytest.mark.parametrize("preset, today, expected", [
    ("this_month", date(2026, 2, 10), (date(2026, 2, 1), date(2026, 2, 28))),
    ("last_month", date(2026, 1, 15), (date(2025, 12, 1), date(2025, 12, 31))),
    ("last_month", date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
    ("this_quarter", date(2026, 11, 21), (date(2026, 10, 1), date(2026, 12, 31))),
    ("this_quarter", date(2026, 2, 1), (date(2026, 1, 1), date(2026, 3, 31))),
    ("this_year", date(2026, 6, 1), (date(2026, 1, 1), date(2026, 12, 31))),
    ("last_year", date(2026, 6, 1), (date(2025, 1, 1), date(2025, 12, 31))),
])
def test_timeframe_presets(preset, today, expected):
    assert preset_range(preset, today) == expected


def test_timeframes_refuse_a_preset_with_dates_and_an_end_before_the_start():
    with pytest.raises(ValidationError):
        resolve(date(2026, 1, 1), None, "this_year", date(2026, 5, 1))
    with pytest.raises(ValidationError):
        resolve(date(2026, 2, 1), date(2026, 1, 1), None, date(2026, 5, 1))
    assert resolve(None, date(2026, 1, 1), None, date(2026, 5, 1)) == (None, date(2026, 1, 1))
