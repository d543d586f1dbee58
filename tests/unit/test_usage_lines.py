"""Invoice lines from usage totals and package fees (no I/O); the figures were worked by hand."""
from collections import namedtuple
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.usage_lines import (Allowance, FeeSpan, Period, Tax, fee_lines, micros_to_money,
                                           usage_lines)

Total = namedtuple("Total", "destination prefix day calls seconds amount_micros")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
STANDARD = Tax("standard", Decimal("20"))
TOTALS = [
    Total("UK", "44", "2026-03-02", 10, 1800, 450_000),
    Total("UK mobile", "447", "2026-03-02", 5, 600, 1_234_567),
    Total("UK", "44", "2026-03-03", 4, 1200, 300_000),
    Total("NANP", "1", "2026-03-03", 2, 125, 15_625),
]


def lines(grouping, allowances=(), totals=TOTALS, **extra):
    return [(line.description, line.unit_price, line.deducted)
            for line in usage_lines(totals, grouping, allowances, STANDARD, "GBP", MARCH, **extra)]


def D(text):
    return Decimal(text)


@pytest.mark.parametrize("micros, currency, money", [
    (15_625, "GBP", "0.02"), (315_625, "GBP", "0.32"), (5_000, "GBP", "0.01"), (4_999, "GBP", "0.00"),
    (2_000_192, "GBP", "2.00"), (1_500_000, "JPY", "2"), (1_234_500, "KWD", "1.235"), (0, "GBP", "0.00")])
def test_micros_round_half_up_to_the_currency(micros, currency, money):
    assert micros_to_money(micros, currency) == D(money)


def test_grouped_by_destination():
    # NANP 15,625 micros = 0.015625 -> 0.02; UK 450,000 + 300,000 -> 0.75; UK mobile 1,234,567 -> 1.23
    assert lines("destination") == [
        ("NANP: 2 calls, 2.08 min", D("0.02"), 0),
        ("UK: 14 calls, 50.00 min", D("0.75"), 0),
        ("UK mobile: 5 calls, 10.00 min", D("1.23"), 0)]


def test_grouped_by_day():
    # 2 March: 450,000 + 1,234,567 = 1,684,567 -> 1.68; 3 March: 300,000 + 15,625 = 315,625 -> 0.32
    assert lines("day") == [("Usage on 2 Mar 2026: 15 calls, 40.00 min", D("1.68"), 0),
                            ("Usage on 3 Mar 2026: 6 calls, 22.08 min", D("0.32"), 0)]


def test_grouped_by_destination_and_day():
    assert lines("destination_day") == [
        ("UK, 2 Mar 2026: 10 calls, 30.00 min", D("0.45"), 0),
        ("UK mobile, 2 Mar 2026: 5 calls, 10.00 min", D("1.23"), 0),
        ("NANP, 3 Mar 2026: 2 calls, 2.08 min", D("0.02"), 0),
        ("UK, 3 Mar 2026: 4 calls, 20.00 min", D("0.30"), 0)]


def test_one_usage_line():
    # 2,000,192 micros -> 2.00; 3,725 s = 62.083 min
    assert lines("single") == [("Usage: 21 calls, 62.08 min", D("2.00"), 0)]


def test_each_line_carries_the_period_and_the_package_tax():
    for line in usage_lines(TOTALS, "destination", (), Tax("reduced", D("5")), "GBP", MARCH):
        assert (line.period_start, line.period_end) == (date(2026, 3, 1), date(2026, 3, 31))
        assert (line.tax.category, line.tax.rate, line.quantity) == ("reduced", D("5"), 1)


def test_a_line_of_one_day_bills_that_day_and_the_others_the_whole_period():
    # EN 16931 BG-26: the line period is the period relevant for the line; usage on 2 March is 2 March's.
    def periods(grouping):
        return [(line.period_start, line.period_end)
                for line in usage_lines(TOTALS, grouping, ALLOWANCE_35, STANDARD, "GBP", MARCH)]

    second, third, whole = (date(2026, 3, 2),) * 2, (date(2026, 3, 3),) * 2, (MARCH.start, MARCH.end)
    assert periods("day") == [second, third, whole]  # the allowance's line: the period's
    assert periods("destination_day") == [second, second, third, third, whole]
    assert periods("destination") == [whole] * 4 and periods("single") == [whole] * 2


def test_no_usage_no_usage_lines_but_the_allowance_is_still_shown():
    assert lines("destination", [Allowance("44", 1000, "UK")], totals=[]) == [
        ("Included in the package: 1,000 min to UK; 0.00 min used", D("0"), 0)]


ALLOWANCE_35 = [Allowance("44", 35, "UK")]


def test_an_allowance_covers_the_earliest_matching_usage_first():
    # 35 min = 2,100 s to prefixes 44...: 2 March UK 1,800 s (450,000 micros) then 300 of 2 March
    # UK mobile's 600 s: 1,234,567 x 300 / 600 = 617,283.5 -> 617,284 micros; 3 March UK is not covered.
    assert lines("destination", ALLOWANCE_35) == [
        ("NANP: 2 calls, 2.08 min", D("0.02"), 0),
        ("UK: 14 calls, 50.00 min", D("0.75"), D("0.45")),
        ("UK mobile: 5 calls, 10.00 min", D("1.23"), D("0.62")),
        ("Included in the package: 35 min to UK; 35.00 min used", D("0"), 0)]
    assert lines("day", ALLOWANCE_35)[:2] == [  # 450,000 + 617,284 = 1,067,284 -> 1.07
        ("Usage on 2 Mar 2026: 15 calls, 40.00 min", D("1.68"), D("1.07")),
        ("Usage on 3 Mar 2026: 6 calls, 22.08 min", D("0.32"), 0)]
    assert lines("single", ALLOWANCE_35)[0] == ("Usage: 21 calls, 62.08 min", D("2.00"), D("1.07"))


def test_the_more_specific_allowance_is_used_first():
    # 447 (5 min = 300 s) covers half of UK mobile; then 44 (40 min = 2,400 s) covers UK on 2 March
    # (1,800 s), the other 300 s of UK mobile, and 300 of 1,200 s on 3 March: 300,000 / 4 = 75,000.
    found = lines("destination_day", [Allowance("44", 40, "UK"), Allowance("447", 5, "UK mobile")])
    assert found == [
        ("UK, 2 Mar 2026: 10 calls, 30.00 min", D("0.45"), D("0.45")),
        ("UK mobile, 2 Mar 2026: 5 calls, 10.00 min", D("1.23"), D("1.23")),
        ("NANP, 3 Mar 2026: 2 calls, 2.08 min", D("0.02"), 0),
        ("UK, 3 Mar 2026: 4 calls, 20.00 min", D("0.30"), D("0.08")),  # 0.075 -> 0.08
        ("Included in the package: 40 min to UK; 40.00 min used", D("0"), 0),
        ("Included in the package: 5 min to UK mobile; 5.00 min used", D("0"), 0)]


def test_an_allowance_larger_than_the_usage_covers_it_all():
    found = lines("single", [Allowance("44", 1000, "UK")])
    # everything but NANP: 2,000,192 - 15,625 = 1,984,567 -> 1.98 deducted; 3,600 s = 60 min used
    assert found == [("Usage: 21 calls, 62.08 min", D("2.00"), D("1.98")),
                     ("Included in the package: 1,000 min to UK; 60.00 min used", D("0"), 0)]


def test_late_usage_is_labelled_with_its_period_and_uses_only_the_allowance_left():
    february = Period(date(2026, 2, 1), date(2026, 2, 28))
    billed = [Total("UK", "44", "2026-02-10", 3, 1500, 90_000)]
    late = [Total("UK", "44", "2026-02-27", 2, 600, 36_000)]
    # 30 min = 1,800 s; 1,500 s went to February's invoice; 300 of the late 600 s are covered: 18,000 micros
    found = usage_lines(late, "destination", [Allowance("44", 30, "UK")], STANDARD, "GBP", february,
                        earlier=billed, label="Late usage of 1 Feb 2026 - 28 Feb 2026")
    assert [(l.description, l.unit_price, l.deducted, l.period_start, l.period_end) for l in found] == [
        ("Late usage of 1 Feb 2026 - 28 Feb 2026, UK: 2 calls, 10.00 min", D("0.04"), D("0.02"),
         date(2026, 2, 1), date(2026, 2, 28)),
        ("Late usage of 1 Feb 2026 - 28 Feb 2026, included in the package: 30 min to UK; 5.00 min used",
         D("0"), 0, date(2026, 2, 1), date(2026, 2, 28))]


def test_the_invoice_line_a_usage_line_becomes():
    line = usage_lines(TOTALS, "single", ALLOWANCE_35, STANDARD, "GBP", MARCH)[0]
    assert line.as_invoice_line() == {
        "description": "Usage: 21 calls, 62.08 min", "quantity": D("1"), "unit_price": D("2.00"),
        "vat_category": "standard", "vat_rate": D("20"), "period": {"start": "2026-03-01", "end": "2026-03-31"},
        "discount": {"type": "amount", "value": D("1.07")}}


def test_an_unknown_grouping_is_refused():
    with pytest.raises(ValidationError) as caught:
        lines("month")
    assert caught.value.details[0][0] == "usage_grouping"


@pytest.mark.parametrize("prefix, minutes, field", [("", 10, "prefix"), ("4a", 10, "prefix"),
                                                    ("44", 0, "minutes"), ("44", -5, "minutes")])
def test_a_bad_allowance_is_refused(prefix, minutes, field):
    with pytest.raises(ValidationError) as caught:
        Allowance(prefix, minutes, "UK")
    assert caught.value.details[0][0] == field


GOLD = D("30.00")


def fees(*spans, currency="GBP"):
    return [(l.description, l.unit_price, l.period_start, l.period_end)
            for l in fee_lines(list(spans), MARCH, currency)]


def test_a_whole_period_charges_the_whole_fee():
    assert fees(FeeSpan("Gold", GOLD, STANDARD, date(2026, 3, 1), date(2026, 3, 31))) == [
        ("Gold, 1 Mar 2026 - 31 Mar 2026", GOLD, date(2026, 3, 1), date(2026, 3, 31))]


def test_a_mid_period_start_is_prorated_by_day():
    # 15-31 March is 17 of 31 days: 30.00 x 17 / 31 = 16.4516... -> 16.45
    assert fees(FeeSpan("Gold", GOLD, STANDARD, date(2026, 3, 15), date(2026, 3, 31))) == [
        ("Gold, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days)", D("16.45"), date(2026, 3, 15), date(2026, 3, 31))]


def test_a_mid_period_end_is_prorated_by_day():
    # 1-10 March: 30.00 x 10 / 31 = 9.677... -> 9.68
    assert fees(FeeSpan("Gold", GOLD, STANDARD, date(2026, 3, 1), date(2026, 3, 10)))[0][1] == D("9.68")


def test_a_change_of_package_mid_period_is_shown_as_such():
    # Gold 1-14 March: 30.00 x 14 / 31 = 13.548... -> 13.55; Platinum 15-31: 50.00 x 17 / 31 = 27.419... -> 27.42
    assert fees(FeeSpan("Gold", GOLD, STANDARD, date(2026, 3, 1), date(2026, 3, 14)),
                FeeSpan("Platinum", D("50.00"), STANDARD, date(2026, 3, 15), date(2026, 3, 31))) == [
        ("Gold, 1 Mar 2026 - 14 Mar 2026 (14 of 31 days)", D("13.55"), date(2026, 3, 1), date(2026, 3, 14)),
        ("Platinum, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days; changed from Gold on 15 Mar 2026)", D("27.42"),
         date(2026, 3, 15), date(2026, 3, 31))]


def test_proration_rounds_to_the_currency():
    # 1,000 JPY x 17 / 31 = 548.38... -> 548
    assert fees(FeeSpan("Gold", D("1000"), STANDARD, date(2026, 3, 15), date(2026, 3, 31)),
                currency="JPY")[0][1] == D("548")


@pytest.mark.parametrize("start, end", [(date(2026, 2, 28), date(2026, 3, 31)), (date(2026, 3, 1), date(2026, 4, 1)),
                                        (date(2026, 3, 10), date(2026, 3, 9))])
def test_a_span_outside_its_period_is_refused(start, end):
    with pytest.raises(ValueError):
        fee_lines([FeeSpan("Gold", GOLD, STANDARD, start, end)], MARCH, "GBP")


totals = st.lists(st.builds(Total, st.sampled_from(["UK", "UK mobile", "NANP"]), st.sampled_from(["44", "447", "1"]),
                            st.sampled_from(["2026-03-01", "2026-03-02", "2026-03-03"]), st.integers(1, 50),
                            st.integers(0, 10_000), st.integers(0, 10_000_000)), max_size=12)


@given(totals, st.sampled_from(["destination", "day", "destination_day", "single"]), st.integers(1, 500))
def test_deductions_never_exceed_their_line_and_lines_add_up_to_the_usage(found, grouping, minutes):
    made = usage_lines(found, grouping, [Allowance("44", minutes, "UK")], STANDARD, "GBP", MARCH)
    usage = [line for line in made if not line.description.startswith("Included")]
    assert all(0 <= line.deducted <= line.unit_price for line in usage)
    exact = Decimal(sum(t.amount_micros for t in found)) / 1_000_000
    assert abs(sum(line.unit_price for line in usage) - exact) <= D("0.005") * max(1, len(usage))
    covered = min(sum(t.seconds for t in found if t.prefix.startswith("44")), minutes * 60)
    assert made[-1].description.endswith(f"{(Decimal(covered) / 60).quantize(D('0.01'), ROUND_HALF_UP):,} min used")
