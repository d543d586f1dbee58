"""The usage record ids already counted, in sets per subscription and day: each record once.

    T#<t>#USAGESEEN#<subscription>   <YYYY-MM-DD>#<n>   ids: 8-byte digests of the record ids counted

Why this layout: one item per record id would cost a write (2 write units in a
transaction) per call, which is what usage billing must not cost. A chunk's
records, ordered by subscription and day, fall in few (subscription, day)
sets, the same ones whose totals they add to (store/usage_totals.py): a chunk
reads them (BatchGetItem), drops the ids already there, and rewrites each set
it adds to in the same transaction as those totals, conditioned on the version
it read (optimistic): a concurrent writer that got there first makes the
transaction fail, and the chunk reads again and retries, so a record is
counted by exactly one commit. A write costs the set's size (1 write unit per
KB, twice in a transaction), so sets stay small: ids as 8-byte digests
(id_digest), at most CAP per set (32 KB); a busier day spills into further
sets `#1`, `#2`..., whose count set `#0` keeps. Sets by tenant and hour were
tried first: a chunk of a tenant of many customers then spread its writes over
every subscription's totals in every transaction (4 items per record at 1,000
calls a day). A record's set follows from its account and start time (its
subscription, its day): the same id sent again with another start day is
taken for another record.
"""
from typing import Dict, Iterable, List, Set, Tuple

from pynamodb.attributes import BinaryAttribute, VersionAttribute

from . import keys
from .attributes import ExactNumber
from .models import Item
from .unit_of_work import Writes

CAP = 4000
DIGEST_BYTES = 8
SetKey = Tuple[str, str]  # (subscription id, YYYY-MM-DD)


class SeenItem(Item):
    ids = BinaryAttribute(legacy_encoding=False)
    shards = ExactNumber(null=True)  # on set #0: how many sets the day has
    version = VersionAttribute()


def seen_pk(tenant_id: str, subscription_id: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}USAGESEEN#{subscription_id}"


def _sk(day: str, n: int) -> str:
    return f"{day}#{n}"


class _Sets:
    """The sets of one (subscription, day) as read, and the digests in them."""
    __slots__ = ("shards", "digests", "added", "written")

    def __init__(self, shards: List[SeenItem]):
        self.shards = shards
        self.digests: Set[bytes] = {blob[i:i + DIGEST_BYTES] for s in shards for blob in [s.ids or b""]
                                    for i in range(0, len(blob), DIGEST_BYTES)}
        self.added: List[bytes] = []
        self.written: List[SeenItem] = []  # the sets as the pending transaction writes them


class SeenSets:
    """The seen ids of the (subscription, day)s some records fall in, read once, added to in memory."""

    def __init__(self, tenant_id: str):
        self.tenant_id = tenant_id
        self._sets: Dict[SetKey, _Sets] = {}

    def want(self, wanted: Iterable[SetKey]) -> None:
        """Read the sets not read yet (BatchGetItem)."""
        missing = set(wanted) - set(self._sets)
        if missing:
            self._read(missing)

    def committed(self) -> None:
        """The pending transaction committed: the sets it wrote, at their new versions, are the ones now."""
        for sets in self._sets.values():
            if sets.added:
                sets.shards, sets.added, sets.written = sets.written, [], []

    def _read(self, wanted: Set[SetKey]) -> None:
        found = _get(self.tenant_id, [(subscription, day, 0) for subscription, day in wanted])
        spills = [(subscription, day, n) for (subscription, day), first in found.items()
                  for n in range(1, int(first.shards or 1))]
        more = _get(self.tenant_id, spills) if spills else {}
        for subscription, day in wanted:
            first = found.get((subscription, day))
            shards = [first] + [more[(subscription, day, n)] for n in range(1, int(first.shards or 1))] if first else []
            self._sets[(subscription, day)] = _Sets(shards)

    def take(self, key: SetKey, digest: bytes) -> bool:
        """Whether the id is new (then it is added to its sets); False if it was seen."""
        sets = self._sets[key]
        if digest in sets.digests:
            return False
        sets.digests.add(digest)
        sets.added.append(digest)
        return True

    def untake(self, key: SetKey) -> None:
        """Give back the id last taken for the key (its record did not fit the transaction)."""
        sets = self._sets[key]
        sets.digests.discard(sets.added.pop())

    def items_for(self, key: SetKey) -> int:
        """How many items writing the key's added ids takes (as _plan writes them, counted)."""
        sets = self._sets[key]
        if not sets.added:
            return 0
        count = len(sets.shards)
        room = CAP - len(sets.shards[-1].ids or b"") // DIGEST_BYTES if count else 0
        new = -(-max(0, len(sets.added) - room) // CAP)
        first_counted = new and count >= 1 and not (count == 1 and room > 0)
        return (1 if room > 0 else 0) + new + (1 if first_counted else 0)

    def _plan(self, key: SetKey) -> Tuple[List[SeenItem], List[SeenItem]]:
        """The key's sets after the added ids go in (into its last set while it has room, then into
        new sets of CAP ids), and those of them that change."""
        sets = self._sets[key]
        pending, shards, touched = list(sets.added), [*sets.shards], []
        if not pending:
            return shards, touched
        if shards and len(shards[-1].ids or b"") // DIGEST_BYTES < CAP:
            last = shards[-1]
            room = CAP - len(last.ids or b"") // DIGEST_BYTES
            shards[-1] = _copy(last, (last.ids or b"") + b"".join(pending[:room]))
            touched.append(shards[-1])
            pending = pending[room:]
        subscription, day = key
        while pending:
            shards.append(SeenItem(seen_pk(self.tenant_id, subscription), _sk(day, len(shards)),
                                   ids=b"".join(pending[:CAP])))
            touched.append(shards[-1])
            pending = pending[CAP:]
        if len(shards) > int(shards[0].shards or 1) and len(shards) > 1:
            if shards[0] not in touched:
                shards[0] = _copy(shards[0], shards[0].ids)
                touched.append(shards[0])
            shards[0].shards = len(shards)
        return shards, touched

    def write(self, writes: Writes, key: SetKey) -> None:
        """The key's added ids, each set written on the version read (pynamodb's condition, and
        pynamodb moves the written copies to their new version once the transaction commits)."""
        sets = self._sets[key]
        sets.written, touched = self._plan(key)
        for shard in touched:
            writes.put(shard)

    def keys_added(self) -> List[SetKey]:
        return [key for key, sets in self._sets.items() if sets.added]


def _copy(shard: SeenItem, ids: bytes) -> SeenItem:
    """The set with other ids, keeping the version read (the one its write is conditioned on)."""
    copy = SeenItem(shard.PK, shard.SK, ids=ids, shards=shard.shards)
    if shard.version is not None:
        copy.version = shard.version
    return copy


def _get(tenant_id: str, wanted: List[Tuple[str, str, int]]) -> Dict[tuple, SeenItem]:
    keys_ = [(seen_pk(tenant_id, subscription), _sk(day, n)) for subscription, day, n in wanted]
    by_key = {(seen_pk(tenant_id, subscription), _sk(day, n)): (subscription, day, n)
              for subscription, day, n in wanted}
    found = {}
    for item in SeenItem.batch_get(keys_, consistent_read=True):
        subscription, day, n = by_key[(item.PK, item.SK)]
        found[(subscription, day) if n == 0 else (subscription, day, n)] = item
    return found
