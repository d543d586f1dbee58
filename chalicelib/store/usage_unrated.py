"""Usage records that could not be rated, kept with the reason, listed for the tenant to fix.

    T#<t>#USAGEUNRATED   <record id>        (or ~<file id>#<line> for a file row without an id)

One item per record, put by its id: the same record unrated again (a batch or a
file sent twice, a chunk run twice) is the same item, so the list holds it once.
Unrated records are few (a missing subscription, a number no prefix matches);
they are written before the chunk's totals commit, so a worker stopped between
the two loses none of them. Sent again once fixed, a record is rated and counted
like any other (only rated records enter the sets of ids seen).
"""
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Optional, Tuple

from pynamodb.attributes import UnicodeAttribute

from . import keys
from .attributes import ExactNumber, RecordAttribute
from .clock import now, stamp
from .models import Item
from .pagination import decode_cursor, encode_cursor

QUANTITY = "quantity"  # a metered event's, an exact decimal


class UnratedItem(Item):
    record_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute()
    field = UnicodeAttribute(null=True)
    record = RecordAttribute()  # the record's fields as given
    source = UnicodeAttribute()  # "api", or the file id
    line = ExactNumber(null=True)
    at = UnicodeAttribute()


def unrated_pk(tenant_id: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}USAGEUNRATED"


def keep_unrated(tenant_id: str, source: str, unrated: Iterable[Any]) -> int:
    """Put each unrated record (services.usage_rating.Unrated) by its id; returns how many were given.
    A record given twice (one id twice in a batch) is put once: a batch write refuses a key twice."""
    at, by_key, count = stamp(now()), {}, 0
    for record in unrated:
        by_key[record.id or f"~{source}#{record.line}"] = record
        count += 1
    with UnratedItem.batch_write() as batch:
        for sk, record in by_key.items():
            batch.save(UnratedItem(unrated_pk(tenant_id), sk, record_id=record.id or None, reason=record.reason,
                                   field=record.field, record=_plain(record.fields), source=source,
                                   line=record.line, at=at))
    return count


def _plain(fields: Dict[str, Any]) -> Dict[str, Any]:
    """The fields as given, blanks left out (a stored map takes no empty strings in sets); a quantity
    as its decimal string ("2.50": DynamoDB would store the number 2.5)."""
    return {name: str(value) if name == QUANTITY and isinstance(value, Decimal) else value
            for name, value in fields.items() if value not in (None, "")}


def _shown_record(record: Dict[str, Any]) -> Dict[str, Any]:
    """The record as given. Its quantity is a decimal string, as the API shows every quantity (items kept
    before _plain wrote strings hold a number)."""
    return {name: str(value) if name == QUANTITY and isinstance(value, Decimal) else _shown(value)
            for name, value in record.items()}


def _shown(value: Any) -> Any:
    """JSON as given: numbers come back from the table as Decimal (a whole one, such as duration_seconds,
    is shown as a number)."""
    if isinstance(value, dict):
        return {name: _shown(v) for name, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    return value


def list_unrated(tenant_id: str, limit: int, cursor: Optional[str]) -> Tuple[List[Dict[str, Any]], Optional[str]]:
    partition = unrated_pk(tenant_id)
    start = decode_cursor(cursor, {"PK": partition}) if cursor else None
    results = UnratedItem.query(partition, limit=limit, last_evaluated_key=start, consistent_read=True)
    items = [{"id": item.record_id, "reason": item.reason, "field": item.field, "record": _shown_record(item.record),
              "source": item.source, "line": int(item.line) if item.line is not None else None,
              "received_at": item.at} for item in results]
    return items, encode_cursor(results.last_evaluated_key)
