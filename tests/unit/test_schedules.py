"""Recurring schedules: month ends, intervals, ends, and daylight saving (no I/O)."""
from datetime import date, datetime, time, timezone

import pytest
from hypothesis import given, strategies as st

from chalicelib.domain.errors import ValidationError
from chalicelib.domain.schedules import Schedule, check, due_at, due_by, occurrence_date, upcoming

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
