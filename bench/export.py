"""List exports: 100,000 invoices to XLSX (and CSV for reference), then the whole export job.

1. Rendering only: 100,000 presented invoice rows, as the list route answers them,
   written by write_xlsx (and write_csv) to a temporary file. Wall time, CPU time,
   peak memory and file size, beside the targets (10 s, 100 MB).
2. The job end to end: N invoices in DynamoDB Local for one tenant, an XLSX export
   of all of them requested, and run_export timed as the jobs queue runs it: pages
   read from DynamoDB Local, rows rendered, the file uploaded to moto's S3. Twice on
   the same invoices: reading whole items in one read, as the job did before, and reading
   the projection of what the columns show, its date ranges read ahead by threads (the
   files compared); then a CSV export, read in month ranges by threads and stored by
   multipart upload; then the same CSV with its ranges shared among part jobs
   (processes), compared with the job's file.

Each measured step runs in a process of its own (spawned), so that its resident
set is its own. Peak resident set is VmHWM from /proc/self/status, not ru_maxrss:
after fork and exec Linux carries the parent's peak into the child's ru_maxrss
(measured here: a child of a 500 MB parent reported 500 MB), while VmHWM belongs to
the new address space. "Growth" is that peak less the resident set when the step
starts (interpreter, imports and, for rendering, the pool of rows the step cycles
through). tracemalloc's peak, Python allocations only, comes from a second run of
the same step, because tracing slows Python down several times; the job is run once,
untraced (a second job would double the bench's longest step), so its peak is the
resident set's.

Seeding: a few dozen invoices are made through the services (drafts, issued, paid
in part and in full; GBP and EUR; Arabic, Chinese, emoji and formula-like customer
names); the rest are copies of them under new ids, numbers and dates, placed in the
indexes by the store's own place() and written with BatchWriteItem from two threads.
Its time is printed apart and counted in no figure.

Why 20,000 invoices by default for the job, not 100,000: DynamoDB Local stores about
200 of these invoices a second here (each item ~2.7 KB, five indexes), so seeding
100,000 took 511 s and the job over them 223 s, 16 minutes for the whole bench on this
shared 2-core machine. At 20,000 the bench stays near five minutes. The job reads page
by page: its time grows with the rows, its memory only with the finished file, which
the spool holds in memory up to 32 MB (resident set growth 16 MB at 1,000 invoices,
22.5 MB at 100,000 with a 4.8 MB file). The rendering figures are always at 100,000
rows. For the full size: --invoices 100000.

    python bench/export.py [--invoices 20000] [--render-rows 100000] [--part-jobs 2]
"""
import argparse
import multiprocessing
import random
import tempfile
import time
import tracemalloc
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from itertools import cycle, islice
from pathlib import Path

TARGET_SECONDS, TARGET_BYTES = 10, 100 * 1024 * 1024
MB = 1024 * 1024
POOL = 10_000  # distinct rows the render step cycles through, built before it is measured
NAMES = ("Acme Trading", "شركة الأمل للتجارة", "北京科技有限公司", "Café Zoë 🎉", "Müller & Söhne GmbH",
         '=HYPERLINK("http://evil.example") Ltd', "O'Brien, \"Kelly\" & Co", "Ōkami Studio 狼 🐺")
STATUSES = (("draft", 5), ("issued", 35), ("sent", 20), ("partially_paid", 10), ("paid", 25), ("void", 5))
SEED_THREADS = 2  # one serializes while DynamoDB Local stores the other's batch


def main() -> None:
    args = _arguments()
    print(f"Rendering only: {args.render_rows:,} presented invoice rows")
    for file_format in ("xlsx", "csv") if args.render_rows else ():
        timed = _in_own_process(_render_step, file_format, args.render_rows, False)
        traced = _in_own_process(_render_step, file_format, args.render_rows, True)
        _print_step(file_format.upper(), args.render_rows, timed, traced, judged=file_format == "xlsx")
        print(f"{'':6}file {timed['bytes'] / MB:.1f} MB")
    # Imported here, not at the top: the measuring processes import this module too,
    # and must keep the ports of this process's stack, which stack.py would choose anew.
    from stack import local_stack

    with local_stack():
        _end_to_end(args.invoices, args.part_jobs)


def _arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=20_000, help="invoices seeded for the export job")
    parser.add_argument("--render-rows", type=int, default=100_000, help="rows for the rendering-only figures (0: none)")
    parser.add_argument("--part-jobs", type=int, default=2, help="processes sharing the CSV's ranges")
    return parser.parse_args()


# --- measuring ------------------------------------------------------------------------------

def _in_own_process(step, *args):
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(step, *args).result()


def _memory_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def _measured(action, traced: bool) -> dict:
    """Runs `action` once; wall and CPU time, resident set growth, and tracemalloc's peak if `traced`."""
    if traced:
        tracemalloc.start()
    rss_before = _memory_kib("VmRSS")
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    wall, cpu, peak_rss = time.perf_counter() - wall, time.process_time() - cpu, _memory_kib("VmHWM")
    measured = {"wall": wall, "cpu": cpu, "result": result,
                "peak_rss": peak_rss * 1024, "rss_growth": (peak_rss - rss_before) * 1024}
    if traced:
        measured["traced_peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return measured


def _verdict(met: bool) -> str:
    return "target met" if met else "target missed"


def _print_step(label, rows, timed, traced=None, judged=False):
    """Time from `timed`; tracemalloc's peak from `traced`, a second run of the same step, when given."""
    wall, growth = timed["wall"], timed["rss_growth"]
    peak = max(growth, traced["traced_peak"]) if traced else growth
    time_note = f"  (target {TARGET_SECONDS} s: {_verdict(wall <= TARGET_SECONDS)})" if judged else ""
    memory_note = f"  (target {TARGET_BYTES // MB} MB: {_verdict(peak <= TARGET_BYTES)})" if judged else ""
    traced_note = f"tracemalloc {traced['traced_peak'] / MB:.1f} MB, " if traced else ""
    print(f"{label:6}wall {wall:6.2f} s, CPU {timed['cpu']:6.2f} s, {rows / wall:,.0f} rows/s{time_note}")
    print(f"{'':6}peak memory: {traced_note}resident set growth {growth / MB:.1f} MB"
          f" (process peak {timed['peak_rss'] / MB:.1f} MB){memory_note}")


# --- rendering only -------------------------------------------------------------------------

def _render_step(file_format: str, count: int, traced: bool) -> dict:
    from chalicelib.render.csv_export import write_csv
    from chalicelib.render.xlsx import write_xlsx

    pool = _row_pool(random.Random(6))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"invoices.{file_format}"
        if file_format == "xlsx":
            measured = _measured(lambda: write_xlsx("invoices", _rows(pool, count), str(path)), traced)
        else:
            with open(path, "w", encoding="utf-8", newline="") as out:
                measured = _measured(lambda: write_csv("invoices", _rows(pool, count), out), traced)
        assert measured.pop("result") == count
        return {**measured, "bytes": path.stat().st_size}


def _rows(pool, count):
    """`count` rows, each with an id and number of its own (drafts have none)."""
    for n, row in enumerate(islice(cycle(pool), count), start=1):
        yield {**row, "id": f"inv_{n:016d}", "number": row["number"] and f"INV-{n:06d}"}


def _row_pool(rng: random.Random):
    """POOL varied rows in the list route's shape: 2,000 customers, GBP and EUR, every status."""
    customers = [{"id": f"cus_{k:016d}", "name": f"{rng.choice(NAMES)} {k}"} for k in range(2000)]
    statuses = [status for status, weight in STATUSES for _ in range(weight)]
    return [_pool_row(rng, k, rng.choice(customers), rng.choice(statuses)) for k in range(POOL)]


def _pool_row(rng: random.Random, k: int, customer, status: str):
    from chalicelib.domain.money import format_amount

    currency = "EUR" if k % 3 == 0 else "GBP"
    net = Decimal(rng.randint(100, 5_000_000)) / 100
    rate = rng.choice((Decimal(20), Decimal(20), Decimal(5), Decimal(0)))
    vat = (net * rate / 100).quantize(Decimal("0.01"))
    gross = net + vat
    paid = {"paid": gross, "partially_paid": (gross / 2).quantize(Decimal("0.01"))}.get(status, Decimal(0))
    owed = Decimal(0) if status in ("draft", "void") else gross - paid
    issued = (date(2025, 1, 1) + timedelta(days=rng.randrange(700))).isoformat()
    due = (date.fromisoformat(issued) + timedelta(days=30)).isoformat()
    money = {"net": format_amount(net, currency), "vat": format_amount(vat, currency),
             "gross": format_amount(gross, currency)}
    return {
        "number": status != "draft", "status": status, "customer_id": customer["id"], "currency": currency,
        "issue_date": issued, "customer": customer, "reference": f"PO-{rng.randrange(99999)}",
        "prices_include_vat": False, "rounding": {"vat_level": "invoice", "mode": "half_up"},
        "totals": {**money, "rates": [{"vat_category": "standard" if rate else "zero", "vat_rate": str(rate),
                                       **money}]},
        "due_date": due, "payment_terms_days": 30,
        "overdue": status in ("issued", "sent", "partially_paid") and due < date.today().isoformat(),
        "amount_paid": format_amount(paid, currency), "amount_credited": format_amount(Decimal(0), currency),
        "outstanding": format_amount(owed, currency), "allocations": [], "reminders_sent": [],
        "next_reminder_on": None, "line_count": rng.randint(1, 12),
        "created_at": f"{issued}T09:{k % 60:02d}:00.000000Z", "updated_at": f"{issued}T10:{k % 60:02d}:00.000000Z",
        "version": 2,
    }


# --- the export job end to end --------------------------------------------------------------

def _end_to_end(count: int, part_jobs: int) -> None:
    print(f"\nEnd to end: exports of {count:,} invoices from DynamoDB Local to moto S3")
    started = time.perf_counter()
    tenant_id, samples = _seed(count)
    seeding = time.perf_counter() - started
    print(f"{'':6}seeding (not counted): {seeding:.1f} s ({count / seeding:,.0f} invoices/s;"
          f" {samples} through the services, the rest copied with BatchWriteItem)")
    whole = _export(tenant_id, "xlsx", count, "XLSX job, whole items parsed by botocore (as before)", projected=False)
    after = _export(tenant_id, "xlsx", count, "XLSX job, the projection, items as sent, ranges read ahead by 4 threads",
                    projected=True)
    assert _sheet_parts(whole) == _sheet_parts(after), "the projection changed the XLSX"
    print(f"{'':6}XLSX files identical (but for their creation time); projection {whole[0]['wall'] / after[0]['wall']:.2f}x"
          f" faster end to end (target 3x)")
    parted = _export(tenant_id, "csv", count, "CSV job: month ranges, 4 threads, multipart upload", projected=True)
    jobs = _in_own_process(_part_jobs_step, tenant_id, part_jobs, parted[1])
    print(f"CSV by {part_jobs} part jobs (processes, as separate Lambdas): wall {jobs['wall']:6.2f} s"
          f" ({count / jobs['wall']:,.0f} rows/s), slowest part job {jobs['slowest']:.2f} s;"
          f" file identical to the job's: {jobs['same']}")


def _export(tenant_id: str, file_format: str, count: int, label: str, projected: bool):
    from chalicelib.services.exports import EXPORTS, request_export
    from chalicelib.services.records import Actor
    from chalicelib.store import files
    from chalicelib.store.unit_of_work import UnitOfWork

    export_id = request_export(UnitOfWork(), tenant_id, Actor("bench"), "invoices", file_format, {}).id
    timed = _in_own_process(_job_step, tenant_id, export_id, projected)
    done = EXPORTS.store.get(tenant_id, export_id).data
    assert done["state"] == "done" and int(done["rows"]) == count, done  # the list found every invoice
    print(label)
    _print_step("job", count, timed)
    content = files.get_bytes(done["key"])
    print(f"{'':6}DynamoDB calls: {dict(timed['calls'])}; read units reported: {timed['rcu']:,.0f};"
          f" file in S3 {len(content) / MB:.1f} MB")
    return timed, content


def _sheet_parts(export) -> dict:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(export[1])) as book:
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def _job_step(tenant_id: str, export_id: str, projected: bool) -> dict:
    import capacity
    from chalicelib.api.exports import parse_filters
    from chalicelib.services import listings
    from chalicelib.services.exports import run_export
    from chalicelib.store.diagnostics import count_dynamodb_calls

    if not projected:  # whole items, parsed by botocore, in one read, as the list read them before
        from chalicelib.services import exports
        from chalicelib.store.models import connection

        exports._can_split = lambda resource, query: False
        listings.PROJECTIONS = {}
        connection().client.meta.events.unregister("before-parse.dynamodb.Query",
                                                   unique_id="raw_items.items_as_sent")
    meter = capacity.install()
    with count_dynamodb_calls() as calls, meter.measuring() as units:
        measured = _measured(lambda: run_export(tenant_id, export_id, parse_filters, last_delivery=False), traced=False)
    measured.pop("result")
    return {**measured, "calls": calls, "rcu": units["rcu"]}


def _part_jobs_step(tenant_id: str, jobs: int, expected: bytes) -> dict:
    """The CSV's month ranges shared out, in order, among `jobs` processes (part jobs), which render
    them at once; their parts joined in order into one file by multipart upload. (In AWS each part
    job would upload its own part, which S3 wants of 5 MiB at least: 25 part jobs at most for the
    126 MB of 1,000,000 invoices. At bench sizes the parts are smaller, so they are joined here.)"""
    from chalicelib.api.exports import parse_filters
    from chalicelib.services.export_parts import RANGE_DAYS, ranges_for, upload_in_parts
    from chalicelib.store import files

    started = time.perf_counter()
    ranges = ranges_for(tenant_id, "invoices", parse_filters("invoices", {}), RANGE_DAYS)
    share = -(-len(ranges) // jobs)
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        done = list(pool.map(_part_job, [(tenant_id, ranges[k * share:(k + 1) * share], k == 0)
                                         for k in range(jobs)]))
    rows = upload_in_parts("bench/parts.csv", iter((count, body) for count, body, _ in done))
    wall = time.perf_counter() - started
    return {"wall": wall, "slowest": max(seconds for _, _, seconds in done), "rows": rows,
            "same": files.get_bytes("bench/parts.csv") == expected}


def _part_job(work) -> tuple:
    from chalicelib.api.exports import parse_filters
    from chalicelib.services.export_parts import range_writer

    tenant_id, ranges, first = work
    started = time.perf_counter()
    write = range_writer(tenant_id, "invoices", parse_filters("invoices", {}))
    written = [write(span, first and n == 0) for n, span in enumerate(ranges)]
    return sum(count for count, _ in written), b"".join(body for _, body in written), time.perf_counter() - started


def _seed(count: int):
    """`count` invoices for a new tenant; returns the tenant's id and how many the services made."""
    from chalicelib.services.records import Actor
    from chalicelib.services.tenants import create_tenant
    from chalicelib.store.unit_of_work import UnitOfWork

    tenant_id = create_tenant(UnitOfWork(), Actor("bench"), {"legal_name": "Bench Ltd"}).id
    samples = _samples(tenant_id, random.Random(6))
    copies = count - len(samples)
    with ThreadPoolExecutor(SEED_THREADS) as threads:
        list(threads.map(lambda first: _write_copies(tenant_id, samples, range(first, copies, SEED_THREADS)),
                         range(SEED_THREADS)))
    return tenant_id, len(samples)


def _samples(tenant_id: str, rng: random.Random):
    """Four invoices per customer through the services: a draft, one issued, one paid in part, one paid."""
    from chalicelib.services.customers import CUSTOMERS
    from chalicelib.services.document_types import INVOICE
    from chalicelib.services.drafts import create_document
    from chalicelib.services.issuing import issue_document
    from chalicelib.services.payments import record_payment
    from chalicelib.services.records import Actor, create_record
    from chalicelib.store.unit_of_work import UnitOfWork

    actor, made = Actor("bench"), []
    for k, name in enumerate(NAMES):
        currency = "EUR" if k % 2 else "GBP"
        customer = create_record(UnitOfWork(), CUSTOMERS, tenant_id, actor,
                                 {"name": name, "currency": currency, "payment_terms_days": 30})
        for paid_share in (None, Decimal(0), Decimal("0.5"), Decimal(1)):
            lines = [{"description": f"Service {i}", "quantity": Decimal(rng.randint(1, 20)),
                      "unit_price": Decimal(rng.randint(100, 500_000)) / 100,
                      "vat_category": rng.choice(("standard", "standard", "reduced", "zero"))}
                     for i in range(rng.randint(1, 6))]
            invoice = create_document(UnitOfWork(), INVOICE, tenant_id, actor,
                                      {"customer_id": customer.id, "lines": lines})
            if paid_share is not None:
                # An invoice in EUR shows its VAT in GBP too, at the rate given on issue.
                options = {"exchange_rate": Decimal("0.8512")} if currency == "EUR" else {}
                invoice = issue_document(UnitOfWork(), INVOICE, tenant_id, actor, invoice.id, options)
            if paid_share:
                amount = (invoice.data["totals"]["gross"] * paid_share).quantize(Decimal("0.01"))
                record_payment(UnitOfWork(), tenant_id, actor, {
                    "customer_id": customer.id, "amount": amount, "currency": currency,
                    "allocations": [{"invoice_id": invoice.id, "amount": amount}]})
            made.append(invoice.id)
    return [INVOICE.store.get(tenant_id, invoice_id) for invoice_id in made]


def _write_copies(tenant_id: str, samples, numbers) -> None:
    from chalicelib.store.models import DocumentItem

    with DocumentItem.batch_write() as batch:
        for n in numbers:
            batch.save(_copy(tenant_id, samples[n % len(samples)], n))


def _copy(tenant_id: str, sample, n: int):
    """The sample under a new id, number and dates (spread over two years), placed in the indexes."""
    from chalicelib.services.document_types import INVOICE
    from chalicelib.store.keys import new_id

    shift = timedelta(days=n % 700)
    day = (date(2025, 1, 1) + shift).isoformat()
    at = f"{day}T{n % 24:02d}:{n % 60:02d}:00.{n % 1_000_000:06d}Z"
    item = INVOICE.store.new_item(tenant_id, new_id("inv"), at)
    item.status, item.customer_id, item.currency, item.version = (
        sample.status, sample.customer_id, sample.currency, sample.version)
    item.doc_date, item.updated_at = day, at
    moved = date.fromisoformat(day) - date.fromisoformat(sample.doc_date)
    item.due_date = sample.due_date and (date.fromisoformat(sample.due_date) + moved).isoformat()
    item.number = sample.number and f"BENCH-{n:06d}"
    item.data = {**sample.data, "issue_date": day, **({"number": item.number} if item.number else {})}
    item.search = sample.search.replace(sample.number.lower(), item.number.lower()) if item.number else sample.search
    INVOICE.store.place(item, tenant_id)
    return item


if __name__ == "__main__":
    main()
