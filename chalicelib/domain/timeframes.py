"""Timeframe filters: explicit from/to dates, or a named preset relative to today."""
from datetime import date, timedelta
from typing import Optional, Tuple

from .errors import invalid

PRESETS = ("this_month", "last_month", "this_quarter", "this_year", "last_year")


def preset_range(preset: str, today: date) -> Tuple[date, date]:
    """First and last day (inclusive) of a named period containing or before `today`."""
    if preset == "this_month":
        return today.replace(day=1), _month_end(today)
    if preset == "last_month":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if preset == "this_quarter":
        first_month = 3 * ((today.month - 1) // 3) + 1
        start = date(today.year, first_month, 1)
        return start, _month_end(date(today.year, first_month + 2, 1))
    if preset == "this_year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if preset == "last_year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    raise ValueError(preset)


def resolve(start: Optional[date], end: Optional[date], preset: Optional[str],
            today: date) -> Tuple[Optional[date], Optional[date]]:
    """The inclusive date range a list is filtered on."""
    if preset:
        if start or end:
            raise invalid("timeframe", "cannot be combined with from or to")
        return preset_range(preset, today)
    if start and end and end < start:
        raise invalid("to", "must not be before from")
    return start, end


def _month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)
