"""Metered usage priced by the package (domain/metered.py), against a table worked by hand.

Rule (README "Metered events"): a metric's line bills its summed quantity at the package's unit price,
amount = quantity x price rounded half-up to the penny once per line; the included quantity covers the
earliest usage first and its value (covered x price, half-up) is deducted from the line.
"""
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.metered import MetricPrice, metric_lines
from chalicelib.domain.pricing import AMOUNT, LineInput, Policy, compute
from chalicelib.domain.usage_lines import Period, Tax

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
TAX = Tax("standard", Decimal("20"))
API = MetricPrice("api_calls", Decimal("0.0015"), Decimal("1000"), "requests", "API requests")
STORAGE = MetricPrice("storage_gb", Decimal("0.0230"), unit="GB", description="Storage")
LOOKUPS = MetricPrice("lookups", Decimal("0.0005"))
CHEAPER = MetricPrice("api_calls", Decimal("0.0010"), Decimal("500"), "requests", "API requests")


class Total(NamedTuple):
    metric: str
    day: str
    events: int
    quantity: Decimal


def total(metric, day, quantity):
    return Total(metric, f"2026-03-{day:02d}", 1, Decimal(quantity))


def priced_by(*prices, package="Gold"):
    by_metric = {p.metric: p for p in prices}
    return lambda t: (package, by_metric.get(t.metric))


def nets(lines):
    """Each line's net as the invoice prices it (quantity x price half-up, less its deduction)."""
    inputs = [LineInput(l.quantity, l.unit_price, TAX.category, TAX.rate, AMOUNT if l.deducted else None, l.deducted)
              for l in lines]
    return [str(amounts.net) for amounts in compute(inputs, "GBP", Policy()).lines]


# metric        day  quantity     price    line amount (half-up)          included covers     deducted    net
# api_calls     2    700          0.0015   1,600 x 0.0015 = 2.4000 = 2.40  700 + 300 = 1,000   1.50        0.90
# api_calls     10   900
# lookups       5    10           0.0005   0.0050 -> 0.01 (half-up)                                        0.01
# storage_gb    31   12.345678    0.0230   0.283950594 -> 0.28                                             0.28
HAND_TABLE = [
    ("API requests: 1,600 requests", "1600", "0.0015", "1.50", "0.90"),
    ("Lookups: 10", "10", "0.0005", "0.00", "0.01"),
    ("Storage: 12.345678 GB", "12.345678", "0.0230", "0.00", "0.28"),
    ("Included in the package: 1,000 requests of API requests; 1,000 requests used", "1", "0", "0", "0.00"),
]


def test_each_metric_is_one_line_at_the_packages_price_with_the_included_quantity_deducted():
    totals = [total("api_calls", 10, "900"), total("storage_gb", 31, "12.345678"), total("api_calls", 2, "700"),
              total("lookups", 5, "10")]
    lines, unpriced = metric_lines(totals, priced_by(API, STORAGE, LOOKUPS), {"api_calls": API}, TAX, "GBP", MARCH)
    assert unpriced == []
    assert [(l.description, str(l.quantity), str(l.unit_price), str(l.deducted)) for l in lines] == [
        row[:4] for row in HAND_TABLE]
    assert nets(lines) == [row[4] for row in HAND_TABLE]
    assert [line.as_invoice_line().get("unit") for line in lines] == ["requests", None, "GB", None]


def test_the_included_quantity_covers_the_earliest_usage_and_late_usage_gets_what_is_left():
    # Billed already: 600 of 1,000 included; late 500 -> 400 covered (0.60 off), 500 x 0.0015 = 0.75 -> net 0.15.
    late = [total("api_calls", 20, "500")]
    lines, _ = metric_lines(late, priced_by(API), {"api_calls": API}, TAX, "GBP", MARCH,
                            earlier=[total("api_calls", 3, "600")], label="Late usage of 1 Mar 2026 - 31 Mar 2026")
    assert [(l.description, str(l.deducted)) for l in lines] == [
        ("Late usage of 1 Mar 2026 - 31 Mar 2026, API requests: 500 requests", "0.60"),
        ("Late usage of 1 Mar 2026 - 31 Mar 2026, included in the package: 1,000 requests of API requests; "
         "400 requests used", "0")]
    assert nets(lines) == ["0.15", "0.00"]
    # Billed already 1,600: nothing left to cover; 50 x 0.0015 = 0.075 -> 0.08.
    lines, _ = metric_lines([total("api_calls", 20, "50")], priced_by(API), {"api_calls": API}, TAX, "GBP", MARCH,
                            earlier=[total("api_calls", 3, "1600")])
    assert nets(lines) == ["0.08", "0.00"] and lines[1].description.endswith("; 0 requests used")


def test_usage_is_priced_by_the_package_held_on_its_day():
    # 1-14 March on Gold (0.0015), from 15 March on Silver (0.0010, 500 included, held at the period's end):
    # Gold: 400 x 0.0015 = 0.60, covers 400 -> 0.60 off; Silver: 300 x 0.0010 = 0.30, covers 100 -> 0.10 off.
    def price_of(t):
        return ("Gold", API) if t.day < "2026-03-15" else ("Silver", CHEAPER)

    totals = [total("api_calls", 14, "400"), total("api_calls", 15, "300")]
    lines, _ = metric_lines(totals, price_of, {"api_calls": CHEAPER}, TAX, "GBP", MARCH)
    assert [(str(l.unit_price), str(l.quantity), str(l.deducted)) for l in lines[:2]] == [
        ("0.0015", "400", "0.60"), ("0.0010", "300", "0.10")]
    assert nets(lines) == ["0.00", "0.20", "0.00"]


def test_usage_no_package_prices_is_kept_at_no_charge_and_said():
    lines, unpriced = metric_lines([total("fax", 4, "3")], priced_by(API, package="Bronze"), {}, TAX, "GBP", MARCH)
    assert unpriced == ["fax: 3 not priced by the package Bronze; at no charge"]
    assert [(l.description, str(l.quantity), str(l.unit_price)) for l in lines] == [
        ("Fax: 3 not priced by the package Bronze; at no charge", "3", "0")]


@pytest.mark.parametrize("fields, field", [
    (dict(metric="a b", unit_price=Decimal("1")), "metric"),
    (dict(metric="sms", unit_price=Decimal("-0.01")), "unit_price"),
    (dict(metric="sms", unit_price=Decimal("0.01"), included=Decimal("-1")), "included"),
    (dict(metric="sms", unit_price=Decimal("NaN")), "unit_price"),
])
def test_a_bad_price_names_its_field(fields, field):
    with pytest.raises(ValidationError) as refused:
        MetricPrice(**fields)
    assert refused.value.details[0][0] == field
