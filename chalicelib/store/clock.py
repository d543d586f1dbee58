"""Timestamps as ISO 8601 UTC strings with microseconds: they sort as they happened."""
from datetime import datetime, timezone


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
