"""The recurring run against DynamoDB Local: due templates through the tick and its worker.

Prints the tick's peak memory at 1,000 and at 10,000 due templates (it must not
grow with the number: the tick pages through the due-time index), the worker's
throughput generating one invoice per due template, and a floor measured in
the same run: raw boto3 replaying exactly the worker's transaction for each.

    python bench/recurring.py [--templates 10000]
"""
import argparse
import json
import time
import tracemalloc
from datetime import date, datetime, timezone
from decimal import Decimal

from stack import local_stack  # sets the environment: import it before chalicelib

from chalicelib.domain.records import Actor  # noqa: E402
from chalicelib.jobs.recurring import generate_due, run_tick  # noqa: E402
from chalicelib.services.customers import CUSTOMERS  # noqa: E402
from chalicelib.services.recurring import create_template, generated_invoices  # noqa: E402
from chalicelib.services.records import create_record  # noqa: E402
from chalicelib.services.tenants import create_tenant  # noqa: E402
from chalicelib.store.diagnostics import captured_transactions, count_dynamodb_calls  # noqa: E402
from chalicelib.store.unit_of_work import UnitOfWork  # noqa: E402

ACTOR = Actor("bench")
AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)  # occurrence 0 (31 January) is due


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--templates", type=int, default=10000)
    total = parser.parse_args().templates
    with local_stack():
        tenant_id, customer_id = books()
        first = min(1000, total)
        made = [template(tenant_id, customer_id) for _ in range(first)]
        print(f"tick over {first} due templates: peak memory {_tick_peak(first) / 1024:.0f} KiB")
        made += [template(tenant_id, customer_id) for _ in range(total - first)]
        print(f"tick over {total} due templates: peak memory {_tick_peak(total) / 1024:.0f} KiB")

        with count_dynamodb_calls() as calls, captured_transactions() as sample:
            generate_due(tenant_id, made[0], AS_OF)
        print(f"DynamoDB calls to generate one occurrence: {dict(calls)}")
        started = time.perf_counter()
        for template_id in made[1:]:
            generate_due(tenant_id, template_id, AS_OF)
        ours = time.perf_counter() - started
        invoice_id = generated_invoices(tenant_id, made[0])[0]["invoice_id"]
        floor = _replay(sample, (made[0], invoice_id), len(made) - 1)
        count = len(made) - 1
        print(f"worker, {count} occurrences, one worker: {ours:.2f} s ({count / ours:.1f}/s)")
        print(f"floor: raw boto3 replaying the worker's transactions: {floor:.2f} s ({count / floor:.1f}/s)"
              f"  ratio {ours / floor:.2f} (target <= 1.5)")


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


def _replay(requests, ids, count):
    """The sample's transactions, replayed `count` times with the template and invoice under
    fresh ids, conditions kept (none can fail on fresh ids but the template's version check,
    which is dropped)."""
    import boto3

    client = boto3.client("dynamodb")
    sample = json.dumps([[_unconditional_template(item) for item in r["TransactItems"]] for r in requests])
    started = time.perf_counter()
    for i in range(count):
        replay = sample
        for original in ids:
            replay = replay.replace(original, f"{original}f{i}")
        for items in json.loads(replay):
            client.transact_write_items(TransactItems=items)
    return time.perf_counter() - started


def _unconditional_template(item):
    (action, body), = item.items()
    if action == "Put" and "RECURRING#" in json.dumps(body["Item"]["PK"]) and "SK" in body["Item"] \
            and body["Item"]["SK"] == {"S": "RECORD"}:
        body = {k: v for k, v in body.items()
                if k not in ("ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues")}
    return {action: body}


if __name__ == "__main__":
    main()
