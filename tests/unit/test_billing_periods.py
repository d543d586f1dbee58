"""A subscription's billing periods (no I/O): anchors, month ends, ends, due instants in the tenant's zone."""
from datetime import date, datetime, timezone

import pytest

from chalicelib.domain.billing_periods import Plan, anchor, due_at, held, last_period, period, period_index
from chalicelib.domain.usage_lines import Period


def monthly(start, day=None, end=None, interval=1, zone="Europe/London"):
    return Plan("month", interval, start, day, zone, end)


@pytest.mark.parametrize("plan, first", [
    (monthly(date(2026, 3, 15), 1), date(2026, 3, 1)),
    (monthly(date(2026, 3, 15)), date(2026, 3, 15)),  # no billing day: the start's
    (monthly(date(2026, 3, 15), 20), date(2026, 2, 20)),
    (monthly(date(2026, 3, 15), 31), date(2026, 2, 28)),
    (monthly(date(2026, 1, 10), 15), date(2025, 12, 15)),
    (Plan("year", 1, date(2026, 3, 15), 20, "Europe/London"), date(2025, 3, 20)),
    (Plan("week", 2, date(2026, 3, 15), None, "Europe/London"), date(2026, 3, 15))])
def test_the_first_period_starts_at_the_billing_day_on_or_before_the_start(plan, first):
    assert anchor(plan) == first


def test_monthly_periods_on_the_31st_follow_each_month_end():
    plan = monthly(date(2026, 1, 31), 31)
    assert [period(plan, n) for n in range(3)] == [
        Period(date(2026, 1, 31), date(2026, 2, 27)), Period(date(2026, 2, 28), date(2026, 3, 30)),
        Period(date(2026, 3, 31), date(2026, 4, 29))]


def test_a_quarter_is_three_months():
    assert period(monthly(date(2026, 1, 1), 1, interval=3), 1) == Period(date(2026, 4, 1), date(2026, 6, 30))


def test_which_period_holds_a_day_and_the_days_held():
    plan = monthly(date(2026, 3, 15), 1, end=date(2026, 5, 20))
    assert [period_index(plan, d) for d in (date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 31),
                                            date(2026, 4, 1), date(2026, 5, 20), date(2026, 5, 21))] == [
        None, 0, 0, 1, 2, None]
    assert last_period(plan) == 2 and last_period(monthly(date(2026, 3, 15))) is None
    assert held(plan, 0) == (date(2026, 3, 15), date(2026, 3, 31))
    assert held(plan, 1) == (date(2026, 4, 1), date(2026, 4, 30))
    assert held(plan, 2) == (date(2026, 5, 1), date(2026, 5, 20))


def test_a_period_is_billed_at_the_tenants_midnight_after_it():
    # March ends at midnight London time on 1 April, which is BST: 23:00 UTC on 31 March
    assert due_at(monthly(date(2026, 3, 1), 1), 0) == datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)
    assert due_at(monthly(date(2026, 1, 1), 1), 0) == datetime(2026, 2, 1, 0, 0, tzinfo=timezone.utc)
    auckland = monthly(date(2026, 3, 1), 1, zone="Pacific/Auckland")  # NZDT (UTC+13) until 5 April
    assert due_at(auckland, 0) == datetime(2026, 3, 31, 11, 0, tzinfo=timezone.utc)
