"""Rated records into the running totals, each record exactly once, a transaction per many records.

One transaction (at most 100 items) holds a group of records: the totals of
each day they add to, the PERIOD item of each period (on condition it is not
billed) or, for records of a billed period, the subscription's BILLED pointer
(their totals go to the late totals of the last billed period), the sets of
ids seen they add to (on the versions read), and for the last group of a file
chunk the chunk's claim (the file
moved on, on condition it still waits for this chunk); the day items name the
group's CSV part, written to S3 just before (store/usage_parts.py). A record whose id is in
a set already is a duplicate and adds nothing. When any condition fails (a
concurrent writer took some of the same sets, a period was billed meanwhile),
nothing of the group is written: its records are read and planned again.
"""
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Set, Tuple

from ..domain.errors import ConcurrentUpdate, Conflict
from ..domain.usage_records import id_digest
from ..store.unit_of_work import UnitOfWork, Writes
from ..store.usage_parts import part_bytes, put_part
from ..store.usage_seen import SeenSets
from ..store.usage_totals import (DAY, LATE, PERIOD_SK, POINTER_SK, UsageDayItem, UsagePeriodItem,
                                  UsagePointerItem, period_counted, pointer_pk, usage_pk, day_actions)
from ..store.usage_unrated import keep_unrated
from .usage_rating import Outcome, Rated, Unrated

MAX_ITEMS = 100  # DynamoDB's limit per transaction
MAX_KEYS_PER_DAY = 40  # destinations and metrics per day item and transaction: its update stays < 4 KB
CANDIDATE_SETS = 80  # (subscription, day)s read for one group
ATTEMPTS = 20


class ChunkDone(Conflict):
    """The chunk's claim was refused: another run of the same chunk committed it."""


@dataclass
class Committed:
    counted: int = 0
    duplicates: int = 0
    unrated: int = 0


class _Periods:
    """Whether each (subscription, period) is billed, and the last billed period of each subscription."""

    def __init__(self, tenant_id: str):
        self.tenant_id = tenant_id
        self.read: Set[Tuple[str, str]] = set()
        self.billed: Set[Tuple[str, str]] = set()
        self.last: Dict[str, str] = {}

    def want(self, wanted: Set[Tuple[str, str]]) -> None:
        """Read the periods not read yet, and the last billed period of the subscriptions of billed ones."""
        wanted = wanted - self.read
        if not wanted:
            return
        self.read |= wanted
        found = UsagePeriodItem.batch_get([(usage_pk(self.tenant_id, s, p), PERIOD_SK) for s, p in wanted],
                                          consistent_read=True)
        by_pk = {usage_pk(self.tenant_id, s, p): (s, p) for s, p in wanted}
        billed = {by_pk[item.PK] for item in found if item.billed_invoice}
        self.billed |= billed
        subscriptions = {s for s, _ in billed} - set(self.last)
        for item in UsagePointerItem.batch_get([(pointer_pk(self.tenant_id, s), POINTER_SK) for s in subscriptions],
                                               consistent_read=True):
            self.last[item.PK.rsplit("#", 1)[1]] = item.last

    def bucket(self, rated: Rated) -> Tuple[str, bool]:
        """The period whose items the record adds to, and whether it is late."""
        if (rated.subscription_id, rated.period_start) in self.billed:
            return self.last[rated.subscription_id], True
        return rated.period_start, False


def commit_usage(tenant_id: str, source: str, outcomes: Sequence[Outcome],
                 claim: Optional[Callable[[Writes, "Committed"], None]] = None) -> Committed:
    """Keep the unrated, count the rated once; `claim(writes, counts)` adds the chunk's claim to the last
    transaction (its ChunkDone refusal: another run of the chunk committed it)."""
    unrated = [o for o in outcomes if isinstance(o, Unrated)]
    result = Committed(unrated=keep_unrated(tenant_id, source, unrated) if unrated else 0)
    pending, failures = sorted((o for o in outcomes if isinstance(o, Rated)), key=_set_key), 0
    seen, periods = SeenSets(tenant_id), _Periods(tenant_id)
    while failures < ATTEMPTS:
        candidates = _candidates(pending)
        seen.want(_set_key(r) for r in candidates)
        periods.want({(r.subscription_id, r.period_start) for r in candidates})
        group = _Group(tenant_id, seen, periods, MAX_ITEMS - (1 if claim else 0))
        taken = group.fill(candidates)
        last = taken == len(pending)
        so_far = Committed(result.counted + len(group.records), result.duplicates + group.duplicates, result.unrated)
        try:
            group.commit((lambda writes: claim(writes, so_far)) if last and claim else None)
        except ChunkDone:
            raise
        except ConcurrentUpdate:  # another writer took some of these ids, or a period was billed: read again
            failures += 1
            seen, periods = SeenSets(tenant_id), _Periods(tenant_id)
            continue
        seen.committed()
        result.counted += len(group.records)
        result.duplicates += group.duplicates
        pending = pending[taken:]
        if last:
            return result
    raise ConcurrentUpdate("Usage records could not be counted: too many concurrent writers; retry")


def _set_key(rated: Rated) -> Tuple[str, str]:
    """The ids seen set of a record: its subscription's, of its day."""
    return rated.subscription_id, rated.day


def _candidates(pending: List[Rated]) -> List[Rated]:
    """The first records spanning at most CANDIDATE_SETS (subscription, day)s (pending is sorted by them)."""
    sets, end = 0, 0
    for end, rated in enumerate(pending):
        if end == 0 or _set_key(rated) != _set_key(pending[end - 1]):
            sets += 1
            if sets > CANDIDATE_SETS:
                return pending[:end]
    return list(pending)


class _Group:
    """The records one transaction counts, and what it writes for them."""

    def __init__(self, tenant_id: str, seen: SeenSets, periods: _Periods, budget: int):
        self.tenant_id, self.seen, self.periods, self.budget = tenant_id, seen, periods, budget
        self.records: List[Rated] = []
        self.duplicates = 0
        self.days: Dict[Tuple[str, str], Dict[Tuple[bool, str], list]] = {}  # (pk, sk) -> (is call, key) -> sums
        self.periods_counted: Set[Tuple[str, str]] = set()  # on time: (sub, period)
        self.late_subscriptions: Dict[str, str] = {}  # sub -> last billed period
        self.shard_items: Dict[Tuple[str, str], int] = {}

    def items(self) -> int:
        return len(self.days) + len(self.periods_counted) + len(self.late_subscriptions) + sum(self.shard_items.values())

    def fill(self, candidates: List[Rated]) -> int:
        """Take records while the transaction has room; returns how many were looked at (taken or duplicate)."""
        for n, rated in enumerate(candidates):
            key = _set_key(rated)
            if not self.seen.take(key, id_digest(rated.record.id)):
                self.duplicates += 1
                continue
            if not self._add(rated, key):
                self.seen.untake(key)
                return n
        return len(candidates)

    def _add(self, rated: Rated, key: Tuple[str, str]) -> bool:
        period, late = self.periods.bucket(rated)
        pk = usage_pk(self.tenant_id, rated.subscription_id, period)
        day_key = (pk, (LATE if late else DAY) + rated.day)
        sums = self.days.get(day_key, {})
        if (rated.is_call, rated.key) not in sums and len(sums) >= MAX_KEYS_PER_DAY:
            return False
        before = (dict(self.shard_items), set(self.periods_counted), dict(self.late_subscriptions),
                  day_key in self.days)
        self.shard_items[key] = self.seen.items_for(key)
        if late:
            self.late_subscriptions[rated.subscription_id] = period
        else:
            self.periods_counted.add((rated.subscription_id, period))
        self.days[day_key] = sums
        if self.items() > self.budget:
            self.shard_items, self.periods_counted, self.late_subscriptions, had_day = before
            if not had_day:
                del self.days[day_key]
            return False
        _add_sums(sums, rated)
        self.records.append(rated)
        return True

    def commit(self, claim: Optional[Callable[[Writes], None]]) -> None:
        writes = Writes()
        if self.records:
            late_after = {(r.subscription_id, r.period_start): self.periods.last[r.subscription_id]
                          for r in self.records if (r.subscription_id, r.period_start) in self.periods.billed}
            part = put_part(self.tenant_id, part_bytes(self.records, late_after))
        for (pk, sk), sums in self.days.items():
            calls = {key: v for (is_call, key), v in sums.items() if is_call}
            events = {key: v for (is_call, key), v in sums.items() if not is_call}
            writes.update(UsageDayItem(pk, sk), day_actions(calls, events, part))
        billed = PeriodBilled("The period was billed while its usage was being counted")
        for subscription_id, period in self.periods_counted:
            pk = usage_pk(self.tenant_id, subscription_id, period)
            days = [sk[len(DAY):] for day_pk, sk in self.days if day_pk == pk and sk.startswith(DAY)]
            writes.update(UsagePeriodItem(pk, PERIOD_SK), period_counted(days),
                          condition=UsagePeriodItem.billed_invoice.does_not_exist(), on_fail=billed)
        for subscription_id, last in self.late_subscriptions.items():
            writes.update(UsagePointerItem(pointer_pk(self.tenant_id, subscription_id), POINTER_SK),
                          [UsagePointerItem.late_writes.add(1)], condition=UsagePointerItem.last == last,
                          on_fail=billed)
        for key in self.seen.keys_added():
            self.seen.write(writes, key)
        if claim:
            claim(writes)
        if self.records or claim:
            UnitOfWork().commit(writes)


class PeriodBilled(ConcurrentUpdate):
    """A period was billed (or billed again) between the read and the commit."""


def _add_sums(sums: Dict[Tuple[bool, str], list], rated: Rated) -> None:
    if rated.is_call:
        entry = sums.setdefault((True, rated.key), [rated.name, 0, 0, 0])
        entry[1] += 1
        entry[2] += rated.seconds
        entry[3] += rated.micros
    else:
        entry = sums.setdefault((False, rated.key), [0, 0])
        entry[0] += 1
        entry[1] += rated.quantity
