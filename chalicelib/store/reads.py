"""Reading what a use case needs: in one round trip, or from this process's cache.

`Snapshot` reads several items of different kinds with one TransactGetItems.
Items this process has lately read or written are taken from a small cache
instead, without a call; every such item is then verified by the transaction
that acts on it (its version must be unchanged), so a stale item can never be
acted on: the transaction is refused, the item is read again, and the use case
runs once more. A warm Lambda that bills the same tenant, customer and
products again and again thus needs one call per invoice instead of two.
"""
import copy
import threading
from collections import OrderedDict
from datetime import datetime
from decimal import Decimal
from typing import Dict, Iterable, Optional, Tuple, Type

from pynamodb.transactions import TransactGet

from ..domain.errors import ConcurrentUpdate
from .models import connection
from .table import HASH_KEY, RANGE_KEY

MAX_ITEMS = 100  # DynamoDB's limit for one TransactGetItems
_CACHE_SIZE = 2048

Wanted = Dict[str, Tuple[Type, str, str]]  # name -> (model class, PK, SK)


class StaleRead(ConcurrentUpdate):
    """A cached item changed since this process saw it; read it again."""


class _Cache:
    """Items by key, least recently used dropped first. Thread-safe.

    Each is kept as stored (DynamoDB's form, as a read answered or a write sent it) and, from its
    first use, as the values pynamodb made of that: every later use copies those values (plain
    containers of immutable scalars) instead of turning the stored form into objects again."""

    def __init__(self, size: int):
        self._items: "OrderedDict[Tuple[str, str], list]" = OrderedDict()  # [model, stored, values]
        self._size = size
        self._lock = threading.Lock()

    def get(self, model: Type, pk: str, sk: str):
        with self._lock:
            entry = self._items.get((pk, sk))
            if entry is None or entry[0] is not model:
                return None
            self._items.move_to_end((pk, sk))
        if entry[2] is None:
            entry[2] = model.from_raw_data(entry[1]).attribute_values
        item = model.__new__(model)  # what from_raw_data gives, as a copy: callers may change it
        item.attribute_values = {name: _copy(value) for name, value in entry[2].items()}
        return item

    def put(self, item, stored: Optional[dict] = None) -> None:
        """`stored`: the item as serialized already (as a write sent it), if at hand."""
        self.keep(type(item), item.PK, item.SK, stored or item.serialize())

    def keep(self, model: Type, pk: str, sk: str, stored: dict, unless_newer: bool = False) -> None:
        """unless_newer: not if the item held is at the same version or a later one."""
        with self._lock:
            held = self._items.get((pk, sk))
            if unless_newer and held is not None and held[0] is model and _version(held[1]) >= _version(stored):
                return
            self._items[(pk, sk)] = [model, stored, None]
            self._items.move_to_end((pk, sk))
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def forget(self, pk: str, sk: str) -> None:
        with self._lock:
            self._items.pop((pk, sk), None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _version(stored: dict) -> int:
    """An item's version in DynamoDB's form (every cached item has one; -1 if not)."""
    return int(stored.get("version", {}).get("N", -1))


_IMMUTABLE = frozenset({str, bytes, int, bool, Decimal, float, type(None), datetime})


def _copy(value):
    """A deep copy of an attribute's value: dicts and lists rebuilt, immutable scalars shared."""
    kind = type(value)
    if kind is dict:
        return {name: _copy(inner) for name, inner in value.items()}
    if kind is list:
        return [_copy(inner) for inner in value]
    return value if kind in _IMMUTABLE else copy.deepcopy(value)


CACHE = _Cache(_CACHE_SIZE)


def remember(item, stored: Optional[dict] = None) -> None:
    """Keep an item this process has just read or written, as the table now holds it (`stored`:
    as the write sent it, serialized)."""
    if getattr(item, "version", None) is not None:
        CACHE.put(item, stored)


def keep_carried(model: Type, stored: dict) -> None:
    """Keep an item that reached this process as the table held it a moment ago (a queue message's
    copy), unless the cache holds it as new or newer; its use is verified like any cached item's."""
    CACHE.keep(model, stored[HASH_KEY]["S"], stored[RANGE_KEY]["S"], stored, unless_newer=True)


def read_ahead(model: Type, wanted: Iterable[Tuple[str, str]]) -> None:
    """Read into the cache, with one BatchGetItem (consistent), up to 100 items (by PK, SK) that
    work about to start will use one by one: each use then finds its item here, and the write
    that acts on it verifies it, as for any cached item. What DynamoDB leaves unprocessed is
    read when used, as it would have been."""
    read_ahead_of((model, pk, sk) for pk, sk in wanted)


def read_ahead_of(wanted: Iterable[Tuple[Type, str, str]]) -> None:
    """As read_ahead, items of several models (by model, PK, SK) in the one call."""
    models = {(pk, sk): model for model, pk, sk in wanted}
    if not models:
        return
    table = next(iter(models.values()))._get_connection()  # every model shares the one table
    answer = table.batch_get_item([{HASH_KEY: pk, RANGE_KEY: sk} for pk, sk in list(models)[:MAX_ITEMS]],
                                  consistent_read=True)
    for stored in answer["Responses"].get(table.table_name, []):
        key = stored[HASH_KEY]["S"], stored[RANGE_KEY]["S"]
        CACHE.keep(models[key], *key, stored)


class Snapshot:
    """The items a use case needs, by name; None where absent."""

    def __init__(self, wanted: Wanted, use_cache: bool = True):
        self._wanted = wanted
        self._items: Dict[str, Optional[object]] = {}
        self.cached = set()
        if use_cache:
            for name, (model, pk, sk) in wanted.items():
                item = CACHE.get(model, pk, sk)
                if item is not None:
                    self._items[name] = item
                    self.cached.add(name)
        missing = {name: key for name, key in wanted.items() if name not in self._items}
        for name, item in _read_together(missing).items():
            self._items[name] = item
            if item is not None:
                remember(item)

    def __getitem__(self, name: str):
        return self._items[name]

    def get(self, name: str, default=None):
        return self._items.get(name, default)

    def verify(self, writes, *names: str) -> None:
        """Have the transaction check that each named item, if it came from the cache, is unchanged.

        Name only items the transaction does not itself write: a written item is
        already conditioned on its version, and DynamoDB allows one action per item.
        """
        for name in names:
            item = self._items.get(name)
            if name in self.cached and item is not None:
                model = type(item)
                writes.check(model, item.PK, item.SK, model.version == item.version,
                             on_fail=StaleRead("A record changed while this request used it"))


def _read_together(wanted: Wanted) -> Dict[str, Optional[object]]:
    if not wanted:
        return {}
    with TransactGet(connection=connection()) as transaction:
        futures = {name: transaction.get(model, pk, sk) for name, (model, pk, sk) in wanted.items()}
    found = {}
    for name, future in futures.items():
        try:
            found[name] = future.get()
        except wanted[name][0].DoesNotExist:
            found[name] = None
    return found
