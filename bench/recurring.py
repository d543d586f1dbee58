"""The recurring run against DynamoDB Local: due templates through the tick and its worker.

Prints the tick's peak memory at 1,000 and at 10,000 due templates (it must not
grow with the number: the tick pages through the due-time index), the worker's
throughput generating one invoice per due template (the tick's messages handed
to the jobs handler in batches of ten, as Lambda delivers them, each carrying its template
as the tick does; with --worked, only so many of them) and a floor measured in the same run:
raw boto3 replaying exactly the worker's transaction for each (and again with a raw BatchGetItem
of each ten templates, what the worker read before the tick carried them). They alternate in
rounds; the median ratio is reported, and the process's CPU time per occurrence of each.

    python bench/recurring.py [--templates 10000] [--repeats 5] [--worked 3000]

One template is made by the service; the others are its stored items written again under
fresh ids (seed_templates.py), as the service would have stored them.
"""
import argparse
import json
import statistics
import time
import tracemalloc
from collections import Counter
from datetime import date, datetime, timezone
from decimal import Decimal
from functools import lru_cache

from stack import local_stack  # sets the environment: import it before chalicelib
from seed_templates import write_copies

from chalicelib import config  # noqa: E402
from chalicelib.domain.records import Actor  # noqa: E402
from chalicelib.jobs.dispatch import handle  # noqa: E402
from chalicelib.jobs.recurring import generate_due, run_tick  # noqa: E402
from chalicelib.services.customers import CUSTOMERS  # noqa: E402
from chalicelib.services.recurring import TEMPLATES, create_template, generated_invoices  # noqa: E402
from chalicelib.services.records import create_record  # noqa: E402
from chalicelib.services.tenants import create_tenant  # noqa: E402
from chalicelib.store.diagnostics import captured_transactions, count_dynamodb_calls  # noqa: E402
from chalicelib.store.unit_of_work import UnitOfWork  # noqa: E402

ACTOR = Actor("bench")
AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)  # occurrence 0 (31 January) is due
BATCH = 10  # messages per delivery: the jobs queue's event source batch size (infra/)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=5, help="rounds of ours beside the floor; median reported")
    parser.add_argument("--worked", type=int, help="the worker's rounds take only this many of the due templates")
    args = parser.parse_args()
    total, repeats = args.templates, args.repeats
    with local_stack():
        tenant_id, customer_id = books()
        first = min(1000, total)
        with captured_transactions() as created:
            made = [template(tenant_id, customer_id)]
        made += write_copies(created[0], made[0], first - 1)[0]
        print(f"tick over {first} due templates: peak memory {_tick_peak(first) / 1024:.0f} KiB")
        made += write_copies(created[0], made[0], total - first)[0]
        print(f"tick over {total} due templates: peak memory {_tick_peak(total) / 1024:.0f} KiB")

        with captured_transactions() as sample:
            generate_due(tenant_id, made[0], AS_OF)  # its transaction is what the floor replays
        invoice_id = generated_invoices(tenant_id, made[0])[0]["invoice_id"]
        jobs = _due_jobs(made[0])[:args.worked]
        size = len(jobs) // repeats
        rounds, calls = [], Counter()
        _floor_client()  # made outside the timings
        for r in range(repeats):
            with count_dynamodb_calls() as round_calls:
                ours, ours_cpu = _time(lambda: _work(jobs[r * size:(r + 1) * size]))
            calls.update(round_calls)
            floor, floor_cpu = _time(lambda: _replay(sample, (made[0], invoice_id), r * size, size))
            reads, _ = _time(lambda: _read_batches(jobs[r * size:(r + 1) * size]))
            rounds.append((ours, floor, floor + reads, ours_cpu, floor_cpu))
        _report(rounds, size * repeats, calls)


def _due_jobs(done):
    """The messages the tick sends, but for the template already generated."""
    jobs = []
    run_tick(AS_OF, jobs.append)
    return [job for job in jobs if job["template_id"] != done]


def _work(jobs):
    """The worker's way in: the jobs queue's handler, given batches of ten messages as Lambda is."""
    for start in range(0, len(jobs), BATCH):
        records = [{"messageId": str(i), "body": json.dumps(job), "attributes": {"ApproximateReceiveCount": "1"}}
                   for i, job in enumerate(jobs[start:start + BATCH])]
        failed = handle(records)["batchItemFailures"]
        assert not failed, failed


def _report(rounds, count, calls):
    ours, floor = sum(r[0] for r in rounds), sum(r[1] for r in rounds)
    ratios = sorted(r[0] / r[1] for r in rounds)
    print(f"DynamoDB calls per occurrence: {_per(calls, count)}")
    print(f"worker, {count} occurrences in {len(rounds)} rounds, one worker, batches of {BATCH} messages: "
          f"{ours:.2f} s ({count / ours:.1f}/s)")
    print(f"floor: raw boto3 replaying the worker's transactions: {floor:.2f} s ({count / floor:.1f}/s)")
    print(f"ratio per round (ours, then the floor on as many): median {statistics.median(ratios):.2f} "
          f"(min {ratios[0]:.2f}, max {ratios[-1]:.2f}; target <= 1.2)")
    with_reads = sorted(r[0] / r[2] for r in rounds)
    print(f"ratio to the floor plus a raw BatchGetItem of each ten templates (reads the worker no longer makes): "
          f"median {statistics.median(with_reads):.2f} (min {with_reads[0]:.2f}, max {with_reads[-1]:.2f})")
    ours_cpu, floor_cpu = sum(r[3] for r in rounds), sum(r[4] for r in rounds)
    print(f"process CPU per occurrence: ours {ours_cpu / count * 1000:.2f} ms, the floor {floor_cpu / count * 1000:.2f} "
          f"ms, ratio {ours_cpu / floor_cpu:.2f}")


def _per(calls, count):
    return {name: round(n / count, 3) for name, n in sorted(calls.items())}


def _time(action):
    """(wall seconds, this process's CPU seconds) of the action."""
    started, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - started, time.process_time() - cpu


def books():
    """A tenant and a customer to bill."""
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Bench Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                             {"name": "Customer", "currency": "GBP", "payment_terms_days": 30})
    return tenant.id, customer.id


def template(tenant_id, customer_id, action="draft"):
    """A monthly five-line template from 31 January 2026; its id."""
    return create_template(UnitOfWork(), tenant_id, ACTOR, {
        "name": "Retainer", "customer_id": customer_id, "action": action, "missed": "generate_each",
        "lines": [{"description": f"Service {i}", "quantity": Decimal(1), "unit_price": Decimal("99.50")}
                  for i in range(5)],
        "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 1, 31)}}).id


def _tick_peak(expected):
    sent = []
    tracemalloc.start()
    run_tick(AS_OF, lambda message: sent.append(None))  # count only: keep the messages' own memory out
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(sent) == expected, (len(sent), expected)
    return peak


def _replay(requests, ids, start, count):
    """Replay the sample's transactions `count` times with the template and invoice under fresh ids,
    conditions kept (none can fail on fresh ids but the template's version check, which is dropped)."""
    client = _floor_client()
    sample = json.dumps([[_unconditional_template(item) for item in r["TransactItems"]] for r in requests])
    for i in range(start, start + count):
        replay = sample
        for original in ids:
            replay = replay.replace(original, f"{original}f{i}")
        for items in json.loads(replay):
            client.transact_write_items(TransactItems=items)


@lru_cache(maxsize=None)
def _floor_client():
    """The floor's plain boto3 client, made once (outside its timings)."""
    import boto3

    return boto3.client("dynamodb")


def _read_batches(jobs):
    """Read the jobs' templates as the worker did before the tick carried them: ten at a time,
    consistent, with plain boto3 (timed after the floor's transactions, so its numbers are its own)."""
    client, table = _floor_client(), config.table_name()
    for start in range(0, len(jobs), BATCH):
        keys = [{"PK": {"S": TEMPLATES.store.pk(job["tenant_id"], job["template_id"])}, "SK": {"S": "RECORD"}}
                for job in jobs[start:start + BATCH]]
        client.batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})


def _unconditional_template(item):
    (action, body), = item.items()
    if action == "Put" and "RECURRING#" in json.dumps(body["Item"]["PK"]) and "SK" in body["Item"] \
            and body["Item"]["SK"] == {"S": "RECORD"}:
        body = {k: v for k, v in body.items()
                if k not in ("ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues")}
    return {action: body}


if __name__ == "__main__":
    main()
