"""Month-start burst: recurring invoices generated and issued at once by 1, 2, 5 and 10 concurrent
workers against DynamoDB Local, as the queue's Lambda copies would.

Every issue takes the next number of the tenant's one invoice series in a transaction, so workers
of one tenant contend on that item. Per worker count: throughput, transactions refused for a
concurrent change (conflicts) and retries per invoice, and the write and read units DynamoDB
reports as consumed (ReturnConsumedCapacity=TOTAL; refused transactions report none). The
numbers must stay gapless and unique: the run checks it.

Two ways in:
- `--through plain` (a standard queue): each worker takes the next template, whatever its tenant.
- `--through fifo`: the real path. The tick sends the due templates to the (moto) FIFO issues
  queue, a message group per tenant; each worker receives a batch, hands it to the app's
  handler and deletes what it did, as Lambda's poller does. SQS hands out no message of a group
  while another of it is in flight, so one tenant's jobs run one at a time. `--tenants 10`
  spreads the invoices over ten tenants, to show tenants worked in parallel.

Workers are threads of one process (the GIL is released while a worker waits on DynamoDB Local);
in Lambda each worker is its own process, so this understates CPU parallelism, not contention.

    python bench/burst.py [--invoices 10000] [--workers 1,2,5,10] [--through plain|fifo] [--tenants 1]
"""
import argparse
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from stack import local_stack  # sets the environment: import it before chalicelib

import capacity  # noqa: E402
from recurring import books, template  # noqa: E402

from chalicelib.jobs.recurring import generate_due  # noqa: E402
from chalicelib.services.recurring import generated_invoices  # noqa: E402
AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)  # occurrence 0 (31 January) is due
VISIBILITY_SECONDS = 720


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10000, help="per worker count, over all tenants")
    parser.add_argument("--workers", default="1,2,5,10")
    parser.add_argument("--through", choices=("plain", "fifo"), default="plain")
    parser.add_argument("--tenants", type=int, default=1)
    args = parser.parse_args()
    with local_stack():
        meter = capacity.install()
        print(f"{args.invoices} recurring invoices of {args.tenants} tenant(s), each generated and issued "
              f"(numbered), through a {args.through} queue")
        print("| workers | tenants | queue | invoices/s | conflicts per invoice | retries per invoice "
              "| WCU per invoice | RCU per invoice | seconds |")
        print("|---|---|---|---|---|---|---|---|---|")
        for workers in (int(w) for w in args.workers.split(",")):
            _run(workers, args.tenants, args.invoices, args.through, meter)


def _run(workers: int, tenants: int, count: int, through: str, meter: capacity.Meter) -> None:
    made = {}  # template id -> tenant id
    for _ in range(tenants):
        tenant_id, customer_id = books()
        made.update((template(tenant_id, customer_id, action="issue"), tenant_id) for _ in range(count // tenants))
    if through == "fifo":
        from chalicelib.jobs.dispatch import tick

        assert tick(AS_OF) == len(made), "the tick found other templates due"
    meter.counts.clear()
    started = time.perf_counter()
    if through == "fifo":
        _work_fifo_queue(workers, len(made))
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(lambda t: generate_due(made[t], t, AS_OF), made))
    seconds = time.perf_counter() - started
    _check_numbers(made)
    c, n = meter.counts, len(made)
    print(f"| {workers} | {tenants} | {through} | {n / seconds:.1f} | {c['conflicts'] / n:.3f} "
          f"| {c['retries'] / n:.3f} | {c['wcu'] / n:.1f} | {c['rcu'] / n:.1f} | {seconds:.1f} |", flush=True)


def _work_fifo_queue(workers: int, expected: int) -> None:
    """`workers` pollers of the issues queue, each as one Lambda copy, until `expected` are done."""
    import boto3

    from chalicelib import config
    from chalicelib.jobs.dispatch import handle

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.issues_queue())["QueueUrl"]
    # As the stack sets it (6 x IssueJobs' 120 s), not moto's 30 s: a batch slowed past 30 s on a
    # loaded machine would be handed out again, its group unlocked, and worked twice at once.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": str(VISIBILITY_SECONDS)})
    done, lock = [0], threading.Lock()

    def poll():
        while done[0] < expected:
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                           AttributeNames=["All"]).get("Messages", [])
            if not messages:
                continue
            failed = {f["itemIdentifier"] for f in handle(
                ({"messageId": m["MessageId"], "body": m["Body"], "attributes": m["Attributes"]}
                 for m in messages), in_order=True)["batchItemFailures"]}
            assert not failed, f"{len(failed)} jobs failed"
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
            with lock:
                done[0] += len(messages)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda _: poll(), range(workers)))


def _check_numbers(made) -> None:
    from chalicelib.services.document_types import INVOICE

    by_tenant = {}
    for template_id, tenant_id in made.items():
        invoice_id = generated_invoices(tenant_id, template_id)[0]["invoice_id"]
        by_tenant.setdefault(tenant_id, []).append(INVOICE.store.get(tenant_id, invoice_id).number)
    for numbers in by_tenant.values():
        assert len(set(numbers)) == len(numbers), "numbers duplicated"
        assert sorted(int(n.rsplit("-", 1)[-1]) for n in numbers) == list(range(1, len(numbers) + 1)), \
            "numbers not gapless"


if __name__ == "__main__":
    main()
