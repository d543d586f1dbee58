"""Counting what DynamoDB reports as consumed (ReturnConsumedCapacity=TOTAL, table and indexes),
transactions refused for a concurrent change, and retries, across threads. DynamoDB Local reports
CapacityUnits per call; a call is a read or a write by its operation."""
import threading
import time
from collections import Counter
from contextlib import contextmanager
from types import SimpleNamespace

READS = {"GetItem", "Query", "BatchGetItem", "TransactGetItems"}
WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}


class Meter:
    def __init__(self):
        self.counts, self._lock = Counter(), threading.Lock()

    def add(self, **amounts):
        with self._lock:
            self.counts.update(amounts)

    def ask_capacity(self, params, model, **_):
        if model.name in READS | WRITES:
            params["ReturnConsumedCapacity"] = "TOTAL"

    def read_answer(self, http_response, parsed, model, **_):
        code = parsed.get("Error", {}).get("Code")
        if code == "TransactionCanceledException":
            self.add(conflicts=1)
        kind = "wcu" if model.name in WRITES else "rcu"
        consumed = parsed.get("ConsumedCapacity") or []
        for entry in consumed if isinstance(consumed, list) else [consumed]:
            self.add(**{kind: entry.get("CapacityUnits", 0) or 0})

    @contextmanager
    def measuring(self):
        """Only the block's figures in self.counts."""
        self.counts.clear()
        yield self.counts


def install() -> Meter:
    """A meter on the app's DynamoDB client, and on the retry loop's sleeps (one per retry)."""
    from chalicelib.services import retry
    from chalicelib.store.models import connection

    meter = Meter()
    events = connection().client.meta.events
    events.register("provide-client-params.dynamodb", meter.ask_capacity)
    events.register("after-call.dynamodb", meter.read_answer)
    retry.time = SimpleNamespace(sleep=lambda seconds: (meter.add(retries=1), time.sleep(seconds)))
    return meter
