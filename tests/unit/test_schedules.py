"""Recurring schedules: month ends, intervals, ends, and daylight saving (no I/O)."""
import calendar
from datetime import date, datetime, time, timedelta, timezone
from itertools import islice

import pytest
from hypothesis import given, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.schedules import (Schedule, check, due_at, due_by, occurrence_date, planned,
                                         upcoming)

LONDON, AUCKLAND = "Europe/London", "Pacific/Auckland"


def monthly(start, **extra):
    return Schedule("month", 1, start, time(9, 0), LONDON, **extra)


def dates(schedule, count):
    return [occurrence_date(schedule, n) for n in upcoming(schedule, 0, count)]


def test_monthly_on_the_31st_clamps_to_each_month_end_without_drifting():
    assert dates(monthly(date(2026, 1, 31)), 6) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
        date(2026, 6, 30)]
    assert occurrence_date(monthly(date(2027, 12, 31)), 2) == date(2028, 2, 29)


def test_a_day_of_month_other_than_the_start_day():
    assert dates(monthly(date(2026, 1, 5), day_of_month=31), 3) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]


@pytest.mark.parametrize("unit, interval, expected", [
    ("day", 10, [date(2026, 1, 30), date(2026, 2, 9), date(2026, 2, 19)]),
    ("week", 2, [date(2026, 1, 30), date(2026, 2, 13), date(2026, 2, 27)]),
    ("month", 3, [date(2026, 1, 30), date(2026, 4, 30), date(2026, 7, 30)]),
    ("year", 1, [date(2026, 1, 30), date(2027, 1, 30), date(2028, 1, 30)]),
])
def test_every_n_days_weeks_months_or_years(unit, interval, expected):
    assert dates(Schedule(unit, interval, date(2026, 1, 30), time(9), LONDON), 3) == expected


def test_yearly_from_29_february_falls_on_28_february():
    assert occurrence_date(Schedule("year", 1, date(2024, 2, 29), time(9), LONDON), 1) == date(2025, 2, 28)


def test_a_schedule_ends_by_date_or_after_a_count():
    assert dates(monthly(date(2026, 1, 31), end=date(2026, 4, 29)), 12) == [
        date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
    assert len(dates(monthly(date(2026, 1, 31), count=4), 12)) == 4


def test_the_local_time_holds_across_both_daylight_saving_changes_in_london():
    schedule = monthly(date(2026, 2, 28), day_of_month=28)
    # 09:00 in London is 09:00 UTC in winter and 08:00 UTC in summer.
    assert due_at(schedule, 0) == datetime(2026, 2, 28, 9, 0, tzinfo=timezone.utc)
    assert due_at(schedule, 1) == datetime(2026, 3, 28, 9, 0, tzinfo=timezone.utc)  # clocks change on the 29th
    assert due_at(schedule, 2) == datetime(2026, 4, 28, 8, 0, tzinfo=timezone.utc)
    assert due_at(schedule, 8) == datetime(2026, 10, 28, 9, 0, tzinfo=timezone.utc)


def test_auckland_occurrences_fall_on_the_local_day_even_when_utc_is_the_day_before():
    schedule = Schedule("month", 1, date(2026, 1, 31), time(0, 30), AUCKLAND)
    assert due_at(schedule, 0) == datetime(2026, 1, 30, 11, 30, tzinfo=timezone.utc)  # NZDT, UTC+13
    assert due_at(schedule, 5) == datetime(2026, 6, 29, 12, 30, tzinfo=timezone.utc)  # NZST, UTC+12
    assert occurrence_date(schedule, 5) == date(2026, 6, 30)


def test_due_by_lists_every_occurrence_whose_instant_has_passed():
    schedule = monthly(date(2026, 1, 31))
    # 31 March is in British Summer Time: 09:00 local is 08:00 UTC.
    assert list(due_by(schedule, 0, datetime(2026, 3, 31, 7, 59, tzinfo=timezone.utc))) == [0, 1]
    assert list(due_by(schedule, 0, datetime(2026, 3, 31, 8, 0, tzinfo=timezone.utc))) == [0, 1, 2]
    assert list(due_by(schedule, 2, datetime(2026, 3, 1, tzinfo=timezone.utc))) == []


@pytest.mark.parametrize("schedule, field", [
    (Schedule("month", 0, date(2026, 1, 1), time(9), LONDON), "schedule.interval"),
    (Schedule("fortnight", 1, date(2026, 1, 1), time(9), LONDON), "schedule.unit"),
    (Schedule("month", 1, date(2026, 1, 1), time(9), LONDON, day_of_month=32), "schedule.day_of_month"),
    (Schedule("week", 1, date(2026, 1, 1), time(9), LONDON, day_of_month=3), "schedule.day_of_month"),
    (Schedule("month", 1, date(2026, 5, 1), time(9), LONDON, end=date(2026, 4, 1)), "schedule.end"),
    (Schedule("month", 1, date(2026, 1, 1), time(9), "Mars/Olympus"), "schedule.time_zone"),
    (Schedule("month", 1, date(2026, 1, 1), time(9), LONDON, count=0), "schedule.count"),
])
def test_schedules_that_cannot_run_are_refused_with_the_field(schedule, field):
    with pytest.raises(ValidationError) as caught:
        check(schedule)
    assert field in dict(caught.value.details)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 31),
       st.integers(1, 12), st.integers(0, 300))
def test_monthly_occurrences_keep_their_day_or_the_month_end(start, day, interval, n):
    schedule = Schedule("month", interval, start, time(9), LONDON, day_of_month=day)
    when = occurrence_date(schedule, n)
    months = start.month - 1 + n * interval
    assert (when.year, when.month) == (start.year + months // 12, months % 12 + 1)
    assert when.day == day or (when.day < day and (when + (date(2000, 1, 2) - date(2000, 1, 1))).day == 1)


# No occurrence before the start date (issue 12 item 10). The README: a schedule repeats "from
# `start_date`", monthly and yearly ones on `day_of_month` clamped to the month's end.

def test_a_day_of_month_already_past_in_the_start_month_first_falls_in_the_next_period():
    assert dates(monthly(date(2028, 3, 20), day_of_month=15), 3) == [
        date(2028, 4, 15), date(2028, 5, 15), date(2028, 6, 15)]
    yearly = Schedule("year", 1, date(2028, 3, 20), time(9), LONDON, day_of_month=15)
    assert dates(yearly, 2) == [date(2029, 3, 15), date(2030, 3, 15)]
    quarterly = Schedule("month", 3, date(2028, 3, 20), time(9), LONDON, day_of_month=15)
    assert dates(quarterly, 2) == [date(2028, 6, 15), date(2028, 9, 15)]


def test_nothing_falls_due_before_the_start_date():
    schedule = monthly(date(2028, 3, 20), day_of_month=15)
    assert list(due_by(schedule, 0, datetime(2028, 4, 14, tzinfo=timezone.utc))) == []
    assert [occurrence_date(schedule, n) for n in due_by(schedule, 0, datetime(2028, 4, 16, tzinfo=timezone.utc))] \
        == [date(2028, 4, 15)]


def test_a_start_on_the_day_of_month_or_on_its_clamped_month_end_is_the_first_occurrence():
    assert dates(monthly(date(2028, 3, 15), day_of_month=15), 1) == [date(2028, 3, 15)]
    assert dates(monthly(date(2028, 2, 29), day_of_month=31), 2) == [date(2028, 2, 29), date(2028, 3, 31)]


def _month_days(start, day):
    """Independent oracle: every day from the start on that is the (clamped) day of its month."""
    when = start
    while True:
        if when.day == min(day, calendar.monthrange(when.year, when.month)[1]):
            yield when
        when += timedelta(days=1)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 31))
def test_monthly_occurrences_are_the_matching_days_from_the_start_on(start, day):
    assert dates(monthly(start, day_of_month=day), 4) == list(islice(_month_days(start, day), 4))


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)), st.integers(1, 31),
       st.sampled_from(["month", "year"]), st.integers(1, 12))
def test_no_occurrence_is_before_the_start(start, day, unit, interval):
    assert all(when >= start for when in dates(Schedule(unit, interval, start, time(9), LONDON,
                                                        day_of_month=day), 3))


# `count` counts invoices, and the plan is what will be generated (issue 12 item 10). The README:
# a schedule "ends on `end_date` or after `count` invoices"; `missed: skip` skips all the
# occurrences that fell due meanwhile "but the latest".

def _plan(schedule, first, generated, as_of, skip, limit=24):
    return [occurrence_date(schedule, n) for n in islice(planned(schedule, first, generated, as_of, skip), limit)]


MONTH_ENDS = [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31),
              date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31),
              date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31), date(2027, 2, 28)]


def test_skipped_occurrences_do_not_count_towards_the_count():
    schedule = monthly(date(2026, 1, 31), count=12)
    # Five invoices (January to May), then paused over June and July, resumed on 1 August:
    # June is skipped, July (the latest missed) is billed, and seven more make twelve.
    resumed = datetime(2026, 8, 1, tzinfo=timezone.utc)
    plan = _plan(schedule, 5, 5, resumed, skip=True)
    assert plan == MONTH_ENDS[6:13] and len(plan) == 12 - 5


def test_generating_each_missed_occurrence_counts_each():
    schedule = monthly(date(2026, 1, 31), count=12)
    assert _plan(schedule, 5, 5, datetime(2026, 8, 1, tzinfo=timezone.utc), skip=False) == MONTH_ENDS[5:12]


def test_the_plan_of_a_template_with_nothing_missed_is_its_upcoming_dates():
    schedule = monthly(date(2026, 1, 31), count=12)
    before = datetime(2026, 1, 1, tzinfo=timezone.utc)
    assert _plan(schedule, 0, 0, before, skip=True) == _plan(schedule, 0, 0, before, skip=False) == MONTH_ENDS[:12]


def test_the_plan_keeps_to_the_end_date_and_to_the_invoices_left():
    ends_in_april = monthly(date(2026, 1, 31), end=date(2026, 4, 30), count=12)
    assert _plan(ends_in_april, 1, 1, datetime(2026, 1, 1, tzinfo=timezone.utc), skip=False) == MONTH_ENDS[1:4]
    assert _plan(monthly(date(2026, 1, 31), count=3), 7, 3, datetime(2026, 1, 1, tzinfo=timezone.utc), True) == []
    # With skip, the latest missed occurrence is billed even when only one invoice is left.
    last_one = monthly(date(2026, 1, 31), count=3)
    assert _plan(last_one, 2, 2, datetime(2026, 6, 1, tzinfo=timezone.utc), skip=True) == [date(2026, 5, 31)]


def test_the_plan_starts_on_or_after_the_start_date():
    schedule = monthly(date(2028, 3, 20), day_of_month=15, count=2)
    assert _plan(schedule, 0, 0, datetime(2028, 3, 21, tzinfo=timezone.utc), skip=True) == [
        date(2028, 4, 15), date(2028, 5, 15)]
