"""Timestamps as ISO 8601 UTC strings with microseconds: they sort as they happened."""
from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    # isoformat, not strftime: %Y leaves years before 1000 unpadded, out of sort order.
    return moment.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def due_stamp(moment: datetime) -> str:
    """To the second, as the due-time index's keys and the ticks' bounds on them are written."""
    return moment.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0).isoformat() + "Z"
