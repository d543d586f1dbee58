"""The usage record ids already counted, in sets by hour: each record once, whatever repeats.

    T#<t>#USAGESEEN#<bucket>   <YYYYMMDDHH>#<n>   ids: 8-byte digests of the record ids counted

Why this layout: one item per record id would cost a write (2 write units in a
transaction) per call, which is what usage billing must not cost. Records
arrive roughly in time order (a switch's file, a feed of calls as they end),
so a chunk's records fall in few hours. A record's set is found from its start
hour and its id (bucket = the id's digest mod BUCKETS, which keeps each set a
quarter of the hour's size); a chunk reads the sets of its hours
(BatchGetItem), drops the ids already there, and rewrites each set it adds to
in the same transaction as the totals, conditioned on the version it read
(optimistic): a concurrent writer that got there first makes the transaction
fail, and the chunk reads again and retries, so a record is counted by exactly
one commit. A write costs the set's size (1 write unit per KB, twice in a
transaction), so sets are kept small: ids as 8-byte digests (id_digest), at
most CAP of them per set (32 KB); a busier hour spills into further sets `#1`,
`#2`..., whose count set `#0` keeps. Keyed by account instead, a tenant of
many customers would write a set of a few ids per record, back to a write per
call. A record's set depends on its start time: the same id sent again with
another start hour is taken for another record.
"""
from typing import Dict, Iterable, List, Set, Tuple

from pynamodb.attributes import BinaryAttribute, VersionAttribute

from . import keys
from .attributes import ExactNumber
from .models import Item
from .unit_of_work import Writes

CAP = 4000
DIGEST_BYTES = 8
BUCKETS = 4
HourKey = Tuple[str, str]  # (bucket, YYYYMMDDHH)


class SeenItem(Item):
    ids = BinaryAttribute(legacy_encoding=False)
    shards = ExactNumber(null=True)  # on set #0: how many sets the hour has
    version = VersionAttribute()


def hour_key(record_id_digest: bytes, hour: str) -> HourKey:
    return str(record_id_digest[0] % BUCKETS), hour


def seen_pk(tenant_id: str, bucket: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}USAGESEEN#{bucket}"


def _sk(hour: str, n: int) -> str:
    return f"{hour}#{n}"


class _Hour:
    """The sets of one (bucket, hour) as read, and the digests in them."""
    __slots__ = ("shards", "digests", "added")

    def __init__(self, shards: List[SeenItem]):
        self.shards = shards
        self.digests: Set[bytes] = {blob[i:i + DIGEST_BYTES] for s in shards for blob in [s.ids or b""]
                                    for i in range(0, len(blob), DIGEST_BYTES)}
        self.added: List[bytes] = []


class SeenSets:
    """The seen ids of the (bucket, hour)s some records fall in, read once, added to in memory."""

    def __init__(self, tenant_id: str, wanted: Iterable[HourKey]):
        self.tenant_id = tenant_id
        self._hours: Dict[HourKey, _Hour] = {}
        self._read(set(wanted))

    def _read(self, wanted: Set[HourKey]) -> None:
        found = _get(self.tenant_id, [(bucket, hour, 0) for bucket, hour in wanted])
        spills = [(bucket, hour, n) for (bucket, hour), first in found.items()
                  for n in range(1, int(first.shards or 1))]
        more = _get(self.tenant_id, spills) if spills else {}
        for bucket, hour in wanted:
            first = found.get((bucket, hour))
            shards = [first] + [more[(bucket, hour, n)] for n in range(1, int(first.shards or 1))] if first else []
            self._hours[(bucket, hour)] = _Hour(shards)

    def take(self, key: HourKey, digest: bytes) -> bool:
        """Whether the id is new (then it is added to its hour); False if it was seen."""
        hour = self._hours[key]
        if digest in hour.digests:
            return False
        hour.digests.add(digest)
        hour.added.append(digest)
        return True

    def untake(self, key: HourKey) -> None:
        """Give back the id last taken for the hour (its record did not fit the transaction)."""
        hour = self._hours[key]
        hour.digests.discard(hour.added.pop())

    def items_for(self, key: HourKey) -> int:
        """How many items writing the hour's added ids takes (as _plan writes them, counted)."""
        hour = self._hours[key]
        if not hour.added:
            return 0
        count = len(hour.shards)
        room = CAP - len(hour.shards[-1].ids or b"") // DIGEST_BYTES if count else 0
        new = -(-max(0, len(hour.added) - room) // CAP)
        first_counted = new and count >= 1 and not (count == 1 and room > 0)
        return (1 if room > 0 else 0) + new + (1 if first_counted else 0)

    def _plan(self, key: HourKey) -> Tuple[List[SeenItem], List[SeenItem]]:
        """The hour's sets after the added ids go in (into its last set while it has room, then into
        new sets of CAP ids), and those of them that change."""
        hour = self._hours[key]
        pending, shards, touched = list(hour.added), [*hour.shards], []
        if not pending:
            return shards, touched
        if shards and len(shards[-1].ids or b"") // DIGEST_BYTES < CAP:
            last = shards[-1]
            room = CAP - len(last.ids or b"") // DIGEST_BYTES
            shards[-1] = _copy(last, (last.ids or b"") + b"".join(pending[:room]))
            touched.append(shards[-1])
            pending = pending[room:]
        bucket, name = key
        while pending:
            shards.append(SeenItem(seen_pk(self.tenant_id, bucket), _sk(name, len(shards)),
                                   ids=b"".join(pending[:CAP])))
            touched.append(shards[-1])
            pending = pending[CAP:]
        if len(shards) > int(shards[0].shards or 1) and len(shards) > 1:
            if shards[0] not in touched:
                shards[0] = _copy(shards[0], shards[0].ids)
                touched.append(shards[0])
            shards[0].shards = len(shards)
        return shards, touched

    def write(self, writes: Writes, key: HourKey) -> None:
        """The hour's added ids, each set written on the version read (pynamodb's condition)."""
        for shard in self._plan(key)[1]:
            writes.put(shard)

    def hours(self) -> List[HourKey]:
        return [key for key, hour in self._hours.items() if hour.added]


def _copy(shard: SeenItem, ids: bytes) -> SeenItem:
    """The set with other ids, keeping the version read (the one its write is conditioned on)."""
    copy = SeenItem(shard.PK, shard.SK, ids=ids, shards=shard.shards)
    if shard.version is not None:
        copy.version = shard.version
    return copy


def _get(tenant_id: str, wanted: List[Tuple[str, str, int]]) -> Dict[tuple, SeenItem]:
    keys_ = [(seen_pk(tenant_id, bucket), _sk(hour, n)) for bucket, hour, n in wanted]
    by_key = {(seen_pk(tenant_id, bucket), _sk(hour, n)): (bucket, hour, n) for bucket, hour, n in wanted}
    found = {}
    for item in SeenItem.batch_get(keys_, consistent_read=True):
        bucket, hour, n = by_key[(item.PK, item.SK)]
        found[(bucket, hour) if n == 0 else (bucket, hour, n)] = item
    return found
