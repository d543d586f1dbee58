"""When a schedule expression next fires, in UTC, well enough for a dev pump.

Supported:
- rate(N minute|minutes|hour|hours|day|days): fires on multiples of the period
  counted from the Unix epoch (rate(5 minutes) at :00, :05, ...), not from when
  the rule was created as in AWS.
- cron(minutes hours day-of-month month day-of-week year): the minutes and hours
  fields take `*`, `?`, `N`, `A-B`, lists `A,B` and steps `*/S`, `A/S`, `A-B/S`.
  The other four fields are ignored (treated as `*`), so a weekly or monthly cron
  fires every day locally.
"""
import re
from typing import Set

_RATE = re.compile(r"rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_CRON = re.compile(r"cron\((.+)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}
_DAY_MINUTES = 24 * 60


def next_fire_time(expression: str, after: float) -> float:
    """The first firing strictly after `after` (both Unix timestamps)."""
    expression = expression.strip()
    rate = _RATE.match(expression)
    if rate:
        period = int(rate.group(1)) * _UNIT_SECONDS[rate.group(2).rstrip("s")]
        return (after // period + 1) * period
    cron = _CRON.match(expression)
    if cron:
        return _next_cron_minute(cron.group(1).split(), after)
    raise ValueError(f"unsupported schedule expression: {expression!r}")


def _next_cron_minute(fields: list, after: float) -> float:
    if len(fields) != 6:
        raise ValueError(f"a cron expression has 6 fields, got {fields!r}")
    minutes = _field_values(fields[0], 0, 59)
    hours = _field_values(fields[1], 0, 23)
    start = int(after // 60) + 1
    for minute in range(start, start + _DAY_MINUTES):
        if minute % 60 in minutes and (minute // 60) % 24 in hours:
            return minute * 60.0
    raise ValueError(f"cron fields {fields[:2]!r} never match")


def _field_values(field: str, low: int, high: int) -> Set[int]:
    values: Set[int] = set()
    for part in field.split(","):
        span, _, step = part.partition("/")
        if span in ("*", "?"):
            first, last = low, high
        elif "-" in span:
            first, last = (int(v) for v in span.split("-"))
        else:
            first = int(span)
            last = high if step else first
        values.update(range(first, last + 1, int(step) if step else 1))
    return values
