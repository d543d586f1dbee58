"""Usage records from a file drop against DynamoDB Local and moto: parse-and-rate speed, write units
per 1,000 records, peak memory, beside a floor of raw boto3 writing the same totals.

Call records are generated in time order over March 2026 for 100 accounts (each a subscription
whose card is tests/support/usage.card(): the catalogue's subscription lookup is stood in for,
as there are no subscriptions in this stack). Stages, run separately:

1. parse and rate: our CSV reader and Rater over the whole file (--records), in this process,
   counted in CPU seconds (records per second per core) and wall seconds; peak memory
   (ru_maxrss) after a tenth of the file and after all of it.
2. the store path: a gzip file of --store records dropped into the uploads bucket and worked
   through the queue (S3 event, planning, every chunk: rate, read the ids seen, commit), with the
   write and read units DynamoDB reports; then the same file dropped again (all duplicates).
3. the floor: raw boto3 writing the same totals (one UpdateItem ADD per day item each chunk of
   records touches: no ids seen, no transactions, no parts in S3).

Write units are worked out here, not taken from DynamoDB Local, which reports one item's units
for a whole TransactWriteItems: after each write, the items it wrote are read back (by another
client, not counted) and each costs ceil(size / 1 KB), twice in a transaction (AWS's rule; an
update is charged the larger of the item before and after, and these items only grow).

    python bench/usage.py [--records 1000000] [--store 100000]
"""
import argparse
import gzip
import random
import resource
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import contextmanager
from datetime import datetime, timedelta

from stack import local_stack  # sets the environment: import it before chalicelib

import capacity  # noqa: E402
from chalicelib import config  # noqa: E402
from chalicelib.domain.records import Actor  # noqa: E402
from chalicelib.imports.csv_source import records  # noqa: E402
from chalicelib.imports.kinds import map_header  # noqa: E402
from chalicelib.jobs.usage_chunks import CHUNK_ROWS  # noqa: E402
from chalicelib.services import usage_rating  # noqa: E402
from chalicelib.services.tenants import create_tenant  # noqa: E402
from chalicelib.services.uploads import show_batch  # noqa: E402
from chalicelib.services.usage_rating import Rated, Rater  # noqa: E402
from chalicelib.store.unit_of_work import UnitOfWork  # noqa: E402
from chalicelib.store.uploads import drop_batch_id  # noqa: E402
from chalicelib.store.usage_totals import usage_totals  # noqa: E402
from tests.support.usage import NUMBERS, Subscriptions  # noqa: E402

ACCOUNTS = {f"ACC-{n:03d}": f"sub_{n:03d}" for n in range(100)}
HEADER = "id,account,start,duration_seconds,destination,direction\r\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--store", type=int, default=100_000)
    args = parser.parse_args()
    with local_stack(), tempfile.NamedTemporaryFile(suffix=".csv") as whole:
        size = _generate(whole, args.records)
        print(f"generated {args.records} call records, {size / 1e6:.1f} MB")
        for count in (args.records // 10, args.records):
            cpu, wall, rated = _parse_and_rate(whole.name, count)
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"parse + rate {count} records: {count / cpu:,.0f} records per CPU second "
                  f"({cpu:.1f} s CPU, {wall:.1f} s wall: {count / wall:,.0f}/s on this shared machine); "
                  f"{rated} rated; peak memory so far {peak:.0f} MB")
        _store_path(args.store)


def _generate(out, count: int) -> int:
    rng = random.Random(7)
    start, step = datetime(2026, 3, 1), timedelta(days=28) / count
    accounts = list(ACCOUNTS)
    out.write(HEADER.encode())
    for n in range(count):
        at = (start + step * n).strftime("%Y-%m-%dT%H:%M:%S+00:00")
        out.write(f"cdr-{n:08d},{rng.choice(accounts)},{at},{rng.randint(0, 900)},{rng.choice(NUMBERS)},"
                  f"outbound\r\n".encode())
    out.flush()
    return out.tell()


def _parse_and_rate(path: str, count: int):
    """Our reader and rater over the first `count` records; nothing kept but a count."""
    rater = Rater("ten_bench", Subscriptions(ACCOUNTS))
    started, wall = time.process_time(), time.perf_counter()
    rated = 0
    with open(path, "rb") as stream:
        found = records(stream, "utf-8")
        columns = map_header("usage", next(found).cells)
        at = [(c.target, i) for i, c in enumerate(columns.columns) if c and c.target]
        for n, record in enumerate(found):
            if n == count:
                break
            cells = record.cells
            rated += isinstance(rater.rate_fields({t: cells[i] for t, i in at}, record.line), Rated)
    return time.process_time() - started, time.perf_counter() - wall, rated


def _store_path(count: int) -> None:
    subscriptions = Subscriptions(ACCOUNTS)
    usage_rating.default_lookup = lambda: subscriptions
    tenant_id = create_tenant(UnitOfWork(), Actor("bench"), {"legal_name": "Calls Ltd",
                                                            "timezone": "Europe/London"}).id
    with tempfile.NamedTemporaryFile(suffix=".csv") as part:
        _generate(part, count)
        part.seek(0)
        packed = gzip.compress(part.read(), compresslevel=6)
    meter = capacity.install()
    units = WriteUnits()
    for label in ("first drop", "the same file dropped again"):
        with meter.measuring() as counts, units.counting() as written:
            started = time.perf_counter()
            batch_id = _drop(tenant_id, f"{label.replace(' ', '-')}.csv.gz", packed)
            messages = _work_queue()
            seconds = time.perf_counter() - started
        (file,) = show_batch(tenant_id, batch_id)["files"]
        print(f"store path, {label}: {count} records ({len(packed) / 1e6:.1f} MB gzip) in {seconds:.1f} s "
              f"({count / seconds:,.0f}/s wall), {messages} queue messages; counts {file['counts']}; "
              f"{written['units'] * 1000 / count:.1f} write units ({written['items']} items in {written['calls']} "
              f"transactions) and {counts['rcu'] * 1000 / count:.1f} read units per 1,000 records; "
              f"{counts['conflicts']} transactions refused and retried")
    calls = sum(t.calls for sub in ACCOUNTS.values() for t in usage_totals(tenant_id, sub, "2026-03-01"))
    assert calls == count, (calls, count)
    print(f"totals hold {calls} calls: each record once")
    _floor(tenant_id, count, units)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (ru_maxrss): {peak:.0f} MB (target <= 256)")


def _drop(tenant_id: str, name: str, body: bytes) -> str:
    import boto3

    key = f"tenants/{tenant_id}/drop/usage/{name}"
    etag = boto3.client("s3").put_object(Bucket=config.uploads_bucket(), Key=key, Body=body)["ETag"].strip('"')
    return drop_batch_id(config.uploads_bucket(), key, etag)


def _work_queue() -> int:
    import boto3

    from chalicelib.jobs.imports import handle

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.uploads_queue())["QueueUrl"]
    handled = 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1).get("Messages", [])
        if not messages:
            return handled
        assert handle([{"messageId": messages[0]["MessageId"], "body": messages[0]["Body"]}]) == {
            "batchItemFailures": []}
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        handled += 1


def _floor(tenant_id: str, count: int, units: "WriteUnits") -> None:
    """Raw boto3: the same totals, one UpdateItem ADD per day item per chunk of CHUNK_ROWS records."""
    from chalicelib.store.models import connection

    rater = Rater(tenant_id, Subscriptions(ACCOUNTS))
    with tempfile.NamedTemporaryFile(suffix=".csv") as source:
        _generate(source, count)
        source.seek(0)
        found = records(source, "utf-8")
        columns = map_header("usage", next(found).cells)
        at = [(c.target, i) for i, c in enumerate(columns.columns) if c and c.target]
        chunks, chunk = [], []
        for record in found:
            chunk.append(rater.rate_fields({t: record.cells[i] for t, i in at}, record.line))
            if len(chunk) == CHUNK_ROWS:
                chunks.append(chunk)
                chunk = []
        chunks += [chunk] if chunk else []
    client = connection().client
    with units.counting() as written:
        started = time.perf_counter()
        for chunk in chunks:
            for (sub, day), sums in _day_sums(chunk).items():
                names, values, adds = {}, {}, []
                for i, (prefix, (calls, seconds, micros)) in enumerate(sums.items()):
                    for letter, value in (("c", calls), ("s", seconds), ("m", micros)):
                        names[f"#{letter}{i}"] = f"{letter}#{prefix}"
                        values[f":{letter}{i}"] = {"N": str(value)}
                        adds.append(f"#{letter}{i} :{letter}{i}")
                client.update_item(TableName=config.table_name(),
                                   Key={"PK": {"S": f"FLOOR#{tenant_id}#{sub}"}, "SK": {"S": f"DAY#{day}"}},
                                   UpdateExpression="ADD " + ", ".join(adds), ExpressionAttributeNames=names,
                                   ExpressionAttributeValues=values)
        seconds = time.perf_counter() - started
    print(f"floor (raw boto3, the same totals, no ids seen, no transactions): {seconds:.1f} s "
          f"({count / seconds:,.0f}/s wall); {written['units'] * 1000 / count:.1f} write units per 1,000 records "
          f"({written['items']} updates)")


class WriteUnits:
    """Write units of UpdateItem and TransactWriteItems calls, from the sizes of the items written."""

    def __init__(self):
        import boto3

        from chalicelib.store.models import connection

        self.counts, self._pending, self._reader = Counter(), threading.local(), boto3.client("dynamodb")
        events = connection().client.meta.events
        events.register("provide-client-params.dynamodb", self._keep)
        events.register("after-call.dynamodb", self._count)

    @contextmanager
    def counting(self):
        self.counts.clear()
        yield self.counts

    def _keep(self, params, model, **_):
        self._pending.params = params if model.name in ("UpdateItem", "TransactWriteItems") else None

    def _count(self, parsed, model, **_):
        params = getattr(self._pending, "params", None)
        if params is None or "Error" in parsed:
            return
        if model.name == "UpdateItem":
            keys, factor = [params["Key"]], 1
        else:
            keys = [body.get("Key") or {k: body["Item"][k] for k in ("PK", "SK")}
                    for entry in params["TransactItems"] for body in entry.values()]
            factor = 2
        table = config.table_name()
        found = self._reader.batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})
        sizes = [item_bytes(item) for item in found["Responses"][table]]
        self.counts.update(units=factor * sum(-(-size // 1024) for size in sizes), items=len(keys), calls=1)


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


def _day_sums(chunk):
    sums = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for rated in chunk:
        entry = sums[(rated.subscription_id, rated.day)][rated.key]
        entry[0] += 1
        entry[1] += rated.seconds
        entry[2] += rated.micros
    return sums


if __name__ == "__main__":
    main()
