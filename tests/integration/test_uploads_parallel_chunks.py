"""One file's chunks worked by several workers at once, with messages delivered twice and workers
killed at several points: every document is made once, the numbers are the file's own (or, with
numbering "series", the series' next in file order, with no gap), the report and counts are right.
"""
import itertools
import threading
import time
from decimal import Decimal

import boto3
import pytest

from chalicelib import config
from chalicelib.domain.records import Actor
from chalicelib.jobs import import_chunks, import_documents, import_files
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.services.uploads import open_batch, show_batch
from chalicelib.store.records import ListQuery
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.uploads import files_of
from tests.integration.test_uploads_exactly_once import invoices_of
from tests.support.uploads import deliver, delete, drain_uploads_queue, drop, fetch_report, invoices_csv, receive, \
    release

ACTOR = Actor("test")
KILLS = ["after a document", "before the piece is recorded", "before the next piece is queued",
         "before the chunk two on is queued", "before the reports", "before the chunks are queued"]
FIRST_CALL = {"before the chunks are queued": 1, "before the reports": 1,  # once a file
              "before the chunk two on is queued": 2}  # others: the 7th call


class WorkerKilled(BaseException):
    """Like a Lambda stopped mid-run: no `except Exception` sees it."""


@pytest.fixture
def tenant_id():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Parallel Imports Ltd"})
    create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                  {"name": "Bright Bakery", "currency": "GBP", "payment_terms_days": 14})
    return tenant.id


def work_uploads_queue(workers: int, redeliver_every: int = 0) -> None:
    """`workers` threads take the uploads queue's messages one at a time, as Lambda's copies do, until
    it is empty and none is busy. A killed worker's message comes back at once; every
    `redeliver_every`-th message handled comes back once more after it was handled (SQS delivers a
    message twice)."""
    lock, busy, handled, errors = threading.Lock(), [0], itertools.count(1), []

    def worker():
        while True:
            with lock:
                messages = receive(1)
                if not messages and not busy[0]:
                    return
                busy[0] += bool(messages)
            if not messages:
                time.sleep(0.05)
                continue
            try:
                assert deliver(messages[0]) == {"batchItemFailures": []}
                with lock:
                    again = redeliver_every and next(handled) % redeliver_every == 0
                (release if again else delete)(messages[0])
            except WorkerKilled:
                release(messages[0])  # Lambda's event source gives the message to a new worker
            except BaseException as error:  # noqa: B902 - reported by the test's thread below
                errors.append(error)
                release(messages[0])
                return
            finally:
                with lock:
                    busy[0] -= 1

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


def the_file(tenant_id, batch_id):
    (file,) = show_batch(tenant_id, batch_id)["files"]
    return file


def chunks_of_file(tenant_id, batch_id):
    (item,) = files_of(tenant_id, batch_id)
    return len(item.info["ranges"])


def kill_at(monkeypatch, kill, n):
    """The `n`th call of the kill point dies (after its work, for a document)."""
    target = {"after a document": (import_documents.Importer, "_create"),
              "before the piece is recorded": (import_chunks, "_complete"),
              "before the next piece is queued": (import_chunks, "queue_chunk"),
              "before the chunk two on is queued": (import_chunks, "queue_chunk"),
              "before the reports": (import_chunks, "finish"),
              "before the chunks are queued": (import_files, "start_chunks")}[kill]
    real, calls, lock = getattr(*target), [0], threading.Lock()

    def dying(*args, **kwargs):
        if kill == "before the chunk two on is queued" and args[2] != 0:
            return real(*args, **kwargs)  # counted: only a chunk's first piece, queued by the chunk before
        with lock:
            calls[0] += 1
            now = calls[0]
        if now == n:
            if kill == "after a document":
                real(*args, **kwargs)  # the document, its claim and its count are committed...
            raise WorkerKilled()  # ...and the worker dies before anything else happens
        return real(*args, **kwargs)

    monkeypatch.setattr(*target, dying)
    return calls


def check_imported_as_in_file(tenant_id, file, count, lines=2):
    """Every row imported once, reported in line order, as the invoice its number names."""
    assert file["status"] == "done" and file["documents"] == count
    assert file["counts"] == {"rows": count * lines, "imported": count * lines, "rejected": 0, "skipped": 0,
                              "duplicates": 0}
    rows = fetch_report(file["report"]["json"])["rows"]
    assert [r["line"] for r in rows] == list(range(2, 2 + count * lines))
    assert {r["status"] for r in rows} == {"imported"}
    invoices = invoices_of(tenant_id)
    assert len(invoices) == count and {r["id"] for r in rows} == {i.id for i in invoices}
    return rows, invoices


def test_one_files_chunks_are_worked_by_several_workers_at_once(tenant_id, monkeypatch):
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 10)  # 40 invoices of 2 rows: eight chunks
    together = threading.Barrier(2, timeout=60)  # broken (the test fails) unless chunks 0 and 1 run at once
    real, lock, running, most = import_chunks.read_piece, threading.Lock(), set(), [0]

    def meeting(item, state, importer):
        with lock:
            running.add(state.chunk)
            most[0] = max(most[0], len(running))
        try:
            if state.chunk in (0, 1):
                together.wait()
            return real(item, state, importer)
        finally:
            with lock:
                running.discard(state.chunk)

    monkeypatch.setattr(import_chunks, "read_piece", meeting)
    dropped = drop(tenant_id, "invoices", "big.csv", invoices_csv(40))
    work_uploads_queue(workers=3)
    assert most[0] == import_chunks.PARALLEL == 2  # three workers, but a file takes two at most
    assert chunks_of_file(tenant_id, dropped["batch_id"]) == 8
    rows, invoices = check_imported_as_in_file(tenant_id, the_file(tenant_id, dropped["batch_id"]), 40)
    assert sorted(i.number for i in invoices) == [f"INV-{n:04d}" for n in range(1, 41)]
    by_id = {i.id: i.number for i in invoices}
    assert all(by_id[r["id"]] == r["number"] == f"INV-{(r['line'] - 2) // 2 + 1:04d}" for r in rows)
    # The series moved past the file's numbers: the next invoice issued here is INV-0041.
    draft = create_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, {"customer_id": invoices[0].customer_id,
                            "lines": [{"description": "x", "quantity": Decimal(1), "unit_price": Decimal(1)}]})
    assert issue_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, draft.id, {}).number == "INV-0041"


@pytest.mark.parametrize("kill", KILLS)
def test_parallel_chunks_killed_and_delivered_twice_make_every_document_once(tenant_id, monkeypatch, kill):
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 10)  # six chunks of five invoices...
    monkeypatch.setattr(import_chunks, "CHUNK_SECONDS", 0)  # ...each in pieces of one invoice
    monkeypatch.setattr(import_chunks, "STALL_SECONDS", 0)
    calls = kill_at(monkeypatch, kill, FIRST_CALL.get(kill, 7))
    dropped = drop(tenant_id, "invoices", "big.csv", invoices_csv(30))
    work_uploads_queue(workers=3, redeliver_every=4)
    assert calls[0] > 1  # killed once, then run again
    assert chunks_of_file(tenant_id, dropped["batch_id"]) == 6
    rows, invoices = check_imported_as_in_file(tenant_id, the_file(tenant_id, dropped["batch_id"]), 30)
    assert sorted(i.number for i in invoices) == [f"INV-{n:04d}" for n in range(1, 31)]


@pytest.mark.parametrize("kill", [k for k in KILLS if k != "before the chunk two on is queued"])  # one chunk
def test_series_numbers_stay_gapless_and_in_file_order_with_workers_killed_and_issues_beside(
        tenant_id, monkeypatch, kill):
    """Numbering "series": the file is one chunk, worked in file order whatever runs beside it; the
    invoices issued through the API meanwhile take numbers between, none is skipped or given twice."""
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 10)
    monkeypatch.setattr(import_chunks, "CHUNK_SECONDS", 0)  # a piece per invoice: many points to die at
    monkeypatch.setattr(import_chunks, "STALL_SECONDS", 0)
    calls = kill_at(monkeypatch, kill, FIRST_CALL.get(kill, 7))
    batch = open_batch(UnitOfWork(), tenant_id, ACTOR, {"kind": "invoices", "options": {"numbering": "series"},
                                                        "files": [{"name": "series.csv", "size": 10 ** 6}]})
    content = invoices_csv(30, first=500)  # the file's own numbers are not used
    boto3.client("s3").put_object(Bucket=config.uploads_bucket(), Key=batch["files"][0]["upload"]["fields"]["key"],
                                  Body=content)
    (customer,) = CUSTOMERS.store.list(tenant_id, ListQuery(limit=10))[0]
    issued = []

    def issue_beside():
        for _ in range(10):
            line = {"description": "beside", "quantity": Decimal(1), "unit_price": Decimal(1)}
            draft = create_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, {"customer_id": customer.id,
                                                                              "lines": [line]})
            issued.append(issue_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, draft.id, {}).number)

    beside = threading.Thread(target=issue_beside)
    beside.start()
    work_uploads_queue(workers=3, redeliver_every=4)
    beside.join()
    assert calls[0] > 1
    assert chunks_of_file(tenant_id, batch["id"]) == 1
    file = the_file(tenant_id, batch["id"])
    assert file["status"] == "done" and file["counts"]["imported"] == 60 and file["documents"] == 30
    rows = fetch_report(file["report"]["json"])["rows"]
    assert [r["line"] for r in rows] == list(range(2, 62)) and {r["status"] for r in rows} == {"imported"}
    numbers = sorted(i.number for i in invoices_of(tenant_id))
    assert numbers == [f"INV-{n:04d}" for n in range(1, 41)]  # 30 imported and 10 beside: no gap, none twice
    file_order = [r["number"] for r in rows[::2]]
    assert file_order == sorted(file_order) and len(set(file_order)) == 30
    assert set(file_order) | set(issued) == set(numbers)


@pytest.mark.parametrize("case, chunks", [
    ("invoices keeping their own unique numbers", 3),
    ("a number repeated further on", 1),
    ("an invoice without a number", 1),
    ("products with unique codes", 3),
    ("a product code repeated", 1),
])
def test_only_files_whose_documents_do_not_depend_on_their_order_are_cut(tenant_id, monkeypatch, case, chunks):
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 4)
    rows = invoices_csv(6)
    products = "name,code,unit_price\r\n" + "".join(f"Product {n},P-{n},{n}.50\r\n" for n in range(12))
    kind, content = {
        "invoices keeping their own unique numbers": ("invoices", rows),
        "a number repeated further on": ("invoices", rows + invoices_csv(1, first=2)[len(invoices_csv(0)):]),
        "an invoice without a number": ("invoices", rows + b",Bright Bakery,31/03/2026,Extra,1,10,20\r\n"),
        "products with unique codes": ("products", products.encode()),
        "a product code repeated": ("products", (products + "Again,P-1,9.00\r\n").encode()),
    }[case]
    dropped = drop(tenant_id, kind, "cut.csv", content)
    drain_uploads_queue()
    assert chunks_of_file(tenant_id, dropped["batch_id"]) == chunks
    assert the_file(tenant_id, dropped["batch_id"])["status"] == "done"
