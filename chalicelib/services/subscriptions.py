"""Subscriptions: a customer on a package from a start date, optionally to an end date.

A subscription is a record. `packages` lists the packages it holds with the day
each applies from (a change of package mid-period is prorated by day on that
period's invoice); `next` is the number of the first period not yet billed.
While active and not past its last period it sits in the due-time index (GSI3)
at the instant its next period ends, where the billing tick finds it. Its
customer's subscriptions are listed by link items beside the customer, so a
usage record naming the customer's id finds them with one Query; an
`account_reference` (unique per tenant) finds its subscription with one read.
"""
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, FrozenSet, List, NamedTuple, Optional, Union

from ..domain import billing_periods as periods
from ..domain.errors import Conflict, InvalidReference, NotFound, invalid
from ..domain.rating import RateCard
from ..domain.records import Actor
from ..store import keys
from ..store.models import RecordItem, UniqueValueItem
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from .customers import CUSTOMERS
from .local_dates import day_start, local_date
from .packages import PACKAGES
from .rate_cards import card_span
from .records import ACTIVE, RecordType, create_record, update_record
from .tenants import tenant_zone
from .usage_rating import NotHeld

DUE_PARTITION = "SUBSCRIPTION#DUE"
EARLIEST, LATEST = datetime.min.replace(tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc)
KIND = "SUBSCRIPTION"


class SubscriptionAtTime(NamedTuple):
    subscription_id: str
    customer_id: str
    period_start: str  # YYYY-MM-DD
    time_zone: str
    card: Optional[RateCard]  # None: the package prices no calls that day
    metrics: FrozenSet[str]  # the metric codes the package prices
    since: datetime  # [since, until): the span in which the same answer holds (period, package, card)
    until: datetime


def plan_of(data: Dict[str, Any], package: Dict[str, Any]) -> periods.Plan:
    return periods.Plan(package["period"]["unit"], int(package["period"]["interval"]),
                        date.fromisoformat(data["start_date"]), data.get("day_of_month"), data["time_zone"],
                        date.fromisoformat(data["end_date"]) if data.get("end_date") else None)


def package_on(data: Dict[str, Any], day: date) -> str:
    """The id of the package held on `day` (the first one before the start)."""
    held = [entry for entry in data["packages"] if entry["from"] <= day.isoformat()]
    return (held or data["packages"])[-1]["package_id"]


def _check(data: Dict[str, Any]) -> None:
    if data.get("end_date") and data["end_date"] < data["start_date"]:
        raise invalid("end_date", "must not be before the start_date")


def place_due(item: RecordItem, package: Optional[Dict[str, Any]] = None) -> None:
    """Index an active subscription at the instant its next unbilled period ends (or not at all);
    `package`: the one it holds last, where read already."""
    item.GSI3PK = item.GSI3SK = None
    if item.status != ACTIVE:
        return
    tenant_id = keys.tenant_of(item.PK)
    package = package or PACKAGES.store.get(tenant_id, item.data["packages"][-1]["package_id"]).data
    plan, n = plan_of(item.data, package), int(item.data.get("next", 0))
    last = periods.last_period(plan)
    if last is not None and n > last:
        return
    item.GSI3PK, item.GSI3SK = DUE_PARTITION, keys.due_sort_key(periods.due_at(plan, n), tenant_id, item.id)


def _present(data: Dict[str, Any]) -> Dict[str, Any]:
    shown = {k: v for k, v in data.items() if k != "next"}
    shown["next_period"] = int(data.get("next", 0))
    if "not_billed" in data:  # services/unbilled
        shown["not_billed"] = {**data["not_billed"], "period": int(data["not_billed"]["period"])}
    return shown


SUBSCRIPTIONS = RecordType(store=RecordStore(KIND, "subscription"), id_prefix="sub", present=_present,
                           search_fields=("customer_id", "package_id", "account_reference"),
                           unique_fields=("account_reference",), check=_check, place=place_due)


def _customer_link_pk(tenant_id: str, customer_id: str) -> str:
    return f"{CUSTOMERS.store.pk(tenant_id, customer_id)}#SUBSCRIPTIONS"


class _WithWrites:
    """A unit of work that adds `add(result, writes)` to the service's transaction."""

    def __init__(self, uow: UnitOfWork, add):
        self.uow, self.add = uow, add

    def commit(self, writes: Writes, result: Any = None) -> Any:
        self.add(result, writes)
        return self.uow.commit(writes, result)


def _usable(tenant_id: str, store: RecordStore, record_id: str, field: str) -> RecordItem:
    try:
        item = store.get(tenant_id, record_id)
    except NotFound:
        raise InvalidReference(f"No {store.label} has the id {record_id}",
                               [(field, f"is not one of your {store.label}s")]) from None
    if item.status != ACTIVE:
        raise InvalidReference(f"The {store.label} is archived; restore it first", [(field, "is archived")])
    return item


def create_subscription(uow: UnitOfWork, tenant_id: str, actor: Actor, fields: Dict[str, Any]) -> RecordItem:
    _usable(tenant_id, CUSTOMERS.store, fields["customer_id"], "customer_id")
    package = _usable(tenant_id, PACKAGES.store, fields["package_id"], "package_id")
    _check_billing_day(fields, package.data)
    _check_periods_fit(periods.Plan(package.data["period"]["unit"], int(package.data["period"]["interval"]),
                                    fields["start_date"], fields.get("day_of_month"), "UTC", fields.get("end_date")),
                       "end_date" if fields.get("end_date") else "start_date")
    start = fields["start_date"].isoformat()
    stored = {**{k: (v.isoformat() if isinstance(v, date) else v) for k, v in fields.items() if k != "package_id"},
              "packages": [{"package_id": package.id, "from": start}], "time_zone": tenant_zone(tenant_id), "next": 0}

    def link(item: RecordItem, writes: Writes) -> None:
        writes.put(UniqueValueItem(_customer_link_pk(tenant_id, item.data["customer_id"]), item.id, owner_id=item.id))

    return create_record(_WithWrites(uow, link), SUBSCRIPTIONS, tenant_id, actor, stored)


def _check_billing_day(fields: Dict[str, Any], package: Dict[str, Any]) -> None:
    if fields.get("day_of_month") and package["period"]["unit"] in ("day", "week"):
        raise invalid("day_of_month", f"does not apply to a package billed by the {package['period']['unit']}")


def _check_periods_fit(plan: periods.Plan, field: str) -> None:
    """The dates of the first period and of the last must exist (none after the year 9999)."""
    if plan.end is not None and plan.end < plan.start:
        return  # refused as such by _check
    try:
        periods.due_at(plan, periods.period_index(plan, plan.end or plan.start))
    except (ValueError, OverflowError):
        raise invalid(field, "leaves a billing period ending after the year 9999") from None


def edit_subscription(uow: UnitOfWork, tenant_id: str, actor: Actor, subscription_id: str,
                      changes: Dict[str, Any]) -> RecordItem:
    """The end date must not fall in a billed period: checked on the version the change is written
    over, which the billing run's own write moves on (a period billed meanwhile makes it read again)."""
    changes = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in changes.items()}

    def end_in_open_periods(item: RecordItem, changes: Dict[str, Any]) -> Dict[str, Any]:
        if changes.get("end_date"):
            first_open = _first_unbilled_day(tenant_id, item)
            if changes["end_date"] < first_open.isoformat():
                raise Conflict(f"end_date must be on or after {first_open}: earlier periods are billed",
                               [("end_date", "falls in a billed period")])
            package = PACKAGES.store.get(tenant_id, item.data["packages"][-1]["package_id"]).data
            _check_periods_fit(plan_of({**item.data, "end_date": changes["end_date"]}, package), "end_date")
        return changes

    return update_record(uow, SUBSCRIPTIONS, tenant_id, actor, subscription_id, changes, end_in_open_periods)


def change_package(uow: UnitOfWork, tenant_id: str, actor: Actor, subscription_id: str,
                   body: Dict[str, Any]) -> RecordItem:
    """From `effective_from` on, the subscription holds another package (same currency and period),
    checked against the version written over, as edit_subscription's end date."""
    day = body["effective_from"]

    def move(item: RecordItem, _: Dict[str, Any]) -> Dict[str, Any]:
        package = _usable(tenant_id, PACKAGES.store, body["package_id"], "package_id")
        current = PACKAGES.store.get(tenant_id, item.data["packages"][-1]["package_id"]).data
        if (package.data["currency"], package.data["period"]) != (current["currency"], current["period"]):
            raise invalid("package_id", "must have the currency and billing period of the package held now")
        first_open = _first_unbilled_day(tenant_id, item)
        if day < first_open:
            raise Conflict(f"effective_from must be on or after {first_open}: earlier periods are billed",
                           [("effective_from", "falls in a billed period")])
        kept = [entry for entry in item.data["packages"] if entry["from"] < day.isoformat()]
        return {"packages": kept + [{"package_id": package.id, "from": day.isoformat()}]}

    return update_record(uow, SUBSCRIPTIONS, tenant_id, actor, subscription_id, {}, move)


def _first_unbilled_day(tenant_id: str, item: RecordItem) -> date:
    package = PACKAGES.store.get(tenant_id, item.data["packages"][-1]["package_id"]).data
    plan = plan_of(item.data, package)
    return max(periods.period(plan, int(item.data.get("next", 0))).start, plan.start)


def _by_account(tenant_id: str, account: str) -> List[RecordItem]:
    claim = keys.unique_value_pk(tenant_id, KIND, "account_reference", account)
    try:
        owners = [UniqueValueItem.get(claim, keys.RECORD_SK).owner_id]
    except UniqueValueItem.DoesNotExist:
        owners = [link.owner_id for link in UniqueValueItem.query(_customer_link_pk(tenant_id, account))]
    found = []
    for owner in owners:
        try:
            found.append(SUBSCRIPTIONS.store.get(tenant_id, owner))
        except NotFound:
            continue
    return found


def subscription_at(tenant_id: str, account: str, at: datetime) -> Optional[SubscriptionAtTime]:
    """The subscription `account` (an account_reference, or a customer's id) held at `at`, with the
    rate card in force that day and the metrics its package prices; None when it held none (or its
    package prices no usage then)."""
    found = subscription_or_gap(tenant_id, account, at)
    return found if isinstance(found, SubscriptionAtTime) else None


def subscription_or_gap(tenant_id: str, account: str, at: datetime) -> Union[SubscriptionAtTime, NotHeld, None]:
    """As subscription_at, but where no subscription of the account holds `at`, the span around it in
    which none does (before a start, after an end; always, for an account none names), so that rating
    asks once for such records, not once a quarter hour; None where the package prices no usage."""
    gap = NotHeld(EARLIEST, LATEST)
    for item in _by_account(tenant_id, account):
        if item.status != ACTIVE:
            continue
        day = local_date(item.data["time_zone"], at)
        outside = _outside(item.data, day)
        if outside is not None:
            gap = NotHeld(max(gap.since, outside.since), min(gap.until, outside.until))
            continue
        package = PACKAGES.store.get(tenant_id, package_on(item.data, day)).data
        plan = plan_of(item.data, package)
        span = card_span(tenant_id, package["rate_card_id"], day.isoformat()) if package.get("rate_card_id") else None
        metrics = frozenset(price["metric"] for price in package.get("metrics") or ())
        if span is None and not metrics:
            return None
        return _at_time(item, plan, periods.period_index(plan, day), day, span, metrics)
    return gap


def _outside(data: Dict[str, Any], day: date) -> Optional[NotHeld]:
    """The span around `day` in which the subscription holds nothing, when `day` is before its start or
    after its end."""
    zone, start, end = data["time_zone"], date.fromisoformat(data["start_date"]), data.get("end_date")
    if day < start:
        return NotHeld(EARLIEST, day_start(start, zone))
    if end and day > date.fromisoformat(end):
        return NotHeld(day_start(date.fromisoformat(end) + timedelta(1), zone), LATEST)
    return None


def _at_time(item: RecordItem, plan: periods.Plan, n: int, day: date, span, metrics) -> SubscriptionAtTime:
    """The answer and the local days it holds for: its period, its package's days, its card version's
    (without a card in force, that day only: a card's first version may start the next)."""
    period = periods.period(plan, n)
    changes = [date.fromisoformat(entry["from"]) for entry in item.data["packages"]]
    card_since, card_until = (span.since, span.until) if span else (day.isoformat(), (day + timedelta(1)).isoformat())
    first = max([period.start, plan.start, date.fromisoformat(card_since)] + [d for d in changes if d <= day])
    ends = [period.end + timedelta(1)] + [d for d in changes if d > day]
    ends += [plan.end + timedelta(1)] if plan.end else []
    ends += [date.fromisoformat(card_until)] if card_until else []
    zone = item.data["time_zone"]
    return SubscriptionAtTime(item.id, item.data["customer_id"], period.start.isoformat(), zone,
                              span.card if span else None, metrics, day_start(first, zone), day_start(min(ends), zone))
