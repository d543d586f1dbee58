"""Running usage totals per subscription, period, day and destination (or metric).

    T#<t>#USAGE#<sub>#<period_start>  PERIOD         writes: chunks that added to the period; billed_invoice;
                                                     days: the days they added to, dated_writes: the chunks
                                                     that named theirs there (all, unless some came before)
    T#<t>#USAGE#<sub>#<period_start>  DAY#<day>      c#<prefix> calls, s#<prefix> billable seconds,
                                                     m#<prefix> micros, n#<prefix> destination name;
                                                     e#<metric> events, q#<metric> quantity;
                                                     p#<part> the CSV parts in S3 holding the records added
    T#<t>#USAGE#<sub>#<period_start>  LATE#<day>     the same, for records of periods billed already that
                                                     arrived after <period_start> (the last billed) was billed
    T#<t>#USAGE#<sub>                 BILLED         last: the last period billed; late_writes

Numbers are DynamoDB numbers ADDed in the chunk's transaction (exact: integers
and decimals to 38 digits) and read back as int or Decimal, never float. A chunk
adds to the PERIOD item on condition it is not billed; the billing run marks it
billed on condition `writes` (and the subscription's `late_writes`) are what it
read, so no chunk commits between the run's read and its invoice unseen: either
it is on the invoice, or it goes to the late totals of the next one.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from boto3.dynamodb.types import TypeDeserializer
from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.expressions.operand import Path

from .. import config
from ..domain.errors import ConcurrentUpdate
from . import keys
from .attributes import ExactNumber
from .models import Item, connection
from .reads import Snapshot
from .unit_of_work import Writes

PERIOD_SK, POINTER_SK = "PERIOD", "BILLED"
DAY, LATE = "DAY#", "LATE#"
_deserializer = TypeDeserializer()
_days_ahead: Dict[str, Tuple[int, List[Dict[str, Any]]]] = {}  # period's pk: (its writes as read before, days)


class UsagePeriodItem(Item):
    writes = ExactNumber(null=True)
    billed_invoice = UnicodeAttribute(null=True)
    days = UnicodeSetAttribute(null=True)
    dated_writes = ExactNumber(null=True)


class UsagePointerItem(Item):
    last = UnicodeAttribute(null=True)
    late_writes = ExactNumber(null=True)


class UsageDayItem(Item):
    """Totals of one day; its attributes are named by destination prefix or metric (see above)."""


@dataclass(frozen=True)
class UsageTotal:
    destination: str
    prefix: str
    day: str
    calls: int
    seconds: int
    amount_micros: int


@dataclass(frozen=True)
class MetricTotal:
    metric: str
    day: str
    events: int
    quantity: Decimal


@dataclass(frozen=True)
class Seen:
    """What the billing run read; marking the period billed is conditioned on it."""
    writes: int
    late_writes: int
    last: Optional[str]


@dataclass(frozen=True)
class UsageToBill:
    totals: List[UsageTotal]
    late: List[UsageTotal]  # records of billed periods that came after them: the labelled adjustment
    metrics: List[MetricTotal]
    late_metrics: List[MetricTotal]
    late_period: Optional[str]  # the billed period whose late records these are
    seen: Seen


def usage_pk(tenant_id: str, subscription_id: str, period_start: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}USAGE#{subscription_id}#{period_start}"


def pointer_pk(tenant_id: str, subscription_id: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}USAGE#{subscription_id}"


def usage_totals(tenant_id: str, subscription_id: str, period_start: str) -> List[UsageTotal]:
    return _calls(_query(usage_pk(tenant_id, subscription_id, period_start), DAY))


def late_usage_totals(tenant_id: str, subscription_id: str, billed_period_start: str) -> List[UsageTotal]:
    return _calls(_query(usage_pk(tenant_id, subscription_id, billed_period_start), LATE))


def metric_totals(tenant_id: str, subscription_id: str, period_start: str, late: bool = False) -> List[MetricTotal]:
    return _metrics(_query(usage_pk(tenant_id, subscription_id, period_start), LATE if late else DAY))


def usage_to_bill(tenant_id: str, subscription_id: str, period_start: str, use_cache: bool = False) -> UsageToBill:
    """The period's usage and the late usage waiting for its invoice; `seen` read first (the period's
    and the pointer's items in one call, or from this process's cache when allowed: as read ahead
    for a batch), so whatever commits after it fails mark_period_billed's condition."""
    read = Snapshot({"period": (UsagePeriodItem, usage_pk(tenant_id, subscription_id, period_start), PERIOD_SK),
                     "pointer": (UsagePointerItem, pointer_pk(tenant_id, subscription_id), POINTER_SK)}, use_cache)
    period, pointer = read["period"], read["pointer"]
    last = pointer.last if pointer else None
    seen = Seen(int(period.writes or 0) if period else 0, int(pointer.late_writes or 0) if pointer else 0, last)
    days = _days(usage_pk(tenant_id, subscription_id, period_start), seen.writes, use_cache)
    late = _query(usage_pk(tenant_id, subscription_id, last), LATE) if last and last < period_start else []
    return UsageToBill(_calls(days), _calls(late), _metrics(days), _metrics(late),
                       last if late else None, seen)


def period_counted(days: List[str]) -> list:
    """Update actions of a chunk adding to the period's totals of `days`."""
    return [UsagePeriodItem.writes.add(1), UsagePeriodItem.dated_writes.add(1), UsagePeriodItem.days.add(set(days))]


def read_days_ahead(periods: List[Tuple[str, Optional[UsagePeriodItem]]]) -> None:
    """The day items of a batch's periods (their pk, and their PERIOD items as read just before), for
    usage_to_bill, which takes them once and only with the same `writes`: mark_period_billed's condition
    on it then fails the invoice's transaction if a chunk added to the days after they were read. Read
    with BatchGetItem where the PERIOD item names all its days (none if nothing was counted); the
    others' days, or any not answered, are queried when used."""
    _days_ahead.clear()
    known = {pk: (int(period.writes or 0) if period else 0, days) for pk, period in periods
             for days in [_named_days(period)] if days is not None}
    found: Dict[str, List[Dict[str, Any]]] = {}
    for item in _batch_get([(pk, DAY + day) for pk, (_, days) in known.items() for day in days]):
        found.setdefault(item["PK"], []).append(item)
    for pk, (writes, days) in known.items():
        if len(found.get(pk, ())) == len(days):
            _days_ahead[pk] = (writes, sorted(found.get(pk, ()), key=lambda item: item["SK"]))


def _named_days(period: Optional[UsagePeriodItem]) -> Optional[List[str]]:
    if period is None or not period.writes:
        return []
    return sorted(period.days or ()) if period.dated_writes == period.writes else None


def _days(pk: str, writes: int, use_cache: bool) -> List[Dict[str, Any]]:
    ahead = _days_ahead.pop(pk, None)
    if use_cache and ahead is not None and ahead[0] == writes:
        return ahead[1]
    return _query(pk, DAY)


def mark_period_billed(writes: Writes, tenant_id: str, subscription_id: str, period_start: str, invoice_id: str,
                       seen: Seen) -> Writes:
    """The period billed by the invoice (records of it arriving later go to late totals), added to the
    invoice's transaction; ConcurrentUpdate if usage arrived since `seen` was read."""
    changed = ConcurrentUpdate("Usage arrived while the period was being billed; read it again")
    counted = UsagePeriodItem.writes == seen.writes if seen.writes else UsagePeriodItem.writes.does_not_exist()
    writes.update(UsagePeriodItem(usage_pk(tenant_id, subscription_id, period_start), PERIOD_SK),
                  [UsagePeriodItem.billed_invoice.set(invoice_id)],
                  condition=counted & UsagePeriodItem.billed_invoice.does_not_exist(), on_fail=changed)
    late = (UsagePointerItem.late_writes == seen.late_writes if seen.late_writes
            else UsagePointerItem.late_writes.does_not_exist())
    last = UsagePointerItem.last == seen.last if seen.last else UsagePointerItem.last.does_not_exist()
    writes.update(UsagePointerItem(pointer_pk(tenant_id, subscription_id), POINTER_SK),
                  [UsagePointerItem.last.set(max(period_start, seen.last or ""))], condition=late & last,
                  on_fail=changed)
    return writes


def _attribute(kind, name: str):
    attribute = kind(attr_name=name)
    attribute.attr_path = [name]
    return attribute


def day_actions(calls: Dict[str, List[Any]], events: Dict[str, List[Decimal]], part: str) -> list:
    """Update actions adding a day's sums: calls {prefix: [name, calls, seconds, micros]}, events
    {metric: [events, quantity]}, and the part that holds their records."""
    actions = [Path(_attribute(ExactNumber, "p#" + part)).set(1)]
    for prefix, (name, count, seconds, micros) in calls.items():
        actions.append(Path(_attribute(UnicodeAttribute, "n#" + prefix)).set(name))
        actions += [Path(_attribute(ExactNumber, f"{letter}#{prefix}")).add(value)
                    for letter, value in (("c", count), ("s", seconds), ("m", micros))]
    for metric, (count, quantity) in events.items():
        actions += [Path(_attribute(ExactNumber, "e#" + metric)).add(count),
                    Path(_attribute(ExactNumber, "q#" + metric)).add(quantity)]
    return actions


def parts_of(pk: str, sk_prefix: str) -> List[str]:
    """The parts holding the records counted in a period's day (or late) items."""
    return sorted({name[2:] for item in _query(pk, sk_prefix) for name in item if name.startswith("p#")})


def _query(pk: str, sk_prefix: str) -> List[Dict[str, Any]]:
    """Raw items (their attribute names vary), numbers as Decimal."""
    client, found, start = connection().client, [], None
    while True:
        page = client.query(TableName=config.table_name(), ConsistentRead=True,
                            KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
                            ExpressionAttributeValues={":pk": {"S": pk}, ":sk": {"S": sk_prefix}},
                            **({"ExclusiveStartKey": start} if start else {}))
        found += [{name: _deserializer.deserialize(value) for name, value in item.items()} for item in page["Items"]]
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def _batch_get(wanted: List[Tuple[str, str]]) -> List[Dict[str, Any]]:
    """Raw items by key (PK, SK), numbers as Decimal, consistent, a hundred keys a call; those DynamoDB
    leaves unprocessed are left out."""
    client, table, found = connection().client, config.table_name(), []
    for start in range(0, len(wanted), 100):
        keys_ = [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in wanted[start:start + 100]]
        answer = client.batch_get_item(RequestItems={table: {"Keys": keys_, "ConsistentRead": True}})
        found += [{name: _deserializer.deserialize(value) for name, value in item.items()}
                  for item in answer["Responses"].get(table, [])]
    return found


def _calls(items: List[Dict[str, Any]]) -> List[UsageTotal]:
    return [UsageTotal(item["n#" + name[2:]], name[2:], item["SK"].split("#", 1)[1], int(value),
                       int(item["s#" + name[2:]]), int(item["m#" + name[2:]]))
            for item in items for name, value in sorted(item.items()) if name.startswith("c#")]


def _metrics(items: List[Dict[str, Any]]) -> List[MetricTotal]:
    return [MetricTotal(name[2:], item["SK"].split("#", 1)[1], int(value), item["q#" + name[2:]])
            for item in items for name, value in sorted(item.items()) if name.startswith("e#")]
