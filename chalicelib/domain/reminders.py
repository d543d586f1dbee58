"""Overdue reminders: on the days after the due date that the tenant chose, once each."""
from datetime import date, timedelta
from typing import Iterable, List, Optional


def reminders_due(due: date, days: Iterable[int], sent: Iterable[int], today: date) -> List[int]:
    """The reminder days that have come and not been sent (several, if the tick was down)."""
    return sorted(d for d in _left(days, sent) if _came(_day(due, d), today))


def next_reminder_on(due: date, days: Iterable[int], sent: Iterable[int]) -> Optional[date]:
    later = [day for day in (_day(due, d) for d in _left(days, sent)) if day]
    return min(later) if later else None


def _came(day: Optional[date], today: date) -> bool:
    return day is not None and day <= today


def _day(due: date, days_after: int) -> Optional[date]:
    """The reminder's date; None past the calendar's last day (it never comes)."""
    try:
        return due + timedelta(days=days_after)
    except OverflowError:
        return None


def _left(days: Iterable[int], sent: Iterable[int]) -> set:
    """Stored numbers come back as Decimal: compare them as ints."""
    return {int(d) for d in days} - {int(d) for d in sent}
