"""When a recurring invoice falls due: occurrence dates and their instants, pure.

Occurrence n (0, 1, 2, ...) is counted from the start date, never from the
previous occurrence, so month-end clamping does not drift: monthly on the 31st
gives 31 Jan, 28 Feb (29 in a leap year), 31 Mar, 30 Apr... Each occurrence is
due at a local time of day in the tenant's time zone; zoneinfo turns that into
an instant, so daylight saving moves neither the local day nor the local time.

Nothing occurs before the start date: when `day_of_month` has already passed in
the start's month (start 20 March, on the 15th), occurrence 0 does not exist and
the first is occurrence 1 (15 April). The numbers of later occurrences do not
move, so stored templates and their occurrence claims keep their meaning.

`count` counts invoices generated, not occurrences: with `skip`, the occurrences
skipped do not count (`planned`).
"""
import calendar
from datetime import date, datetime, time, timedelta, timezone
from itertools import chain, islice, takewhile
from typing import Iterator, NamedTuple, Optional
from zoneinfo import ZoneInfo

from .errors import ValidationError

UNITS = ("day", "week", "month", "year")


class Schedule(NamedTuple):
    unit: str  # day, week, month or year
    interval: int  # every `interval` units, 1 or more
    start: date  # the first occurrence
    local_time: time  # when each occurrence is due, in `time_zone`
    time_zone: str
    day_of_month: Optional[int] = None  # monthly and yearly: 1-31, clamped to the month's end
    end: Optional[date] = None  # no occurrence after this date
    count: Optional[int] = None  # at most this many invoices


def check(schedule: Schedule) -> None:
    """Refuse a schedule that could never run as meant, naming the field."""
    problems = []
    if schedule.unit not in UNITS:
        problems.append(("schedule.unit", "must be one of " + ", ".join(UNITS)))
    if schedule.interval < 1:
        problems.append(("schedule.interval", "must be at least 1"))
    if schedule.day_of_month is not None and not 1 <= schedule.day_of_month <= 31:
        problems.append(("schedule.day_of_month", "must be between 1 and 31"))
    if schedule.day_of_month is not None and schedule.unit in ("day", "week"):
        problems.append(("schedule.day_of_month", f"does not apply to a schedule by the {schedule.unit}"))
    if schedule.end is not None and schedule.end < schedule.start:
        problems.append(("schedule.end", "must not be before the start"))
    if schedule.count is not None and schedule.count < 1:
        problems.append(("schedule.count", "must be at least 1"))
    try:
        ZoneInfo(schedule.time_zone)
    except Exception:  # ZoneInfo raises several types for bad keys
        problems.append(("schedule.time_zone", "must be an IANA time zone"))
    else:
        if not _within(schedule, _first(schedule, 0)):
            problems.append(("schedule.start_date", "must fall due within the years 0001 to 9999 in its time zone"))
    if problems:
        raise ValidationError(f"{problems[0][0]}: {problems[0][1]}", problems)


def occurrence_date(schedule: Schedule, n: int) -> date:
    """The local date of occurrence n (0 is the first), before any end is applied."""
    step = n * schedule.interval
    if schedule.unit == "day":
        return schedule.start + timedelta(days=step)
    if schedule.unit == "week":
        return schedule.start + timedelta(weeks=step)
    months = step if schedule.unit == "month" else 12 * step
    index = schedule.start.month - 1 + months
    year, month = schedule.start.year + index // 12, index % 12 + 1
    day = schedule.day_of_month or schedule.start.day
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def due_at(schedule: Schedule, n: int) -> datetime:
    """The UTC instant occurrence n falls due: its local date at the local time of day."""
    local = datetime.combine(occurrence_date(schedule, n), schedule.local_time, ZoneInfo(schedule.time_zone))
    return local.astimezone(timezone.utc)


def _first(schedule: Schedule, first: int) -> int:
    """`first`, or 1 where occurrence 0 would fall before the start date (a day of month already past)."""
    return 1 if first == 0 and occurrence_date(schedule, 0) < schedule.start else first


def _in_dates(schedule: Schedule, first: int) -> Iterator[int]:
    """Occurrence numbers from `first` on, from the start date to the end date (if any) or the last
    that falls due within the calendar (up to 9999-12-31)."""
    n = _first(schedule, first)
    while _within(schedule, n) and (schedule.end is None or occurrence_date(schedule, n) <= schedule.end):
        yield n
        n += 1


def _within(schedule: Schedule, n: int) -> bool:
    """Whether occurrence n's date and due instant lie within the years a datetime holds (only a
    date in the first or last year can have its instant outside them)."""
    try:
        day = occurrence_date(schedule, n)
        if 1 < day.year < 9999:
            return True
        due_at(schedule, n)
    except (OverflowError, ValueError):  # ValueError: a year past 9999 for date()
        return False
    return True


def invoices_left(schedule: Schedule, generated: int) -> Optional[int]:
    """How many more invoices `count` allows after `generated` (None: no count)."""
    return None if schedule.count is None else max(schedule.count - generated, 0)


def upcoming(schedule: Schedule, first: int, limit: int, generated: int = 0) -> Iterator[int]:
    """Occurrence numbers from `first` on, at most `limit`, while the schedule lasts."""
    left = invoices_left(schedule, generated)
    return islice(_in_dates(schedule, first), limit if left is None else min(limit, left))


def due_by(schedule: Schedule, first: int, instant: datetime) -> Iterator[int]:
    """Occurrence numbers from `first` on whose due instant has passed at `instant` (count aside)."""
    return takewhile(lambda n: due_at(schedule, n) <= instant, _in_dates(schedule, first))


def planned(schedule: Schedule, first: int, generated: int, instant: datetime, skip_missed: bool) -> Iterator[int]:
    """The occurrences to generate from `first` on, in order, as ticks from `instant` on will: those
    already due (only the latest of them when missed ones are skipped), then those to come; no more
    than `count` allows after `generated` invoices."""
    passed = list(due_by(schedule, first, instant))
    to_come = _in_dates(schedule, passed[-1] + 1 if passed else first)
    return islice(chain(passed[-1:] if skip_missed else passed, to_come), invoices_left(schedule, generated))
