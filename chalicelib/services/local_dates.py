"""Dates where the tenant is: "today" for a tenant (overdue, expired, timeframes, statements,
reminders) is always its date in its own time zone, never the UTC date.

`now` is the one clock these dates are read from.
"""
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Dict, Optional, Tuple
from zoneinfo import ZoneInfo

from ..domain.timeframes import resolve
from ..store.clock import now
from ..store.models import RecordItem
from .tenants import tenant_zone

# No time zone is further ahead of UTC (Pacific/Kiritimati): the first to reach each date.
_MOST_AHEAD = timedelta(hours=14)


def local_date(zone: str, at: datetime) -> date:
    return at.astimezone(ZoneInfo(zone)).date()


def today_for(tenant: RecordItem) -> date:
    """Today where the tenant is, from its record in hand."""
    return local_date(tenant.data["timezone"], now())


def tenant_today(tenant_id: str) -> date:
    """Today where the tenant is, from its id (its zone is kept per process: tenants.tenant_zones)."""
    return local_date(tenant_zone(tenant_id), now())


def latest_date(at: datetime) -> date:
    """The latest date that any time zone has reached at the instant `at`."""
    return (at.astimezone(timezone.utc) + _MOST_AHEAD).date()


def day_start(day: date, zone: str) -> datetime:
    """The instant (in UTC) a local day begins."""
    return datetime.combine(day, time(), ZoneInfo(zone)).astimezone(timezone.utc)


def tenant_timeframe(tenant_id: str, given: Dict[str, Any]) -> Tuple[Optional[date], Optional[date]]:
    """The inclusive dates of a request's `from`/`to`, or of its named `timeframe` around the
    tenant's today."""
    preset = given.get("timeframe")
    return resolve(given.get("from"), given.get("to"), preset, tenant_today(tenant_id) if preset else None)


def instants_of(start: Optional[date], end: Optional[date], zone: Optional[str]
                ) -> Tuple[Optional[datetime], Optional[datetime]]:
    """The first instant of local day `start` and the last of `end`: None for a day not given, or
    whose bound lies beyond the years a datetime holds (0001-01-01 ahead of UTC, 9999-12-31)."""
    first = last = None
    try:
        first = start and day_start(start, zone)
    except OverflowError:
        pass
    try:
        last = end and day_start(end + timedelta(days=1), zone) - timedelta(microseconds=1)
    except OverflowError:
        pass
    return first, last
