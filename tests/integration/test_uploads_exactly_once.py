"""Files into the bucket, through S3 events and the uploads queue, into documents: each once.

Whatever repeats (the S3 event, a queue message, the same content uploaded
again, a worker killed midway and run again) nothing is lost and nothing is
made twice, and every row ends in the report.
"""
import json
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import unquote_plus

import boto3
import pytest

from chalicelib import config
from chalicelib.domain.records import Actor
from chalicelib.jobs import import_chunks, import_documents, import_files
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.products import PRODUCTS
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.services.uploads import show_batch
from chalicelib.store.documents import DocumentQuery
from chalicelib.store.records import ListQuery
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.uploads import (deliver, delete, drain_uploads_queue, drop, fetch_report, invoices_csv,
                                   receive, release, take)

ACTOR = Actor("test")


class WorkerKilled(BaseException):
    """Like a Lambda stopped mid-run: no `except Exception` sees it."""


@pytest.fixture
def tenant_id():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Imports Ltd"})
    create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                  {"name": "Bright Bakery", "currency": "GBP", "payment_terms_days": 14})
    return tenant.id


def invoices_of(tenant_id):
    found, cursor = [], None
    while True:
        page, cursor = INVOICE.store.list(tenant_id, DocumentQuery(limit=100, cursor=cursor))
        found += page
        if not cursor:
            return found


def the_file(tenant_id, batch_id):
    batch = show_batch(tenant_id, batch_id)
    (file,) = batch["files"]
    return file


def test_a_file_put_into_the_bucket_is_announced_by_s3_and_imported(tenant_id):
    dropped = drop(tenant_id, "invoices", "march file.csv", invoices_csv(3))
    events = []
    for message in iter(lambda: receive(1), []):
        body = json.loads(message[0]["Body"])
        events += [(r["eventName"], unquote_plus(r["s3"]["object"]["key"])) for r in body.get("Records", [])]
        assert deliver(message[0]) == {"batchItemFailures": []}
        delete(message[0])
    assert ("ObjectCreated:Put", dropped["key"]) in events
    file = the_file(tenant_id, dropped["batch_id"])
    assert file["status"] == "done" and file["counts"] == {"rows": 6, "imported": 6, "rejected": 0, "skipped": 0,
                                                           "duplicates": 0}
    invoices = sorted(invoices_of(tenant_id), key=lambda i: i.number)
    assert [(i.number, i.status, i.doc_date) for i in invoices] == [
        ("INV-0001", "issued", "2026-03-31"), ("INV-0002", "issued", "2026-03-31"),
        ("INV-0003", "issued", "2026-03-31")]
    assert invoices[0].data["totals"]["gross"] == Decimal("71.96")  # (1 + 2) x 19.99 + 20 % VAT
    report = fetch_report(file["report"]["json"])
    assert [(r["line"], r["status"], r["number"]) for r in report["rows"]] == [
        (2, "imported", "INV-0001"), (3, "imported", "INV-0001"), (4, "imported", "INV-0002"),
        (5, "imported", "INV-0002"), (6, "imported", "INV-0003"), (7, "imported", "INV-0003")]
    assert {r["id"] for r in report["rows"]} == {i.id for i in invoices}
    # The series moved past the imported numbers: the next invoice issued here is INV-0004.
    draft = create_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, {"customer_id": invoices[0].customer_id,
                            "lines": [{"description": "x", "quantity": Decimal(1), "unit_price": Decimal(1)}]})
    assert issue_document(UnitOfWork(), INVOICE, tenant_id, ACTOR, draft.id, {}).number == "INV-0004"


def test_a_repeated_s3_event_and_a_message_sent_again_make_nothing_twice(tenant_id):
    dropped = drop(tenant_id, "invoices", "april.csv", invoices_csv(2))
    event = take("april.csv")
    deliver(event)  # the file is planned; chunk 0 is queued
    chunk = take(dropped["batch_id"])
    for message in (chunk, chunk, event):  # the chunk twice, then the S3 event once more
        assert deliver(message) == {"batchItemFailures": []}
    delete(event)
    delete(chunk)
    drain_uploads_queue()
    file = the_file(tenant_id, dropped["batch_id"])
    assert file["counts"]["imported"] == 4 and file["counts"]["rows"] == 4 and file["documents"] == 2
    assert len(invoices_of(tenant_id)) == 2


def test_the_same_content_again_is_reported_as_a_duplicate_of_the_first(tenant_id):
    content = invoices_csv(2)
    first = drop(tenant_id, "invoices", "may.csv", content)
    drain_uploads_queue()
    again = drop(tenant_id, "invoices", "may (copy).csv", content)
    drain_uploads_queue()
    copy = the_file(tenant_id, again["batch_id"])
    assert copy["status"] == "done"
    assert copy["counts"] == {"rows": 4, "imported": 0, "rejected": 0, "skipped": 0, "duplicates": 4}
    original = the_file(tenant_id, first["batch_id"])
    assert copy["duplicate_of"] == {"upload_id": first["batch_id"], "file_id": original["id"], "name": "may.csv"}
    rows = fetch_report(copy["report"]["json"])["rows"]
    assert {r["status"] for r in rows} == {"duplicate"} and all(first["batch_id"] in r["reason"] for r in rows)
    assert len(invoices_of(tenant_id)) == 2


def test_rows_refused_before_are_imported_when_the_same_content_comes_again(tenant_id):
    content = invoices_csv(1) + invoices_csv(1, customer="New Customer", first=2)[len(invoices_csv(0)):]
    first = drop(tenant_id, "invoices", "june.csv", content)
    drain_uploads_queue()
    assert the_file(tenant_id, first["batch_id"])["counts"]["rejected"] == 2
    create_record(UnitOfWork(), CUSTOMERS, tenant_id, ACTOR, {"name": "New Customer", "currency": "GBP"})
    again = drop(tenant_id, "invoices", "june-again.csv", content)
    drain_uploads_queue()
    assert the_file(tenant_id, again["batch_id"])["counts"] == {"rows": 4, "imported": 2, "rejected": 0,
                                                                "skipped": 0, "duplicates": 2}
    assert sorted(i.number for i in invoices_of(tenant_id)) == ["INV-0001", "INV-0002"]


@pytest.mark.parametrize("kill", ["after a document", "before the chunk is recorded", "before the next is queued",
                                  "before the first is queued"])
def test_a_worker_killed_midway_and_run_again_makes_every_document_once(tenant_id, monkeypatch, kill):
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 10)  # 60 rows: six chunks of five invoices
    monkeypatch.setattr(import_chunks, "CHUNK_SECONDS", 0)  # each piece of a chunk makes one invoice
    monkeypatch.setattr(import_chunks, "STALL_SECONDS", 0)
    dropped = drop(tenant_id, "invoices", "big.csv", invoices_csv(30))
    target = {"after a document": (import_documents.Importer, "_create", 13),
              "before the chunk is recorded": (import_chunks, "_complete", 3),
              "before the next is queued": (import_chunks, "queue_chunk", 3),
              "before the first is queued": (import_files, "start_chunks", 1)}[kill]
    calls = {"n": 0}
    real = getattr(*target[:2])

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == target[2]:
            if kill == "after a document":
                real(*args, **kwargs)  # the document, its claim and the count are committed...
            raise WorkerKilled()  # ...and the worker dies before anything else happens
        return real(*args, **kwargs)

    monkeypatch.setattr(*target[:2], dying)
    killed = False
    while True:
        messages = receive(1)
        if not messages:
            break
        try:
            assert deliver(messages[0]) == {"batchItemFailures": []}
            delete(messages[0])
        except WorkerKilled:
            killed = True
            release(messages[0])  # Lambda's event source gives the message to a new worker
    assert killed
    file = the_file(tenant_id, dropped["batch_id"])
    assert file["status"] == "done"
    assert file["counts"] == {"rows": 60, "imported": 60, "rejected": 0, "skipped": 0, "duplicates": 0}
    invoices = invoices_of(tenant_id)
    assert sorted(i.number for i in invoices) == [f"INV-{n:04d}" for n in range(1, 31)]
    rows = fetch_report(file["report"]["json"])["rows"]
    assert [r["line"] for r in rows] == list(range(2, 62)) and {r["status"] for r in rows} == {"imported"}
    assert {r["id"] for r in rows} == {i.id for i in invoices}


def test_large_files_go_in_chunks_that_never_split_a_document(tenant_id, monkeypatch):
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 7)  # 3-row documents: chunks of 9 rows
    content = invoices_csv(10, lines=3).replace(b"\r\nINV-0005", b"\r\n,,,,,,\r\nINV-0005", 1)
    dropped = drop(tenant_id, "invoices", "chunks.csv", content)
    chunks = 0
    for message in iter(lambda: receive(1), []):
        chunks += '"import_chunk"' in message[0]["Body"]
        assert deliver(message[0]) == {"batchItemFailures": []}
        delete(message[0])
    assert chunks == 4
    file = the_file(tenant_id, dropped["batch_id"])
    assert file["counts"] == {"rows": 31, "imported": 30, "rejected": 0, "skipped": 1, "duplicates": 0}
    assert all(len(i.data["lines"]) == 3 for i in invoices_of(tenant_id))
    rows = fetch_report(file["report"]["json"])["rows"]
    assert [r["line"] for r in rows] == list(range(2, 33)) and rows[12]["status"] == "skipped"


def test_keys_of_strangers_are_left_alone(tenant_id):
    s3 = boto3.client("s3")
    for key in ("tenants/ten_nobody/drop/invoices/a.csv", f"tenants/{tenant_id}/drop/unknown-kind/a.csv",
                f"tenants/{tenant_id}/batches/upl_nope/invoices/0-a.csv"):
        s3.put_object(Bucket=config.uploads_bucket(), Key=key, Body=invoices_csv(1))
    assert drain_uploads_queue() >= 3
    assert invoices_of(tenant_id) == []


@pytest.mark.parametrize("kind", ["invoices", "products"])
def test_two_workers_on_the_same_chunk_at_once_make_each_document_once(tenant_id, kind):
    content = invoices_csv(15) if kind == "invoices" else (
        "name,code,unit_price\n" + "".join(f"Product {n},P-{n},{n}.50\n" for n in range(30))).encode()
    dropped = drop(tenant_id, kind, "twins.csv", content)
    deliver(take(dropped["key"].rsplit("/", 1)[1]))
    chunk = take(dropped["batch_id"])
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(deliver, [chunk, chunk]))
    assert results == [{"batchItemFailures": []}] * 2
    delete(chunk)
    drain_uploads_queue()
    file = the_file(tenant_id, dropped["batch_id"])
    assert file["counts"] == {"rows": 30, "imported": 30, "rejected": 0, "skipped": 0, "duplicates": 0}
    rows = fetch_report(file["report"]["json"])["rows"]
    assert {r["status"] for r in rows} == {"imported"}
    made = invoices_of(tenant_id) if kind == "invoices" else PRODUCTS.store.list(tenant_id, ListQuery(limit=100))[0]
    assert len(made) == len({r["id"] for r in rows}) == (15 if kind == "invoices" else 30)
