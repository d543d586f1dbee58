"""Each usage record rated on arrival, or kept with the reason it cannot be.

A call is priced with the catalogue's `rate_call` against the rate card of the
subscription in force at its start (`subscriptions.subscription_at`), and lands
on that subscription's period and the tenant-local day it started. A metered
event is counted under its metric when the package held at its time prices
that metric (the billing run prices the metric's totals); one it does not price
is kept unrated with the reason, like a call no prefix matches, so it is listed
at once and counts when sent again once the package prices it.
The subscription found for an account holds for a span of time ([since,
until): its period, its card), and so does the answer that none holds (before
its start, after its end, or for an account none names), so a chunk asks once
per account and span, not once per record.
"""
from datetime import datetime, timezone, tzinfo
from decimal import Decimal
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple, Union
from zoneinfo import ZoneInfo

from ..domain.errors import ValidationError
from ..domain.rating import rate_call
from ..domain.usage_records import Call, Record, record_from

NO_SUBSCRIPTION = "no subscription for this account at that time"
NO_PREFIX = "no prefix of the rate card matches the destination"
NO_CARD = "the package held at that time has no rate card in force: it prices no calls"
NOT_PRICED = "the package held at that time does not price the metric {metric}"
_NONE_SLOT_SECONDS = 900  # every time zone's offset is a whole number of quarter hours


class Rated(NamedTuple):
    record: Record
    subscription_id: str
    period_start: str  # YYYY-MM-DD
    day: str  # tenant-local date of the call start (or event time)
    key: str  # the destination's prefix, or the event's metric
    name: str  # the destination's name, or the metric
    seconds: int = 0  # billable
    micros: int = 0
    quantity: Decimal = Decimal(0)  # events only

    @property
    def is_call(self) -> bool:
        return isinstance(self.record, Call)


class Unrated(NamedTuple):
    id: str
    reason: str
    field: Optional[str] = None  # the field at fault, when one is
    fields: Dict[str, Any] = {}  # the record as given
    line: Optional[int] = None  # its line in a file


Outcome = Union[Rated, Unrated]


class NotHeld(NamedTuple):
    """A lookup's answer: no subscription of the account holds any instant of [since, until)."""
    since: datetime
    until: datetime


# subscription_or_gap(tenant_id, account, at): the subscription held at `at` (with the span [since,
# until) in which the same answer holds), NotHeld, or None (not known for how long: asked again a
# quarter hour on)
Lookup = Callable[[str, str, datetime], Any]


def default_lookup() -> Lookup:
    from .subscriptions import subscription_or_gap

    return subscription_or_gap


class Rater:
    """Rates one tenant's records; remembers the subscriptions it found (one chunk's worth)."""

    def __init__(self, tenant_id: str, lookup: Optional[Lookup] = None):
        self.tenant_id = tenant_id
        self.lookup = lookup or default_lookup()
        self._spans: Dict[str, List[Tuple[datetime, datetime, Any]]] = {}
        self._none: Dict[Tuple[str, int], bool] = {}
        self._zones: Dict[str, ZoneInfo] = {}

    def rate_fields(self, fields: Dict[str, Any], line: Optional[int] = None, zone: Optional[tzinfo] = None) -> Outcome:
        """A record from plain fields (a file row): rated, or why not (`zone`: see record_from)."""
        try:
            record = record_from(fields, zone)
        except ValidationError as error:
            problem_field, message = error.details[0]
            return Unrated(str(fields.get("id") or ""), f"{problem_field} {message}", problem_field, fields, line)
        return self.rate(record, fields, line)

    def rate(self, record: Record, fields: Dict[str, Any], line: Optional[int] = None) -> Outcome:
        found = self._subscription(record.account, record.at)
        if found is None:
            return Unrated(record.id, NO_SUBSCRIPTION, None, fields, line)
        day = record.at.astimezone(self._zone(found.time_zone)).date().isoformat()
        if not isinstance(record, Call):
            if record.metric not in found.metrics:
                return Unrated(record.id, NOT_PRICED.format(metric=record.metric), "metric", fields, line)
            return Rated(record, found.subscription_id, found.period_start, day, record.metric, record.metric,
                         quantity=record.quantity)
        if found.card is None:
            return Unrated(record.id, NO_CARD, None, fields, line)
        try:
            rated = rate_call(record.destination, record.duration, found.card)
        except ValidationError as error:
            problem_field = "destination" if error.details[0][0] == "number" else error.details[0][0]
            return Unrated(record.id, f"{problem_field} {error.details[0][1]}", problem_field, fields, line)
        if rated is None:
            return Unrated(record.id, NO_PREFIX, "destination", fields, line)
        return Rated(record, found.subscription_id, found.period_start, day, rated.prefix, rated.destination,
                     rated.billable_seconds, rated.amount_micros)

    def _subscription(self, account: str, at: datetime) -> Any:
        for since, until, found in self._spans.get(account, ()):
            if since <= at < until:
                return found
        slot = (account, int(at.timestamp()) // _NONE_SLOT_SECONDS)
        if slot in self._none:
            return None
        found = self.lookup(self.tenant_id, account, at.astimezone(timezone.utc))
        if found is None:
            self._none[slot] = True
            return None
        held = None if isinstance(found, NotHeld) else found
        self._spans.setdefault(account, []).append((found.since, found.until, held))
        return held

    def _zone(self, name: str) -> ZoneInfo:
        zone = self._zones.get(name)
        if zone is None:
            zone = self._zones[name] = ZoneInfo(name)
        return zone
