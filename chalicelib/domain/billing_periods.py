"""A subscription's billing periods, pure.

Periods follow the package's interval (every N days, weeks, months or years, as
recurring invoices: domain/schedules.py) from an anchor: the subscription's
start, or for months and years the last billing day (`day_of_month`, clamped
to the month's end) on or before the start. So a subscription from 15 March
billed on the 1st has a first period 1-31 March, held 15-31 March (prorated).
Period n runs from its start to the day before period n + 1 starts; it is
billed when it ends: at the local midnight (tenant's time zone) starting
period n + 1. The last period is the one holding the subscription's end date.
"""
import calendar
from datetime import date, datetime, time, timedelta
from typing import NamedTuple, Optional, Tuple

from . import schedules
from .usage_lines import Period


class Plan(NamedTuple):
    unit: str  # day, week, month or year
    interval: int
    start: date  # the first day subscribed
    day_of_month: Optional[int]  # the billing day (months and years); None: the start's day
    time_zone: str
    end: Optional[date] = None  # the last day subscribed


def _on_day(year: int, month: int, day: int) -> date:
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def anchor(plan: Plan) -> date:
    if plan.unit in ("day", "week") or not plan.day_of_month:
        return plan.start
    candidate = _on_day(plan.start.year, plan.start.month, plan.day_of_month)
    if candidate <= plan.start:
        return candidate
    if plan.unit == "year":
        return _on_day(plan.start.year - 1, plan.start.month, plan.day_of_month)
    year, month = (plan.start.year, plan.start.month - 1) if plan.start.month > 1 else (plan.start.year - 1, 12)
    return _on_day(year, month, plan.day_of_month)


def _schedule(plan: Plan) -> schedules.Schedule:
    by_day = plan.unit in ("day", "week")
    return schedules.Schedule(plan.unit, plan.interval, anchor(plan), time(0, 0), plan.time_zone,
                              day_of_month=None if by_day else (plan.day_of_month or plan.start.day))


def period(plan: Plan, n: int) -> Period:
    schedule = _schedule(plan)
    return Period(schedules.occurrence_date(schedule, n), schedules.occurrence_date(schedule, n + 1) - timedelta(1))


def period_index(plan: Plan, day: date) -> Optional[int]:
    """The number of the period holding `day`, or None when the subscription does not hold it."""
    if day < plan.start or (plan.end is not None and day > plan.end):
        return None
    schedule, n = _schedule(plan), 0
    while schedules.occurrence_date(schedule, n + 1) <= day:
        n += 1
    return n


def last_period(plan: Plan) -> Optional[int]:
    return None if plan.end is None else period_index(plan, plan.end)


def held(plan: Plan, n: int) -> Tuple[date, date]:
    """The days of period n the subscription holds."""
    whole = period(plan, n)
    return max(whole.start, plan.start), min(whole.end, plan.end) if plan.end else whole.end


def due_at(plan: Plan, n: int) -> datetime:
    """When period n is billed: the instant (UTC) period n + 1 starts where the tenant is."""
    return schedules.due_at(_schedule(plan), n + 1)
