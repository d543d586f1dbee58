"""Bulk upload of a generated CSV of invoices (60 MB by default) against DynamoDB Local and moto.

Prints the parse-and-validate rate (MB/s) over the file, the process's peak
memory, and the whole import's time (S3 event, planning, every chunk through
the queue, the reports) with 1 and with 2 workers (processes taking the
queue's messages one at a time, as Lambda's copies do; each import into a
tenant of its own, timed from its S3 event: the file is in the bucket), each
beside two floors measured right after it in the same run: raw boto3
replaying, once per invoice, the very transaction our import wrote for a
sample invoice (captured on the wire), with conditions, under fresh ids, in as
many processes as workers (each its own series and tallies: it never
conflicts); first through boto3's serializer, then with the body sent as built
(store/raw_items.py, as our own client sends it), the smallest client work
for the same bytes. Wall time and the CPU time of the worker (or floor)
processes: the CPU ratio does not move with the other load on the machine.
With two workers it also shows how many of the file's chunks ran at once.

    python bench/upload.py [--mb 60] [--lines 20] [--workers 1,2]
"""
import argparse
import itertools
import json
import os
import resource
import tempfile
import multiprocessing
import time

from stack import local_stack  # sets the environment: import it before chalicelib

from chalicelib import config  # noqa: E402
from chalicelib.domain.records import Actor  # noqa: E402
from chalicelib.imports.bodies import Rejected, from_rows  # noqa: E402
from chalicelib.imports.csv_source import records  # noqa: E402
from chalicelib.imports.grouping import Group, grouped  # noqa: E402
from chalicelib.imports.kinds import map_header  # noqa: E402
from chalicelib.jobs.import_lookups import Directory  # noqa: E402
from chalicelib.services.customers import CUSTOMERS  # noqa: E402
from chalicelib.services.records import create_record  # noqa: E402
from chalicelib.services.tenants import create_tenant  # noqa: E402
from chalicelib.services.uploads import show_batch  # noqa: E402
from chalicelib.store.diagnostics import captured_transactions  # noqa: E402
from chalicelib.store.unit_of_work import UnitOfWork  # noqa: E402
from chalicelib.store.uploads import drop_batch_id, files_of  # noqa: E402

ACTOR = Actor("bench")
CUSTOMER_NAMES = [f"Customer {n:03d} Trading Ltd" for n in range(100)]
_REPLAYS = itertools.count()
_FORK = multiprocessing.get_context("fork")
_MAX_MESSAGES = 4096  # the queue messages one import's spans are kept for
HEADER = "number,customer,issue_date,reference,description,quantity,unit_price,vat_rate\r\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=60)
    parser.add_argument("--lines", type=int, default=20, help="lines (rows) per invoice")
    parser.add_argument("--workers", default="1,2", help="workers to import with, each run beside its floor")
    args = parser.parse_args()
    with local_stack(), tempfile.NamedTemporaryFile(suffix=".csv") as generated:
        tenant_id = _books(CUSTOMER_NAMES)
        invoices = _generate(generated, int(args.mb * 1024 * 1024), args.lines)
        size = generated.tell()
        print(f"generated {size / 1e6:.1f} MB: {invoices} invoices of {args.lines} lines")

        seconds, cpu, rows = _parse_and_validate(generated.name, tenant_id)
        print(f"parse + validate: {rows} rows in {seconds:.1f} s = {size / 1e6 / seconds:.1f} MB/s "
              f"({rows / seconds:.0f} rows/s); CPU {cpu:.1f} s = {size / 1e6 / cpu:.1f} MB/s")

        sample = _sample_transaction(args.lines)
        for workers in (int(n) for n in args.workers.split(",")):
            _import_beside_floor(generated.name, invoices, args.lines, workers, sample)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak memory of this process (ru_maxrss): {peak:.0f} MB (target <= 512)")


def _import_beside_floor(path: str, invoices: int, lines: int, workers: int, sample) -> None:
    tenant_id = _books(CUSTOMER_NAMES)
    load = os.getloadavg()[0]
    batch_id = _drop(tenant_id, "invoices.csv", path)
    (ours, ours_cpu), (messages, at_once) = _timed(_work_queue, workers)
    (file,) = show_batch(tenant_id, batch_id)["files"]
    assert file["status"] == "done" and file["counts"]["imported"] == invoices * lines, file
    chunks = len(files_of(tenant_id, batch_id)[0].info["ranges"])
    print(f"{workers} worker(s): whole import {ours:.1f} s, CPU {ours_cpu:.1f} s ({invoices / ours:.1f} invoices/s, "
          f"{chunks} chunks, {messages} queue messages, at most {at_once} chunks at once), counts {file['counts']}")
    for as_built in (False, True):
        (floor, floor_cpu), _ = _timed(_replay, sample, invoices, workers, as_built)
        print(f"  floor: raw boto3 replaying the import's transaction {invoices} times in {workers} process(es)"
              f"{', sent as built' if as_built else ''}: {floor:.1f} s, CPU {floor_cpu:.1f} s "
              f"({invoices / floor:.1f}/s)  ratio {ours / floor:.2f} (target <= 1.2), CPU {ours_cpu / floor_cpu:.2f}")
    print(f"  load average {load:.1f} before, {os.getloadavg()[0]:.1f} after")


def _timed(run, *args):
    """((wall seconds, CPU seconds of the processes it forked), its result)."""
    def children_cpu() -> float:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        return used.ru_utime + used.ru_stime

    started, cpu = time.perf_counter(), children_cpu()
    result = run(*args)
    return (time.perf_counter() - started, children_cpu() - cpu), result


def _books(customers) -> str:
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Bench Ltd"})
    for name in customers:
        create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR, {"name": name, "currency": "GBP",
                                                                  "payment_terms_days": 30})
    return tenant.id


def _invoice_rows(number: int, lines: int) -> str:
    customer = CUSTOMER_NAMES[number % len(CUSTOMER_NAMES)]
    day = f"{1 + number % 28:02d}/{1 + number % 12:02d}/2025"
    return "".join(
        f"INV-{number:06d},{customer},{day},PO-{number},\"Consulting, week {i + 1}: analysis and "
        f"reporting for project {number % 97}\",{1 + i % 5},\"{1000 + i * 7.25:,.2f}\",20\r\n"
        for i in range(lines))


def _generate(out, size: int, lines: int) -> int:
    """As many invoices as fit in `size` bytes."""
    out.write(HEADER.encode())
    count = 0
    while True:
        rows = _invoice_rows(count + 1, lines).encode()
        if out.tell() + len(rows) > size:
            out.flush()
            return count
        out.write(rows)
        count += 1


def _parse_and_validate(path: str, tenant_id: str):
    """Our reader, grouping and validation (the API's schemas, customer names) over the file."""
    started, cpu = time.perf_counter(), time.process_time()
    with open(path, "rb") as stream:
        found = records(stream, "utf-8")
        columns = map_header("invoices", next(found).cells)
        number_at = [c.target for c in columns.columns].index("number")
        lookups, rows = Directory(tenant_id), 0
        for group in grouped(found, lambda r: r.cells[number_at], lambda r: not any(r.cells)):
            assert isinstance(group, Group)
            try:
                from_rows("invoices", columns, group.rows, lookups)
            except Rejected as rejected:
                raise AssertionError(rejected.problems)
            rows += len(group.rows)
    return time.perf_counter() - started, time.process_time() - cpu, rows


def _drop(tenant_id: str, name: str, path: str) -> str:
    import boto3

    key = f"tenants/{tenant_id}/drop/invoices/{name}"
    s3 = boto3.client("s3")
    s3.upload_file(path, config.uploads_bucket(), key)
    etag = s3.head_object(Bucket=config.uploads_bucket(), Key=key)["ETag"].strip('"')
    return drop_batch_id(config.uploads_bucket(), key, etag)


def _work_queue(workers: int = 1):
    """Work the uploads queue as Lambda's event source does with `workers` copies (processes: one
    interpreter each, as in Lambda), one message per run, until it is empty and no worker is busy;
    returns how many messages were handled, and the most chunks of the file that ran at once."""
    lock, busy, handled = _FORK.Lock(), _FORK.Value("i", 0), _FORK.Value("i", 0)
    spans = _FORK.Array("d", 3 * _MAX_MESSAGES, lock=False)
    _in_processes(workers, _queue_worker, lock, busy, handled, spans)
    return handled.value, _most_at_once(spans, handled.value)


def _most_at_once(spans, count: int) -> int:
    """The most chunk messages handled at the same time (a span: chunk or -1, start, end)."""
    events = sorted(event for n in range(count) if spans[3 * n] >= 0
                    for event in ((spans[3 * n + 1], 1), (spans[3 * n + 2], -1)))
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


def _queue_worker(_: int, lock, busy, handled, spans=None) -> None:
    import boto3

    from chalicelib.jobs.imports import handle

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.uploads_queue())["QueueUrl"]
    while True:
        with lock:  # receives take turns, as the local pump's do (moto's receive takes no lock)
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
            if not messages and not busy.value:
                return
            busy.value += bool(messages)
        if not messages:
            time.sleep(0.05)
            continue
        started = time.time()
        try:
            result = handle([{"messageId": messages[0]["MessageId"], "body": messages[0]["Body"]}])
            assert result == {"batchItemFailures": []}, result
            sqs.delete_message(QueueUrl=url, ReceiptHandle=messages[0]["ReceiptHandle"])
        finally:
            with lock:
                if spans is not None:
                    chunk = json.loads(messages[0]["Body"]).get("chunk", -1)
                    spans[3 * handled.value:3 * handled.value + 3] = [chunk, started, time.time()]
                busy.value -= 1
                handled.value += 1


def _in_processes(count: int, target, *args) -> None:
    """target(n, *args) in `count` forked processes at once, each with AWS clients of its own."""
    def run(n: int) -> None:
        _fresh_clients()
        target(n, *args)

    processes = [_FORK.Process(target=run, args=(n,)) for n in range(count)]
    for process in processes:
        process.start()
    for process in processes:
        process.join()
    assert all(p.exitcode == 0 for p in processes), [p.exitcode for p in processes]


def _fresh_clients() -> None:
    """A forked process must not share its parent's connections: every cached client made anew."""
    import boto3

    from chalicelib.jobs import upload_io
    from chalicelib.store import files, models

    boto3.DEFAULT_SESSION = None
    upload_io._sqs.cache_clear()
    upload_io._queue_url.cache_clear()
    files.s3.cache_clear()
    models._shared_connection = models.DocumentItem._connection = None  # pynamodb keeps it on the class


def _sample_transaction(lines: int):
    """The transaction the import wrote for the second invoice of a small file (warm, as all but
    the first of a chunk are), and that invoice's id and number. A tenant of its own, so that
    like the big file's invoices, it moves the number series on."""
    tenant_id = _books([CUSTOMER_NAMES[1], CUSTOMER_NAMES[2]])
    with tempfile.NamedTemporaryFile(suffix=".csv") as sample:
        sample.write((HEADER + _invoice_rows(1, lines) + _invoice_rows(2, lines)).encode())
        sample.flush()
        with captured_transactions() as written:
            batch_id = _drop(tenant_id, "sample.csv", sample.name)
            _queue_worker(0, _FORK.Lock(), _FORK.Value("i", 0), _FORK.Value("i", 0))  # here: captured
    (file,) = show_batch(tenant_id, batch_id)["files"]
    assert file["counts"]["imported"] == 2 * lines, file
    claims = [r for r in written if "IMPORTED#" in json.dumps(r)]
    return claims[-1], "inv_" + json.dumps(claims[-1]).split('"inv_', 1)[1].split('"', 1)[0], "INV-000002"


def _replay(sample, count: int, threads: int = 1, as_built: bool = False) -> None:
    """The sample transaction `count` times, each under a new invoice id, number and claim: every
    put, update and condition as sent (the number series' version check, which a replay cannot
    meet, aside), in `threads` processes; series, dashboard and ledger items are each one's own.
    `as_built`: the request body is json.dumps of the parameters, not botocore's serializer's."""
    import boto3

    from chalicelib.store.raw_items import send_requests_as_built

    request, invoice_id, number = sample
    items = []
    for item in request["TransactItems"]:
        (action, body), = item.items()
        if action == "Put" and "SERIES#" in json.dumps(body["Item"]):
            body = {k: v for k, v in body.items() if k not in ("ConditionExpression", "ExpressionAttributeNames",
                                                              "ExpressionAttributeValues")}
        items.append({action: body})
    sent, run = json.dumps(items), next(_REPLAYS)  # each replay its own ids

    def replay(thread: int) -> None:
        template = sent
        if as_built:  # as pynamodb makes our client: no parameter validation (the body is not botocore's)
            from botocore.config import Config

            client = boto3.client("dynamodb", config=Config(parameter_validation=False))
            send_requests_as_built(client)
        else:
            client = boto3.client("dynamodb")
        for marker in ("SERIES#", "TALLY", "LEDGER#"):
            template = template.replace(marker, f"FLOOR{thread}" + marker)
        for i in range(thread, count, threads):
            n = f"{run}x{i}"
            replayed = (template.replace(invoice_id, f"{invoice_id}f{n}").replace(number, f"FLOOR-{n}")
                        .replace(number.lower(), f"floor-{n}"))
            client.transact_write_items(TransactItems=json.loads(replayed))

    _in_processes(threads, replay)


if __name__ == "__main__":
    main()
