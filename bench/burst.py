"""Month-start burst: recurring invoices generated and issued at once by 1, 2, 5 and 10 concurrent
workers against DynamoDB Local, as the queue's Lambda copies would.

Every issue takes the next number of the tenant's one invoice series in a transaction, so workers
of one tenant contend on that item. Per worker count: throughput, transactions refused for a
concurrent change (conflicts) and retries per invoice, write units per invoice worked out from the
sizes of the items written (write_units.py: DynamoDB Local reports one item's units for a whole
transaction), read units as DynamoDB Local reports them, and the machine's load average. The
numbers must stay gapless and unique: the run checks it. Progress (invoices done, seconds,
conflicts so far) is printed every minute, so a run stopped early still has figures.

The templates are seeded in seconds (seed_templates.py: one made through the API, its items
copied under fresh ids with BatchWriteItem, a few read back through the API).

Two ways in:
- `--through plain` (a standard queue): each worker takes the next template, whatever its tenant.
- `--through fifo`: the real path. The tick sends the due templates to the (moto) FIFO issues
  queue, a message group per tenant; each worker receives a batch, hands it to the app's
  handler and deletes what it did, as Lambda's poller does. SQS hands out no message of a group
  while another of it is in flight, so one tenant's jobs run one at a time. `--tenants 10`
  spreads the invoices over ten tenants, to show tenants worked in parallel. moto's
  ReceiveMessage takes no lock, so two receives at once could both take messages of one group: the
  workers' receives take turns, as the local pump's pollers do (infra/local/pump.py), and poll
  without waiting (moto's long poll re-reads a queue of 10,000 messages in a busy loop).

Workers are threads of one process (the GIL is released while a worker waits on DynamoDB Local);
in Lambda each worker is its own process, so this understates CPU parallelism, not contention.

    python bench/burst.py [--invoices 10000] [--workers 1,2,5,10] [--through plain|fifo] [--tenants 1]
"""
import argparse
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from itertools import zip_longest

from stack import local_stack  # sets the environment: import it before chalicelib

import capacity  # noqa: E402
from seed_templates import AS_OF, seed  # noqa: E402
from write_units import WriteUnits  # noqa: E402

from chalicelib.jobs.recurring import generate_due  # noqa: E402
from chalicelib.services.recurring import generated_invoices  # noqa: E402
VISIBILITY_SECONDS = 720
IDLE_SECONDS = 0.5  # a poller's pause after an empty receive (each receive scans the whole queue in moto)
PROGRESS_SECONDS = 60.0
FED_AHEAD = 200  # messages in the FIFO queue at once (_feed): ten tenants' batches of ten, twice


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10000, help="per worker count, over all tenants")
    parser.add_argument("--workers", default="1,2,5,10")
    parser.add_argument("--through", choices=("plain", "fifo"), default="plain")
    parser.add_argument("--tenants", type=int, default=1)
    parser.add_argument("--stop-after", type=float, default=None, metavar="SECONDS",
                        help="take no new job after this long: a partial row (invoices done of all)")
    args = parser.parse_args()
    with local_stack():
        from app import app

        meter, units = capacity.install(), WriteUnits()
        print(f"{args.invoices} recurring invoices of {args.tenants} tenant(s), each generated and issued "
              f"(numbered), through a {args.through} queue", flush=True)
        rows = [_run(app, int(w), args, meter, units) for w in args.workers.split(",")]
        print("| workers | tenants | queue | invoices/s | conflicts per invoice | retries per invoice "
              "| write units per invoice | read units per invoice | seconds | load average |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        print("\n".join(rows))


def _run(app, workers: int, args, meter: capacity.Meter, units: WriteUnits) -> str:
    made = {}  # template id -> tenant id
    for n in range(args.tenants):
        seeded = seed(app, args.invoices // args.tenants, f"Bench {n} Ltd")
        made.update(seeded.templates)
        units.remember(seeded.items)
    jobs = _due_jobs() if args.through == "fifo" else None
    assert jobs is None or len(jobs) == len(made), "the tick found other templates due"
    with meter.measuring() as counts, units.counting() as written, Done(len(made), counts, written, args.stop_after) as done:
        if args.through == "fifo":
            _work_fifo_queue(workers, jobs, done)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(lambda t: done.stopped or done.add(len(generate_due(made[t], t, AS_OF))), made))
    seconds, n = time.perf_counter() - done.started, done.count
    share = "" if n == len(made) else f" ({n} of {len(made)} when stopped)"
    row = (f"| {workers}{share} | {args.tenants} | {args.through} | {n / seconds:.1f} | {counts['conflicts'] / n:.3f} "
           f"| {counts['retries'] / n:.3f} | {written['units'] / n:.1f} | {counts['rcu'] / n:.1f} "
           f"| {seconds:.1f} | {done.load()} |")
    print(row, flush=True)
    _check_numbers(made)
    return row


class Done:
    """Invoices done so far, reported every PROGRESS_SECONDS with the load average while in use."""

    def __init__(self, expected: int, counts, written, stop_after=None):
        self.expected, self.count, self._counts, self._written = expected, 0, counts, written
        self._stop_after = stop_after
        self._lock, self._stop, self._loads = threading.Lock(), threading.Event(), []
        self._thread = threading.Thread(target=self._report, daemon=True)
        self.started = time.perf_counter()

    def add(self, count: int) -> None:
        with self._lock:
            self.count += count

    @property
    def finished(self) -> bool:
        return self.count >= self.expected or self.stopped

    @property
    def stopped(self) -> bool:
        """Past --stop-after: workers take no new job."""
        return self._stop_after is not None and time.perf_counter() - self.started > self._stop_after

    def load(self) -> str:
        loads = self._loads or [os.getloadavg()[0]]
        return f"{min(loads):.0f}-{max(loads):.0f}"

    def __enter__(self):
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_):
        self._stop.set()
        self._thread.join()

    def _report(self) -> None:
        while not self._stop.wait(PROGRESS_SECONDS):
            self._loads.append(os.getloadavg()[0])
            seconds, done = time.perf_counter() - self.started, max(self.count, 1)
            print(f"  {self.count} of {self.expected} done in {seconds:.0f} s ({self.count / seconds:.1f}/s), "
                  f"{self._counts['conflicts']} conflicts ({self._counts['conflicts'] / done:.3f} per invoice), "
                  f"{self._counts['retries'] / done:.3f} retries and {self._written['units'] / done:.1f} write units "
                  f"per invoice, load average {self._loads[-1]:.1f}", flush=True)


def _due_jobs():
    """The tick's messages for the due templates, each tenant's in the tick's order, the tenants'
    interleaved (as SQS hands out each group's messages independently of the others')."""
    from chalicelib.jobs.recurring import run_tick

    by_tenant = {}
    run_tick(AS_OF, lambda job: by_tenant.setdefault(job["tenant_id"], []).append(job))
    return [job for row in zip_longest(*by_tenant.values()) for job in row if job]


def _feed(jobs, done: Done) -> None:
    """Sends the tick's messages to the FIFO issues queue as the tick does (group: the tenant;
    deduplication: the job's key), keeping at most FED_AHEAD unworked in it: moto's SendMessage
    works out every queue attribute (counts over all its messages) several times per message, so
    sending 10,000 at once costs hours of CPU (it had sent 840 after five minutes)."""
    from chalicelib.jobs.dispatch import QueueSender

    send = QueueSender()
    for start in range(0, len(jobs), 10):
        while start - done.count >= FED_AHEAD:
            if done.finished:
                return
            time.sleep(IDLE_SECONDS / 10)
        for job in jobs[start:start + 10]:
            send(job)
        send.flush()


def _work_fifo_queue(workers: int, jobs, done: Done) -> None:
    """`workers` pollers of the issues queue, each as one Lambda copy, until all are done."""
    import boto3

    from chalicelib import config
    from chalicelib.jobs.dispatch import handle

    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.issues_queue())["QueueUrl"]
    # As the stack sets it (6 x IssueJobs' 120 s), not moto's 30 s: a batch slowed past 30 s on a
    # loaded machine would be handed out again, its group unlocked, and worked twice at once.
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": str(VISIBILITY_SECONDS)})
    receiving = threading.Lock()  # one ReceiveMessage at a time, as infra/local/pump.py's pollers

    def poll():
        while not done.finished:
            with receiving:
                messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                               AttributeNames=["All"]).get("Messages", [])
            if not messages:
                time.sleep(IDLE_SECONDS)
                continue
            failed = {f["itemIdentifier"] for f in handle(
                ({"messageId": m["MessageId"], "body": m["Body"], "attributes": m["Attributes"]}
                 for m in messages), in_order=True)["batchItemFailures"]}
            assert not failed, f"{len(failed)} jobs failed"
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
            done.add(len(messages))

    with ThreadPoolExecutor(max_workers=workers + 1) as pool:
        feeding = pool.submit(_feed, jobs, done)
        list(pool.map(lambda _: poll(), range(workers)))
        feeding.result()


def _check_numbers(made) -> None:
    """Each tenant's invoices (all, or those made before a stop) are numbered 1 to their count."""
    from chalicelib.services.document_types import INVOICE

    by_tenant = {}
    for template_id, tenant_id in made.items():
        for generated in generated_invoices(tenant_id, template_id):
            number = INVOICE.store.get(tenant_id, generated["invoice_id"]).number
            by_tenant.setdefault(tenant_id, []).append(number)
    for numbers in by_tenant.values():
        assert len(set(numbers)) == len(numbers), "numbers duplicated"
        assert sorted(int(n.rsplit("-", 1)[-1]) for n in numbers) == list(range(1, len(numbers) + 1)), \
            "numbers not gapless"


if __name__ == "__main__":
    main()
