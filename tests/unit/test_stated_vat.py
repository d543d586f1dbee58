"""A line imported from another system keeps the VAT that system charged, when it is a rounding of
the line's exact VAT (HMRC Notice 700 17.5: per line half up or down, or a total per invoice
shared over its lines: each within a penny of the exact figure); anything else is refused."""
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.pricing import LineInput, Policy, compute

D = Decimal


def line(qty, price, stated=None, rate="20", category="standard"):
    return LineInput(D(qty), D(price), category, D(rate), stated_vat=None if stated is None else D(stated))


def test_per_line_vat_of_the_old_system_is_kept_under_a_per_invoice_policy():
    # The old system rounded per line: 0.33 x 20% = 0.066 -> 0.07 on each of three lines, 0.21 in all;
    # this tenant rounds per invoice (0.99 x 20% = 0.198 -> 0.20) but keeps what was charged.
    totals = compute([line(1, "0.33", "0.07")] * 3, "GBP", Policy(vat_level="invoice"))
    assert [l.vat for l in totals.lines] == [D("0.07")] * 3
    assert (totals.net, totals.vat, totals.gross) == (D("0.99"), D("0.21"), D("1.20"))


def test_a_per_invoice_total_shared_over_the_lines_is_kept_under_a_per_line_policy():
    # 0.20 shared as 0.07 + 0.07 + 0.06: the last is 0.066 rounded down, still a rounding of it.
    totals = compute([line(1, "0.33", "0.07"), line(1, "0.33", "0.07"), line(1, "0.33", "0.06")], "GBP",
                     Policy(vat_level="line"))
    assert totals.vat == D("0.20") and totals.rates[0].vat == D("0.20")


def test_a_stated_vat_further_than_a_rounding_is_refused_with_the_line():
    with pytest.raises(ValidationError) as refused:
        compute([line(1, "10.00", "2.00"), line(1, "0.33", "0.08")], "GBP", Policy())
    assert refused.value.details == [("lines[1].stated_vat", "is 0.08, but 20% VAT on 0.33 is 0.066: a rounding "
                                                             "of it is 0.06 or 0.07")]


def test_fractions_of_a_penny_and_vat_on_a_zero_rated_line_are_refused():
    with pytest.raises(ValidationError) as refused:
        compute([line(1, "0.33", "0.066"), line(1, "5", "1.00", "0", "zero")], "GBP", Policy())
    assert [field for field, _ in refused.value.details] == ["lines[0].stated_vat", "lines[1].stated_vat"]
    assert refused.value.details[1][1] == "is 1.00, but 0% VAT on 5.00 is 0.00"


def test_tax_inclusive_lines_keep_the_stated_vat_and_net_the_rest():
    # 12.00 including 20% VAT: exact VAT 2.00; the net is what is left.
    totals = compute([line(1, "12.00", "2.00")], "GBP", Policy(prices_include_vat=True))
    assert (totals.lines[0].net, totals.lines[0].vat, totals.lines[0].gross) == (D("10.00"), D("2.00"), D("12.00"))


def test_lines_without_a_stated_vat_are_priced_by_the_policy_beside_those_with_one():
    # Per invoice: the two unstated 0.33 lines' rate total is 0.132 -> 0.13; the stated 0.07 is added.
    totals = compute([line(1, "0.33", "0.07"), line(1, "0.33"), line(1, "0.33")], "GBP", Policy())
    assert totals.vat == D("0.20") and [l.vat for l in totals.lines][0] == D("0.07")


@given(st.integers(1, 10**7), st.sampled_from(["20", "5", "17.5"]), st.sampled_from([-1, 0, 1]))
def test_floor_and_ceiling_of_the_exact_vat_are_kept_and_a_penny_beyond_is_not(pence, rate, beyond):
    net = D(pence) / 100
    exact = net * D(rate) / 100
    low, high = exact.quantize(D("0.01"), "ROUND_FLOOR"), exact.quantize(D("0.01"), "ROUND_CEILING")
    stated = {-1: low - D("0.01"), 0: low, 1: high}[beyond]
    if beyond < 0 and low == exact:  # a whole-penny VAT has one rounding: itself
        stated = high + D("0.01")
    lines = [line(1, net, stated, rate)]
    if beyond < 0:
        with pytest.raises(ValidationError):
            compute(lines, "GBP", Policy())
    else:
        assert compute(lines, "GBP", Policy(vat_level="line")).vat == stated
