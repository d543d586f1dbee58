"""The VAT engine: worked examples by hand, then properties over thousands of random invoices."""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.money import exponent, round_money
from chalicelib.domain.pricing import LineInput, Policy, compute, vat_in_base_currency
from tests.support.vat_rules import ceil_to, exact, floor_to, half_up_to, hmrc_line_down_minimum, line_vat

D = Decimal


def line(qty, price, rate="20", category="standard", discount=None):
    kind, value = discount if discount else (None, "0")
    return LineInput(D(qty), D(price), category, D(rate), kind, D(value))


def test_vat_per_invoice_rounds_once_per_rate():
    # Three lines of 0.33 net at 20%: per invoice, 0.99 x 20% = 0.198 -> 0.20.
    totals = compute([line(1, "0.33")] * 3, "GBP", Policy(vat_level="invoice"))
    assert (totals.net, totals.vat, totals.gross) == (D("0.99"), D("0.20"), D("1.19"))
    assert [l.vat for l in totals.lines] == [D("0.07"), D("0.07"), D("0.06")]


def test_vat_per_line_rounds_each_line():
    # Per line, 0.33 x 20% = 0.066 -> 0.07 each: 0.21, a penny more than per invoice.
    totals = compute([line(1, "0.33")] * 3, "GBP", Policy(vat_level="line"))
    assert (totals.net, totals.vat, totals.gross) == (D("0.99"), D("0.21"), D("1.20"))


def test_rounding_down_per_line_keeps_a_tenth_of_a_penny_then_floors_the_total():
    # Notice 700 17.5: each line's 0.066 stays 0.066 (down to 0.1p); 0.198 in all, down to 0.19.
    totals = compute([line(1, "0.33")] * 3, "GBP", Policy(vat_level="line", mode="down"))
    assert totals.vat == D("0.19")
    assert sorted(l.vat for l in totals.lines) == [D("0.06"), D("0.06"), D("0.07")]


def test_line_level_down_charges_hmrcs_figure_not_whole_pennies_per_line():
    # 10 lines of 12.34 at 20%: 2.468 each, 24.68 in all (whole pennies per line gave 24.60).
    totals = compute([line(1, "12.34")] * 10, "GBP", Policy(vat_level="line", mode="down"))
    assert totals.vat == D("24.68")
    # Lines show their share in pennies: 2.46 or 2.47, adding up to the total.
    assert sorted(l.vat for l in totals.lines) == [D("2.46")] * 2 + [D("2.47")] * 8
    # JPY: one digit beyond the yen. 3 x 0.6 (net 3 at 20%) -> 1.8 -> 1; 5 x 0.8 -> 4 (whole yen per line gave 0).
    assert compute([line(1, "3")] * 3, "JPY", Policy(vat_level="line", mode="down")).vat == D("1")
    assert compute([line(1, "5")] * 3, "JPY", Policy(vat_level="line", mode="down")).vat == D("3")
    assert compute([line(1, "4")] * 5, "JPY", Policy(vat_level="line", mode="down")).vat == D("4")


def test_vat_per_invoice_rounded_down_floors_the_invoices_total_not_each_rate():
    # 0.03 at 20% (0.006) and 0.10 at 5% (0.005): 0.011 in all, down to 0.01 (each rate floored gave 0.00);
    # the penny goes to the rate with the larger remainder.
    totals = compute([line(1, "0.03"), line(1, "0.10", rate="5", category="reduced")], "GBP",
                     Policy(vat_level="invoice", mode="down"))
    assert totals.vat == D("0.01")
    assert [(r.vat_rate, r.vat) for r in totals.rates] == [(D(20), D("0.01")), (D(5), D("0.00"))]


def test_shares_of_a_rate_rounded_once_stay_within_their_own_vat():
    # invoice/down, 10.00 and 0.04 at 20%: exact 2.000 and 0.008, rate VAT 2.00.
    totals = compute([line(1, "10.00"), line(1, "0.04")], "GBP", Policy(vat_level="invoice", mode="down"))
    assert [l.vat for l in totals.lines] == [D("2.00"), D("0.00")]


def test_tax_inclusive_prices_carry_a_sixth_of_vat_at_20_percent():
    totals = compute([line(1, "120.00")], "GBP", Policy(prices_include_vat=True))
    assert (totals.net, totals.vat, totals.gross) == (D("100.00"), D("20.00"), D("120.00"))
    odd = compute([line(1, "10.00")], "GBP", Policy(prices_include_vat=True))
    assert (odd.net, odd.vat) == (D("8.33"), D("1.67"))


def test_discounts_by_percent_and_amount():
    totals = compute([line(3, "19.99", discount=("percent", "10")), line(1, "50", discount=("amount", "5.50"))],
                     "GBP", Policy(vat_level="line"))
    assert [l.discount for l in totals.lines] == [D("6.00"), D("5.50")]
    assert [l.net for l in totals.lines] == [D("53.97"), D("44.50")]
    assert totals.vat == D("10.79") + D("8.90")


def test_totals_per_rate_with_zero_exempt_and_reverse_charge_lines():
    totals = compute([line(1, "100"), line(2, "10", rate="5", category="reduced"),
                      line(1, "30", rate="0", category="zero"), line(1, "40", rate="0", category="exempt"),
                      line(1, "500", rate="0", category="reverse_charge")], "GBP", Policy())
    summary = [(r.vat_category, r.vat_rate, r.net, r.vat) for r in totals.rates]
    assert summary == [("standard", D(20), D("100.00"), D("20.00")),
                       ("reduced", D(5), D("20.00"), D("1.00")),
                       ("exempt", D(0), D("40.00"), D(0)),
                       ("reverse_charge", D(0), D("500.00"), D(0)),
                       ("zero", D(0), D("30.00"), D(0))]
    assert totals.gross == D("711.00")


def test_currencies_round_to_their_own_minor_units():
    assert compute([line(3, "333.5")], "JPY", Policy()).lines[0].net == D("1001")
    assert compute([line(1, "1.2345")], "KWD", Policy()).vat == D("0.247")


def test_quantities_with_four_decimals_and_prices_below_a_penny():
    totals = compute([line("1234.5678", "0.0125")], "GBP", Policy())
    assert totals.net == D("15.43")


def test_overflowing_lines_and_totals_are_refused_with_the_field():
    with pytest.raises(ValidationError) as caught:
        compute([line(1, "10"), line("1000000", "1000000")], "GBP", Policy())
    assert caught.value.details == [("lines[1].quantity", "makes the line total exceed 999,999,999,999")]
    with pytest.raises(ValidationError) as caught:
        compute([line(1, "900000000000")] * 2, "GBP", Policy())
    assert caught.value.details[0][0] == "lines"


def test_a_discount_larger_than_the_line_is_refused():
    with pytest.raises(ValidationError) as caught:
        compute([line(1, "5", discount=("amount", "6"))], "GBP", Policy())
    assert caught.value.details == [("lines[0].discount.value", "is more than the line amount")]


def test_vat_in_base_currency_converts_each_rate_at_the_recorded_rate():
    totals = compute([line(1, "100"), line(1, "10", rate="5", category="reduced")], "EUR", Policy())
    assert vat_in_base_currency(totals.rates, D("0.8567"), "GBP") == {D(20): D("17.13"), D(5): D("0.43")}


# --- properties -------------------------------------------------------------

CURRENCIES = st.sampled_from(["GBP", "JPY", "KWD", "EUR"])
RATES = st.sampled_from([("standard", D(20)), ("reduced", D(5)), ("standard", D("17.5")),
                         ("zero", D(0)), ("exempt", D(0)), ("reverse_charge", D(0))])
POLICIES = st.builds(Policy, vat_level=st.sampled_from(["line", "invoice"]),
                     mode=st.sampled_from(["half_up", "down"]), prices_include_vat=st.booleans())


@st.composite
def lines(draw):
    category, rate = draw(RATES)
    quantity = draw(st.decimals(min_value=D("0.0001"), max_value=D(1000), places=4))
    price = draw(st.decimals(min_value=D(0), max_value=D(100000), places=4))
    discount = draw(st.sampled_from([None, "percent"]))
    value = draw(st.decimals(min_value=0, max_value=100, places=2)) if discount else D(0)
    return LineInput(quantity, price, category, rate, discount, value)


INVOICES = st.tuples(st.lists(lines(), min_size=1, max_size=12), CURRENCIES, POLICIES)


def is_money(amount, currency):
    return isinstance(amount, Decimal) and amount == amount.quantize(exponent(currency))


@settings(max_examples=1000, deadline=None)
@given(INVOICES)
def test_lines_add_up_to_the_rates_and_the_rates_to_the_totals(invoice):
    items, currency, policy = invoice
    totals = compute(items, currency, policy)
    for amounts in totals.lines:
        assert amounts.net + amounts.vat == amounts.gross
        assert all(is_money(a, currency) for a in (amounts.net, amounts.vat, amounts.gross, amounts.discount))
    for field in ("net", "vat", "gross"):
        assert sum(getattr(l, field) for l in totals.lines) == getattr(totals, field)
        assert sum(getattr(r, field) for r in totals.rates) == getattr(totals, field)
    assert totals.net + totals.vat == totals.gross


@settings(max_examples=1000, deadline=None)
@given(INVOICES)
def test_vat_per_rate_follows_the_chosen_policy(invoice):
    items, currency, policy = invoice
    totals = compute(items, currency, policy)
    rounding = ROUND_HALF_UP if policy.mode == "half_up" else ROUND_DOWN
    for rate in totals.rates:
        members = [i for i, item in enumerate(items)
                   if (item.vat_category, item.vat_rate) == (rate.vat_category, rate.vat_rate)]
        bases = [totals.lines[i].gross if policy.prices_include_vat else totals.lines[i].net for i in members]
        # Multiplied before dividing: 2.35 x 17.5 / 117.5 is 0.35 exactly, not 0.34999...
        divisor = 100 + rate.vat_rate if policy.prices_include_vat else 100
        if policy.mode == "down":
            continue  # the invoice's total is rounded once: test_down_is_hmrcs_figure_for_the_whole_invoice
        if policy.vat_level == "line":
            expected = sum(round_money(b * rate.vat_rate / divisor, currency, rounding) for b in bases)
        else:
            expected = round_money(sum(bases) * rate.vat_rate / divisor, currency, rounding)
        assert rate.vat == expected
        if rate.vat_category not in ("standard", "reduced"):
            assert rate.vat == 0


@settings(max_examples=1000, deadline=None)
@given(INVOICES)
def test_tax_inclusive_entry_of_the_same_gross_agrees_within_the_policy(invoice):
    items, currency, policy = invoice
    exclusive = compute(items, currency, Policy(policy.vat_level, policy.mode, False))
    as_inclusive = [LineInput(D(1), amounts.gross, item.vat_category, item.vat_rate)
                    for item, amounts in zip(items, exclusive.lines)]
    inclusive = compute(as_inclusive, currency, Policy(policy.vat_level, policy.mode, True))
    assert inclusive.gross == exclusive.gross
    quantum = exponent(currency)
    for before, after in zip(exclusive.rates, inclusive.rates):
        allowed = quantum * (len(items) if policy.vat_level == "line" else 1)
        assert abs(before.vat - after.vat) <= allowed


def _exact_vats(items, totals, policy):
    """Each line's exact VAT, from the amount it was priced on (net, or gross when inclusive)."""
    return [line_vat(amounts.gross if policy.prices_include_vat else amounts.net, item.vat_rate,
                     policy.prices_include_vat)
            for item, amounts in zip(items, totals.lines)]


@settings(max_examples=1000, deadline=None)
@given(INVOICES)
def test_down_is_hmrcs_figure_for_the_whole_invoice(invoice):
    """Invoice level, down: the invoice's exact VAT rounded down once (Notice 700 17.5), each
    rate's VAT its own exact VAT rounded down or up."""
    items, currency, policy = invoice
    policy = Policy("invoice", "down", policy.prices_include_vat)
    totals = compute(items, currency, policy)
    places = -exponent(currency).as_tuple().exponent
    vats = _exact_vats(items, totals, policy)
    assert exact(totals.vat) == floor_to(sum(vats), places)
    for rate in totals.rates:
        members = [v for v, item in zip(vats, items) if (item.vat_category, item.vat_rate) == (rate.vat_category,
                                                                                               rate.vat_rate)]
        assert floor_to(sum(members), places) <= exact(rate.vat) <= ceil_to(sum(members), places)


@settings(max_examples=1000, deadline=None)
@given(INVOICES)
def test_line_level_down_is_hmrcs_figure(invoice):
    """(c) VAT per line rounded down is never below HMRC's minimum (each line to 0.1p, the
    total to 1p) and never above the exact VAT, so never above the exact VAT rounded half up.
    (Not "never above per-line half up": ten lines of 0.004 are 0.04 here, 0.00 half up per line.)"""
    items, currency, policy = invoice
    policy = Policy("line", "down", policy.prices_include_vat)
    totals = compute(items, currency, policy)
    places = -exponent(currency).as_tuple().exponent
    vats = _exact_vats(items, totals, policy)
    assert exact(totals.vat) == hmrc_line_down_minimum(vats, places)  # so never below it
    assert exact(totals.vat) <= sum(vats)
    assert exact(totals.vat) <= half_up_to(sum(vats), places)


@settings(max_examples=1000, deadline=None)
@given(INVOICES)
def test_each_line_share_lies_within_its_own_exact_vat(invoice):
    """(d) Whatever the policy, a line's VAT is its own exact VAT rounded down or up."""
    items, currency, policy = invoice
    totals = compute(items, currency, policy)
    places = -exponent(currency).as_tuple().exponent
    for vat, shown in zip(_exact_vats(items, totals, policy), totals.lines):
        assert floor_to(vat, places) <= exact(shown.vat) <= ceil_to(vat, places)
