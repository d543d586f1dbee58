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
   write and read units, and the process's peak memory every ten queue messages (ru_maxrss: the
   worker runs in this process); then the same file dropped again (all duplicates).
3. the floor: raw boto3 writing the same totals (one UpdateItem ADD per day item each chunk of
   records touches: no ids seen, no transactions, no parts in S3).

Write units are worked out by write_units.WriteUnits from the sizes of the items written (and
indexed), not taken from DynamoDB Local, which reports one item's units for a whole
TransactWriteItems; its read-backs run in both timed paths.

    python bench/usage.py [--records 1000000] [--store 1000000]
"""
import argparse
import gzip
import random
import resource
import tempfile
import time
from collections import defaultdict
from datetime import datetime, timedelta

from stack import local_stack  # sets the environment: import it before chalicelib

import capacity  # noqa: E402
from write_units import WriteUnits  # noqa: E402
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
    parser.add_argument("--store", type=int, default=1_000_000)
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
    meter = capacity.install()
    units = WriteUnits()
    with tempfile.NamedTemporaryFile(suffix=".csv.gz") as packed:
        with gzip.GzipFile(fileobj=packed, mode="wb", compresslevel=6) as out:
            _generate(out, count)
        size = packed.tell()
        for label in ("first drop", "the same file dropped again"):
            with meter.measuring() as counts, units.counting() as written:
                started = time.perf_counter()
                packed.seek(0)
                batch_id = drop_file(tenant_id, f"{label.replace(' ', '-')}.csv.gz", packed)
                messages = work_uploads_queue()
                seconds = time.perf_counter() - started
            (file,) = show_batch(tenant_id, batch_id)["files"]
            print(f"store path, {label}: {count} records ({size / 1e6:.1f} MB gzip) in {seconds:.1f} s "
                  f"({count / seconds:,.0f}/s wall), {messages} queue messages; counts {file['counts']}; "
                  f"{written['units'] * 1000 / count:.1f} write units ({written['items']} items in "
                  f"{written['calls']} transactions) and {counts['rcu'] * 1000 / count:.1f} read units per "
                  f"1,000 records; {counts['conflicts']} transactions refused and retried")
    calls = sum(t.calls for sub in ACCOUNTS.values() for t in usage_totals(tenant_id, sub, "2026-03-01"))
    assert calls == count, (calls, count)
    print(f"totals hold {calls} calls: each record once")
    _floor(tenant_id, count, units)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (ru_maxrss): {peak:.0f} MB (target <= 256)")


def drop_file(tenant_id: str, name: str, body) -> str:
    import boto3

    key = f"tenants/{tenant_id}/drop/usage/{name}"
    etag = boto3.client("s3").put_object(Bucket=config.uploads_bucket(), Key=key, Body=body)["ETag"].strip('"')
    return drop_batch_id(config.uploads_bucket(), key, etag)


def work_uploads_queue() -> int:
    """Every message of the uploads queue through the handler, one at a time; the process's peak
    memory after the first tenth of them (of the drop's chunk count, guessed from CHUNK_ROWS)."""
    import boto3

    from chalicelib.jobs.imports import handle

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.uploads_queue())["QueueUrl"]
    handled = 0
    while True:
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=1).get("Messages", [])
        if not messages:
            print(f"  peak memory after {handled} messages: {_peak_mb():.0f} MB")
            return handled
        assert handle([{"messageId": messages[0]["MessageId"], "body": messages[0]["Body"]}]) == {
            "batchItemFailures": []}
        sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        handled += 1
        if handled % 10 == 0:
            print(f"  peak memory after {handled} messages: {_peak_mb():.0f} MB", flush=True)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _floor(tenant_id: str, count: int, units: "WriteUnits") -> None:
    """Raw boto3: the same totals, one UpdateItem ADD per day item per chunk of CHUNK_ROWS records
    (each chunk read and rated first, untimed)."""
    from chalicelib.store.models import connection

    rater, client, seconds = Rater(tenant_id, Subscriptions(ACCOUNTS)), connection().client, 0.0
    with tempfile.NamedTemporaryFile(suffix=".csv") as source, units.counting() as written:
        _generate(source, count)
        source.seek(0)
        found = records(source, "utf-8")
        columns = map_header("usage", next(found).cells)
        at = [(c.target, i) for i, c in enumerate(columns.columns) if c and c.target]
        chunk = []
        for n, record in enumerate(found, 1):
            chunk.append(rater.rate_fields({t: record.cells[i] for t, i in at}, record.line))
            if len(chunk) == CHUNK_ROWS or n == count:
                started = time.perf_counter()
                _floor_chunk(client, tenant_id, chunk)
                seconds += time.perf_counter() - started
                chunk = []
    print(f"floor (raw boto3, the same totals, no ids seen, no transactions): {seconds:.1f} s "
          f"({count / seconds:,.0f}/s wall); {written['units'] * 1000 / count:.1f} write units per 1,000 records "
          f"({written['items']} updates)")


def _floor_chunk(client, tenant_id: str, chunk) -> None:
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
