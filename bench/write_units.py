"""Write units worked out from the sizes of the items written, by AWS's rules, because DynamoDB
Local reports one item's units for a whole TransactWriteItems.

Per item a call writes (Put, Update, Delete; a ConditionCheck in a transaction counts as a write
of the item it checks, the upper bound): the table costs ceil(size / 1 KB), size the larger of
the item before and after; each index whose keys the item carries costs ceil(size / 1 KB) more
(every index projects all attributes), twice when the write moves the item within the index (a
changed index key: the old entry deleted, the new one put). A transaction doubles all of it (its
prepare and commit). Refused calls count nothing here (the meter in capacity.py counts them).

The items are read back after each successful call by another client (not counted); an item's
image before a call is the one seen after the last call that wrote it, read before the call only
when never seen (remember() hands over items written around the meter, so a benchmark's set-up
adds no read inside the window between a worker's reads and its transaction).
"""
import json
import threading
from collections import Counter
from contextlib import contextmanager
from typing import NamedTuple, Optional, Tuple

WRITES = ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
KB = 1024


class WriteUnits:
    def __init__(self):
        import boto3

        from chalicelib import config
        from chalicelib.store.models import connection

        self.counts, self._lock, self._pending = Counter(), threading.Lock(), threading.local()
        self._reader, self._table = boto3.client("dynamodb"), config.table_name()
        described = self._reader.describe_table(TableName=self._table)["Table"]
        self._indexes = [tuple(k["AttributeName"] for k in index["KeySchema"])
                         for index in described.get("GlobalSecondaryIndexes", [])]
        self._images = {}  # key (JSON) -> Image of the item as last seen, None once deleted
        self._events = connection().client.meta.events
        self._events.register("provide-client-params.dynamodb", self._before)
        self._events.register("after-call.dynamodb", self._after)

    def close(self) -> None:
        """Stop metering: its read-backs cost time a timed run must not pay."""
        self._events.unregister("provide-client-params.dynamodb", self._before)
        self._events.unregister("after-call.dynamodb", self._after)

    @contextmanager
    def counting(self):
        """Only the block's figures in self.counts: units, items, calls."""
        self.counts.clear()
        yield self.counts

    def remember(self, items) -> None:
        with self._lock:
            self._images.update((_key_of(item), self._image(item)) for item in items)

    def _before(self, params, model, **_):
        writes = _written(model.name, params) if model.name in WRITES else None
        self._pending.writes = writes
        if writes:
            with self._lock:
                unseen = [key for key, _, new in writes if not new and key not in self._images]
            self._remember_read(unseen)

    def _after(self, parsed, model, **_):
        writes = getattr(self._pending, "writes", None)
        self._pending.writes = None
        if not writes or "Error" in parsed:
            return
        factor = 2 if model.name == "TransactWriteItems" else 1
        after = self._read([key for key, _, _ in writes])
        units = 0
        with self._lock:
            for key, kind, _ in writes:
                before = self._images.get(key)
                if kind == "ConditionCheck":
                    units += factor * _units(before.size if before else 0)
                else:
                    units += factor * item_units(before, after.get(key))
                    self._images[key] = after.get(key)
        self.counts.update(units=units, items=len(writes), calls=1)

    def _image(self, item) -> "Image":
        return Image(item_bytes(item), tuple(tuple(json.dumps(item[k], sort_keys=True) for k in keys)
                                             if all(k in item for k in keys) else None
                                             for keys in self._indexes))

    def _remember_read(self, keys) -> None:
        found = self._read(keys)
        with self._lock:
            self._images.update((key, found.get(key)) for key in keys)

    def _read(self, keys):
        """Images of the items now stored under `keys` (JSON), by key; absent ones left out."""
        found, keys = {}, list(dict.fromkeys(keys))
        for start in range(0, len(keys), 100):
            pending = {self._table: {"Keys": [json.loads(k) for k in keys[start:start + 100]],
                                     "ConsistentRead": True}}
            while pending:
                answer = self._reader.batch_get_item(RequestItems=pending)
                found.update((_key_of(item), self._image(item))
                             for item in answer["Responses"].get(self._table, []))
                pending = answer.get("UnprocessedKeys")
        return found


class Image(NamedTuple):
    """What a write's units depend on: the item's size and its key in each index (None: not in it)."""
    size: int
    index_keys: Tuple[Optional[tuple], ...]


def item_units(before: Optional[Image], after: Optional[Image]) -> int:
    """Units of one write that turns `before` into `after` (None: no item), outside a transaction."""
    images = [i for i in (before, after) if i is not None]
    units = _units(max((i.size for i in images), default=0))
    for n in range(len(images[0].index_keys) if images else 0):
        entries = [(i.index_keys[n], i.size) for i in images if i.index_keys[n] is not None]
        if len(entries) == 2 and entries[0][0] == entries[1][0]:
            units += _units(max(entries[0][1], entries[1][1]))  # the entry rewritten in place
        else:
            units += sum(_units(size) for _, size in entries)  # put, deleted, or moved (both)
    return units


def _written(operation: str, params):
    """(key JSON, action, known to be new) for each item the call writes or checks."""
    if operation == "TransactWriteItems":
        bodies = [(action, body) for entry in params["TransactItems"] for action, body in entry.items()]
    elif operation == "BatchWriteItem":
        bodies = [("Put" if "PutRequest" in r else "Delete", r.get("PutRequest") or r["DeleteRequest"])
                  for requests in params["RequestItems"].values() for r in requests]
    else:
        bodies = [(operation, params)]
    return [(_key_of(body.get("Key") or body["Item"]), action,
             "attribute_not_exists" in body.get("ConditionExpression", "")) for action, body in bodies]


def _key_of(item) -> str:
    return json.dumps({"PK": item["PK"], "SK": item["SK"]}, sort_keys=True)


def _units(size: int) -> int:
    """Every write costs at least one unit, then one per KB or part of one."""
    return max(1, -(-size // KB))


def item_bytes(item) -> int:
    """An item's size as DynamoDB counts it: attribute names plus values."""
    return sum(len(name.encode()) + _value_bytes(value) for name, value in item.items())


def _value_bytes(value) -> int:
    (kind, content), = value.items()
    if kind == "S":
        return len(content.encode())
    if kind == "N":
        return len(content.strip("-").replace(".", "").lstrip("0")) // 2 + 2
    if kind == "B":
        return len(content)
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "M":
        return 3 + sum(len(k.encode()) + 1 + _value_bytes(v) for k, v in content.items())
    if kind == "L":
        return 3 + sum(1 + _value_bytes(v) for v in content)
    return sum(_value_bytes({kind[0]: v}) for v in content)  # SS, NS, BS
