"""When a recurring invoice falls due: occurrence dates and their instants, pure.

Occurrence n (0, 1, 2, ...) is counted from the start date, never from the
previous occurrence, so month-end clamping does not drift: monthly on the 31st
gives 31 Jan, 28 Feb (29 in a leap year), 31 Mar, 30 Apr... Each occurrence is
due at a local time of day in the tenant's time zone; zoneinfo turns that into
an instant, so daylight saving moves neither the local day nor the local time.
"""
import calendar
from datetime import date, datetime, time, timedelta, timezone
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
    count: Optional[int] = None  # at most this many occurrences


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
        problems.append(("schedule.day_of_month", f"does not apply to a {schedule.unit}ly schedule"))
    if schedule.end is not None and schedule.end < schedule.start:
        problems.append(("schedule.end", "must not be before the start"))
    if schedule.count is not None and schedule.count < 1:
        problems.append(("schedule.count", "must be at least 1"))
    try:
        ZoneInfo(schedule.time_zone)
    except Exception:  # ZoneInfo raises several types for bad keys
        problems.append(("schedule.time_zone", "must be an IANA time zone"))
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


def exists(schedule: Schedule, n: int) -> bool:
    """Whether occurrence n is within the schedule's end (by date or by count)."""
    if schedule.count is not None and n >= schedule.count:
        return False
    return schedule.end is None or occurrence_date(schedule, n) <= schedule.end


def upcoming(schedule: Schedule, first: int, limit: int) -> Iterator[int]:
    """Occurrence numbers from `first` on, at most `limit`, while the schedule lasts."""
    n = first
    while limit > 0 and exists(schedule, n):
        yield n
        n, limit = n + 1, limit - 1


def due_by(schedule: Schedule, first: int, instant: datetime) -> Iterator[int]:
    """Occurrence numbers from `first` on whose due instant has passed at `instant`."""
    n = first
    while exists(schedule, n) and due_at(schedule, n) <= instant:
        yield n
        n += 1
