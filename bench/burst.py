"""Month-start burst: the recurring invoices of one tenant generated and issued at once by 1, 2, 5
and 10 concurrent workers against DynamoDB Local, as the jobs queue's Lambda copies would.

Every issue takes the next number of the tenant's one invoice series in a transaction, so workers
of one tenant contend on that item. Per worker count: throughput, transactions refused for a
concurrent change (conflicts) and retries per invoice, and the write and read units DynamoDB
reports as consumed (ReturnConsumedCapacity=TOTAL; refused transactions report none). The
numbers must stay gapless and unique: the run checks it.

Workers are threads of one process (the GIL is released while a worker waits on DynamoDB Local);
in Lambda each worker is its own process, so this understates CPU parallelism, not contention.

    python bench/burst.py [--invoices 10000] [--workers 1,2,5,10]
"""
import argparse
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

from stack import local_stack  # sets the environment: import it before chalicelib

import capacity  # noqa: E402
from recurring import books, template  # noqa: E402

from chalicelib.jobs.recurring import generate_due  # noqa: E402
from chalicelib.services.recurring import generated_invoices  # noqa: E402
AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)  # occurrence 0 (31 January) is due
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10000, help="per worker count")
    parser.add_argument("--workers", default="1,2,5,10")
    args = parser.parse_args()
    with local_stack():
        meter = capacity.install()
        print(f"{args.invoices} recurring invoices of one tenant, each generated and issued (numbered)")
        print("| workers | invoices/s | conflicts per invoice | retries per invoice | WCU per invoice "
              "| RCU per invoice | seconds |")
        print("|---|---|---|---|---|---|---|")
        for workers in (int(w) for w in args.workers.split(",")):
            _run(workers, args.invoices, meter)


def _run(workers: int, count: int, meter: capacity.Meter) -> None:
    tenant_id, customer_id = books()
    templates = [template(tenant_id, customer_id, action="issue") for _ in range(count)]
    meter.counts.clear()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(lambda template_id: generate_due(tenant_id, template_id, AS_OF), templates))
    seconds = time.perf_counter() - started
    numbers = _numbers(tenant_id, templates)
    assert len(numbers) == count and len(set(numbers)) == count, "numbers lost or duplicated"
    c = meter.counts
    print(f"| {workers} | {count / seconds:.1f} | {c['conflicts'] / count:.3f} | {c['retries'] / count:.3f} "
          f"| {c['wcu'] / count:.1f} | {c['rcu'] / count:.1f} | {seconds:.1f} |", flush=True)


def _numbers(tenant_id, templates):
    from chalicelib.services.document_types import INVOICE

    ids = [generated_invoices(tenant_id, t)[0]["invoice_id"] for t in templates]
    return [INVOICE.store.get(tenant_id, i).number for i in ids]


if __name__ == "__main__":
    main()
