"""The billing run for many subscriptions against DynamoDB Local and moto, beside a raw boto3 floor.

One tenant (Europe/London), a rate card, a monthly package with an allowance, and
--subscriptions subscriptions from 1 March 2026, each of its own customer and
issuing its invoices. Seeding is quick and exact: one customer and one
subscription are made through the API with their transactions captured on the
wire, and --calls call records of it (each day a destination: UK, UK mobile,
NANP) are dropped as a file and counted through the uploads queue; the rest are
those same items (and the usage items read back) under new ids, written by
BatchWriteItem. A few are read back through the API, their upcoming invoice
priced as the first's.

The run, as production does it: the tick's billing part (run_billing_tick) at the
end of March makes one message per subscription, sent to the FIFO issues queue
as the tick sends them (a hundred at a time: moto's SendMessage slows with the
queue's length); they are received ten at a time and handed to the issues
queue's handler (dispatch.handle, in order). Timed: the handler, in rounds alternating with the
floor: raw boto3 replaying, for as many subscriptions, the transactions billing
one subscription wrote (captured on the wire), under fresh ids, conditions kept
but those on items only the original has. Before the rounds, 100 subscriptions
each way count write units (write_units.WriteUnits: from the sizes of the items
written, as AWS charges). DynamoDB calls per subscription over the timed rounds.

    python bench/billing.py [--subscriptions 10000] [--rounds 5] [--calls 3]
"""
import argparse
import base64
import json
import os
import resource
import statistics
import time
import tracemalloc
from collections import Counter
from datetime import datetime, timezone

from stack import local_stack  # sets the environment: import it before chalicelib

from usage import drop_file, work_uploads_queue  # noqa: E402
from write_units import WriteUnits  # noqa: E402

from chalicelib import config  # noqa: E402
from chalicelib.jobs.billing import bill_due, run_billing_tick  # noqa: E402
from chalicelib.jobs.dispatch import handle  # noqa: E402
from chalicelib.services.uploads import show_batch  # noqa: E402
from chalicelib.store import keys  # noqa: E402
from chalicelib.store.diagnostics import captured_transactions, count_dynamodb_calls  # noqa: E402

AS_OF = datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)  # midnight in London (BST) starting 1 April
NUMBERS = ("+44 20 7946 0000", "447700900123", "+12125550100")
FED_AHEAD = 100  # messages in the issues queue at once


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscriptions", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=3, help="call records per subscription")
    parser.add_argument("--counted", type=int, default=100, help="subscriptions each way whose write units are "
                        "counted, before the timed rounds")
    args = parser.parse_args()
    with local_stack():
        from app import app
        from tests.support.api import gateway_client

        with gateway_client(app) as client:
            api, tenant_id, made = _seed(client, args.subscriptions, args.calls)
            sample, renamed = _sample(api, tenant_id, made[0])
            jobs = _tick(args.subscriptions - 1)
            _count_units(jobs[:args.counted], sample, renamed)
            rounds, calls = _rounds(jobs[args.counted:], args.rounds, sample, renamed)
            _report(rounds, calls)
            _check(api, made)


def _seed(client, count: int, calls: int):
    """The tenant, its card and package, and `count` subscriptions, each of its own customer and
    with `calls` call records counted in March."""
    from tests.api.test_catalogue import card, package
    from tests.support.api import Api

    admin = Api(client, "bench-admin-key")
    tenant = admin.post("/tenants", {"legal_name": "Calls Ltd", "timezone": "Europe/London"}).body
    api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
    package_id = package(api, card(api))["id"]
    with captured_transactions() as sent:
        customer = api.post("/customers", {"name": "Customer 00000 Ltd", "emails": ["ap@c00000.test"]}).body["id"]
        subscription = api.post("/subscriptions", {"customer_id": customer, "package_id": package_id,
                                                   "start_date": "2026-03-01", "day_of_month": 1,
                                                   "action": "issue", "account_reference": "ACC-00000"})
    assert subscription.status == 201, subscription.body
    first = subscription.body["id"]
    actions = [action for request in sent for action in request["TransactItems"]]
    items = [a["Put"]["Item"] for a in actions if "Put" in a] + _usage(tenant["id"], first, calls)
    template = json.dumps([{"PutRequest": {"Item": item}} for item in items], default=_base64)
    started, made, batch = time.perf_counter(), [first], []
    for n in range(1, count):
        made.append(keys.new_id("sub"))
        batch += json.loads(template.replace(first, made[-1]).replace(customer, keys.new_id("cus"))
                            .replace("00000", f"{n:05d}"), object_hook=_binary)
        if len(batch) >= 100 or n == count - 1:
            _batch_write(batch)
            batch = []
    _add_tallies([a["Update"] for a in actions if "Update" in a], count - 1)
    print(f"seeded {count} subscriptions, their customers and usage ({len(items)} items each, as the API and "
          f"the usage drop wrote them for the first) in {time.perf_counter() - started:.1f} s")
    upcoming = api.get(f"/subscriptions/{first}/upcoming").body
    for n in (1, count // 2, count - 1):
        shown = api.get(f"/subscriptions/{made[n]}").body
        assert shown["account_reference"] == f"ACC-{n:05d}" and shown["next_period"] == 0, shown
        assert api.get(f"/customers/{shown['customer_id']}").body["name"] == f"Customer {n:05d} Ltd"
        assert api.get(f"/subscriptions/{made[n]}/upcoming").body["totals"] == upcoming["totals"]
    return api, tenant["id"], made


def _base64(value: bytes) -> dict:
    return {"base64": base64.b64encode(value).decode()}


def _binary(value: dict):
    return base64.b64decode(value["base64"]) if value.keys() == {"base64"} else value


def _add_tallies(updates, times: int) -> None:
    """The captured updates (the tenant's counts of active records) applied `times` over, at once."""
    import boto3

    client = boto3.client("dynamodb")
    for update in updates:
        assert update["UpdateExpression"].startswith("ADD ") and "ConditionExpression" not in update, update
        values = {k: {"N": str(int(v["N"]) * times)} for k, v in update["ExpressionAttributeValues"].items()}
        client.update_item(**{**update, "ExpressionAttributeValues": values})


def _batch_write(requests) -> None:
    import boto3

    client = boto3.client("dynamodb")
    for start in range(0, len(requests), 25):
        pending = {config.table_name(): requests[start:start + 25]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")


def _usage(tenant_id: str, subscription_id: str, calls: int):
    """`calls` call records of the subscription (ACC-00000), dropped as a file and counted; returns
    the items that wrote (its totals and ids seen), as stored."""
    import tempfile

    import boto3

    from chalicelib.store.usage_seen import seen_pk
    from chalicelib.store.usage_totals import usage_pk

    with tempfile.NamedTemporaryFile(suffix=".csv") as out:
        out.write(b"id,account,start,duration_seconds,destination,direction\r\n")
        for c in range(calls):
            out.write(f"cdr-{c},ACC-00000,2026-03-{1 + c % 28:02d}T10:00:00+00:00,{60 + 37 * c},"
                      f"{NUMBERS[c % 3]},outbound\r\n".encode())
        out.seek(0)
        batch_id = drop_file(tenant_id, "calls.csv", out)
        work_uploads_queue()
    (file,) = show_batch(tenant_id, batch_id)["files"]
    assert file["counts"]["imported"] == calls, file
    client = boto3.client("dynamodb")
    return [item for pk in (usage_pk(tenant_id, subscription_id, "2026-03-01"), seen_pk(tenant_id, subscription_id))
            for item in client.query(TableName=config.table_name(), KeyConditionExpression="PK = :pk",
                                     ExpressionAttributeValues={":pk": {"S": pk}}, ConsistentRead=True)["Items"]]


def _sample(api, tenant_id: str, subscription_id: str):
    """Bill the first subscription directly: its transactions are what the floor replays, with the
    subscription, the invoice, its number and the series (the first invoice creates it) renamed."""
    with captured_transactions() as sent:
        (invoice_id,) = bill_due(tenant_id, subscription_id, AS_OF)
    invoice = api.get(f"/invoices/{invoice_id}").body
    print(f"sample invoice {invoice['number']}: {[line['description'] for line in invoice['lines']]}, "
          f"gross {invoice['totals']['gross']} {invoice['currency']}; {len(sent)} transaction(s) of "
          f"{[len(r['TransactItems']) for r in sent]} items")
    replaced = (subscription_id, invoice_id, invoice["number"], invoice["number"].lower(), "#SERIES#invoice")
    return [[_floor_action(a, subscription_id) for a in r["TransactItems"]] for r in sent], replaced


def _tick(expected: int):
    """The tick's billing messages (run_billing_tick, as dispatch.tick calls it), kept in a list: its
    time and peak memory (traced, counting only the messages' number) over all the subscriptions."""
    tracemalloc.start()
    started, sent = time.perf_counter(), [0]
    run_billing_tick(AS_OF, lambda message: sent.__setitem__(0, sent[0] + 1))
    seconds, peak = time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert sent[0] == expected, (sent, expected)
    jobs = []
    run_billing_tick(AS_OF, jobs.append)
    print(f"tick: {expected} subscriptions due in {seconds:.1f} s (peak traced memory {peak / 1e6:.2f} MB)")
    return jobs


def _issues():
    import boto3

    sqs = boto3.client("sqs")
    return sqs, sqs.get_queue_url(QueueName=config.issues_queue())["QueueUrl"]


def _issues_depth() -> int:
    sqs, url = _issues()
    return int(sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
               ["Attributes"]["ApproximateNumberOfMessages"])


def _work(jobs):
    """Seconds and CPU seconds the issues queue's handler takes over the jobs: sent to the FIFO issues queue as the
    tick sends them (QueueSender), FED_AHEAD at a time (moto's SendMessage grows with the queue's
    length: bench/burst.py), received ten at a time as Lambda's poller hands them over, handed to
    the handler, deleted; only the handler is timed."""
    from chalicelib.jobs.dispatch import QueueSender

    sqs, url = _issues()
    seconds = cpu = 0.0
    for start in range(0, len(jobs), FED_AHEAD):
        send = QueueSender()
        for job in jobs[start:start + FED_AHEAD]:
            send(job)
        send.flush()
        handled = 0
        while handled < len(jobs[start:start + FED_AHEAD]):
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                           AttributeNames=["All"]).get("Messages", [])
            started, processed = time.perf_counter(), time.process_time()
            failed = handle(({"messageId": m["MessageId"], "body": m["Body"], "attributes": m["Attributes"]}
                             for m in messages), in_order=True)["batchItemFailures"]
            seconds, cpu = seconds + time.perf_counter() - started, cpu + time.process_time() - processed
            assert not failed, f"{len(failed)} billing jobs failed"
            if messages:
                sqs.delete_message_batch(QueueUrl=url, Entries=[
                    {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
            handled += len(messages)
    return seconds, cpu


def _floor_action(action, subscription_id: str):
    """The action as the floor sends it under fresh ids: its condition kept, but where it compares
    a value of an item only the original subscription has (its version, its usage read)."""
    (kind, body), = action.items()
    key = body.get("Key") or body["Item"]
    condition = body.get("ConditionExpression", "")
    if subscription_id not in key["PK"]["S"] or " = " not in condition:
        return action
    used = body.get("UpdateExpression", "")
    names = {k: v for k, v in body.get("ExpressionAttributeNames", {}).items() if k in used}
    values = {k: v for k, v in body.get("ExpressionAttributeValues", {}).items() if k in used}
    body = {k: v for k, v in body.items()
            if k not in ("ConditionExpression", "ExpressionAttributeNames", "ExpressionAttributeValues")}
    return {kind: {**body, **({"ExpressionAttributeNames": names} if names else {}),
                   **({"ExpressionAttributeValues": values} if values else {})}}


def _replay(sample, ids, start: int, count: int, client=None) -> float:
    """Seconds to send the sample's transactions `count` times under fresh ids (suffix start..)."""
    import boto3

    client = client or boto3.client("dynamodb")
    text = json.dumps(sample)
    started = time.perf_counter()
    for i in range(start, start + count):
        replay = text
        for original in ids:
            replay = replay.replace(original, f"{original}f{i}")
        for items in json.loads(replay):
            client.transact_write_items(TransactItems=items)
    return time.perf_counter() - started


def _count_units(jobs, sample, renamed) -> None:
    from chalicelib.store.models import connection

    units, count = WriteUnits(), len(jobs)
    with units.counting() as counted:
        _work(jobs)
    ours = dict(counted)
    with units.counting() as floor:
        _replay(sample, renamed, 10 ** 6, count, connection().client)
    units.close()
    print(f"write units per subscription (over {count} each way): ours {ours['units'] / count:.1f} "
          f"({ours['items'] / count:.1f} items in {ours['calls'] / count:.2f} writes), "
          f"floor {floor['units'] / count:.1f} ({floor['items'] / count:.1f} items)")


def _rounds(jobs, rounds: int, sample, renamed):
    """Ours on a share of the jobs, then the floor on as many, `rounds` times: (count, ours, floor)
    seconds and CPU seconds of this process each."""
    size, results, calls = -(-len(jobs) // rounds), [], Counter()
    for r in range(rounds):
        share = jobs[r * size:(r + 1) * size]
        with count_dynamodb_calls() as round_calls:
            ours, ours_cpu = _work(share)
        cpu = time.process_time()
        floor = _replay(sample, renamed, r * size, len(share))
        results.append((len(share), ours, floor, ours_cpu, time.process_time() - cpu))
        calls.update(round_calls)
        print(f"  round {r + 1}: {len(share)} subscriptions, ours {ours:.1f} s, floor {floor:.1f} s, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)
    return results, calls


def _report(rounds, calls) -> None:
    count = sum(r[0] for r in rounds)
    ours, floor, ours_cpu, floor_cpu = (sum(r[i] for r in rounds) for i in (1, 2, 3, 4))
    ratios = sorted(r[1] / r[2] for r in rounds)
    print(f"DynamoDB calls per subscription: {({k: round(v / count, 2) for k, v in sorted(calls.items())})} "
          f"= {sum(calls.values()) / count:.1f}")
    print(f"billing run: {count} subscriptions through the issues queue's handler, one worker: {ours:.1f} s "
          f"({count / ours:.1f}/s), CPU {ours_cpu * 1000 / count:.1f} ms per subscription")
    print(f"floor: raw boto3 replaying the transactions: {floor:.1f} s ({count / floor:.1f}/s), CPU "
          f"{floor_cpu * 1000 / count:.1f} ms per subscription")
    print(f"ratio per round: median {statistics.median(ratios):.2f} (min {ratios[0]:.2f}, max {ratios[-1]:.2f}; "
          f"target <= 1.5); all rounds {ours / floor:.2f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (ru_maxrss): {peak:.0f} MB")


def _check(api, made) -> None:
    """Every subscription billed once: its next period is 1 and its invoice issued."""
    for n in (1, len(made) // 2, len(made) - 1):
        shown = api.get(f"/subscriptions/{made[n]}").body
        assert shown["next_period"] == 1, shown
        invoice = api.get(f"/invoices/{shown['last_invoice_id']}").body
        assert invoice["status"] == "issued" and invoice["reference"] == f"ACC-{n:05d}", invoice
    assert _issues_depth() == 0
    print("checked: the queue is empty, sampled subscriptions billed once, their invoices issued")


if __name__ == "__main__":
    main()
