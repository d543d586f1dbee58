"""Usage records, pure: call detail records and metered events, read from plain fields.

The API and the CSV files give the same fields (strings, or numbers from JSON);
`record_from` checks them and raises ValidationError naming the field, so an API
batch answers 400 with `records[i].<field>` and a file row keeps the reason.
A record's `id` is what makes it once: the same id delivered again is the same
record. Times must carry their offset (`2026-03-01T10:00:00+00:00`, or `Z`).
"""
import hashlib
import re
from datetime import datetime, tzinfo
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, NamedTuple, Optional, Union

from .errors import invalid
from .usage_terms import DIRECTIONS, MAX_DURATION

CALL, EVENT = "call", "event"
MAX_TEXT = 100
METRIC = re.compile(r"[A-Za-z0-9_.\-]{1,64}")


class Call(NamedTuple):
    id: str
    account: str  # the customer's id or its subscription's account reference
    start: datetime  # aware
    duration: int  # seconds
    destination: str  # the dialled number as given
    direction: str = "outbound"
    caller: Optional[str] = None
    trunk: Optional[str] = None

    @property
    def at(self) -> datetime:
        return self.start


class Event(NamedTuple):
    id: str
    account: str
    metric: str
    quantity: Decimal
    at: datetime
    properties: Dict[str, Any] = {}


Record = Union[Call, Event]


def record_from(fields: Dict[str, Any], zone: Optional[tzinfo] = None) -> Record:
    """A call, or an event when `metric` is given. Raises ValidationError naming the field.
    `zone`: the time zone of times without an offset (a switch's file); None: an offset is required."""
    record_id, account = _text(fields, "id", True), _text(fields, "account", True)
    if fields.get("metric") not in (None, ""):
        metric = _text(fields, "metric", True)
        if not METRIC.fullmatch(metric):
            raise invalid("metric", "must be letters, digits, '_', '-' or '.'")
        return Event(record_id, account, metric, _quantity(fields.get("quantity")),
                     parse_time(fields.get("time") or fields.get("start"), "time", zone), fields.get("properties") or {})
    direction = fields.get("direction") or "outbound"
    if direction not in DIRECTIONS:
        direction = (_text(fields, "direction", False) or "outbound").lower()
    if direction not in DIRECTIONS:
        raise invalid("direction", "must be outbound or inbound")
    return Call(record_id, account, parse_time(fields.get("start"), "start", zone),
                _duration(fields.get("duration_seconds")), _text(fields, "destination", True), direction,
                _text(fields, "caller", False), _text(fields, "trunk", False))


def _text(fields: Dict[str, Any], name: str, required: bool) -> Optional[str]:
    value = fields.get(name)
    if value.__class__ is str and 0 < len(value) <= MAX_TEXT and value == value.strip():
        return value  # the usual case, checked at once
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise invalid(name, "is required")
        return None
    if not isinstance(value, str):
        raise invalid(name, "must be a string")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise invalid(name, f"must be at most {MAX_TEXT} characters")
    return value


def parse_time(value: Any, name: str, zone: Optional[tzinfo] = None) -> datetime:
    if not isinstance(value, str) or not value.strip():
        raise invalid(name, "is required: a date and time with its offset, such as 2026-03-01T10:00:00+00:00")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        parsed = None
    if parsed is not None and parsed.tzinfo is None and zone is not None:
        parsed = parsed.replace(tzinfo=zone)
    if parsed is None or parsed.tzinfo is None:
        raise invalid(name, "must be a date and time with its offset, such as 2026-03-01T10:00:00+00:00")
    return parsed


def _duration(value: Any) -> int:
    if value.__class__ is str and len(value) < 6 and value.isascii() and value.isdigit():
        return int(value)  # the usual case: 0 to 99,999 seconds
    if isinstance(value, str) and value.strip().isascii() and value.strip().lstrip("-").isdigit():
        value = int(value.strip())
    elif isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        value = int(value)
    if value is None or value == "":
        raise invalid("duration_seconds", "is required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid("duration_seconds", "must be a whole number of seconds")
    if value < 0:
        raise invalid("duration_seconds", "must not be negative")
    if value > MAX_DURATION:
        raise invalid("duration_seconds", f"must be at most {MAX_DURATION} (a week)")
    return value


def _quantity(value: Any) -> Decimal:
    try:
        quantity = Decimal(value.strip()) if isinstance(value, str) else value
    except InvalidOperation:
        quantity = None
    if isinstance(quantity, int) and not isinstance(quantity, bool):
        quantity = Decimal(quantity)
    if not isinstance(quantity, Decimal) or not quantity.is_finite() or quantity.adjusted() > 15:
        raise invalid("quantity", "must be a number, such as 12 or 0.5")
    if quantity < 0:
        raise invalid("quantity", "must not be negative")
    return quantity + 0


def id_digest(record_id: str) -> bytes:
    """8 bytes standing for a record id in the sets of ids seen (two ids of one subscription's day
    share them with a chance of 1 in 2^64 per pair)."""
    return hashlib.blake2b(record_id.encode(), digest_size=8).digest()
