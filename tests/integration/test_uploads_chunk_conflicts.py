"""A chunk's write that keeps colliding with other transactions (DynamoDB's TransactionConflict,
as two chunks of one file adding to the same customer's balance at once) does not fail the chunk's
message, which would come back only after the queue's visibility timeout (30 minutes): the piece
stops before the document that collided, and the rest is queued again at once, a few seconds
ahead. Every document is still made once.
"""
import json
import threading
import time

import pytest

from chalicelib.jobs import import_chunks
from chalicelib.store.models import connection
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.domain.errors import NotFound
from chalicelib.domain.records import Actor
from tests.integration.test_uploads_parallel_chunks import check_imported_as_in_file, chunks_of_file, the_file
from tests.support.uploads import delete, deliver, drop, invoices_csv, receive

ACTOR = Actor("test")
# More refusals in a row than the store's own retries of one transaction (6) can ride out.
COLLISIONS = 8


@pytest.fixture
def tenant_id():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Colliding Imports Ltd"})
    create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                  {"name": "Bright Bakery", "currency": "GBP", "payment_terms_days": 14})
    return tenant.id


def refused_as_conflicting(marker: bytes, times: int):
    """A before-call handler: the first `times` TransactWriteItems whose request holds `marker` are
    cancelled as DynamoDB cancels a transaction another one holds an item of (every item's reason
    given, in order, TransactionConflict among them); nothing of them is written."""
    lock, refused = threading.Lock(), [0]

    def handler(params, **_):
        body = params["body"]
        body = body if isinstance(body, bytes) else body.encode()
        if marker not in body:
            return None
        with lock:
            if refused[0] >= times:
                return None
            refused[0] += 1
        items = json.loads(body)["TransactItems"]
        reasons = [{"Code": "None"}] * (len(items) - 1) + [{"Code": "TransactionConflict",
                                                             "Message": "Transaction is ongoing for the item"}]
        answer = {"Error": {"Code": "TransactionCanceledException", "Message": "Transaction cancelled"},
                  "CancellationReasons": reasons,
                  "ResponseMetadata": {"HTTPStatusCode": 400, "HTTPHeaders": {}}}
        return type("Refused", (), {"status_code": 400, "headers": {}})(), answer

    return handler, refused


def work_until_done(tenant_id, batch_id, seconds=40):
    """Take the queue's messages one at a time, waiting for delayed ones, until the file is done;
    every delivery must succeed."""
    deadline = time.monotonic() + seconds
    while not done(tenant_id, batch_id):
        assert time.monotonic() < deadline, "the file was not done in time"
        messages = receive(1)
        if not messages:
            time.sleep(0.2)
            continue
        assert deliver(messages[0]) == {"batchItemFailures": []}, messages[0]["Body"]
        delete(messages[0])


def done(tenant_id, batch_id):
    try:
        return the_file(tenant_id, batch_id)["status"] == "done"
    except NotFound:  # its S3 event is still on the queue
        return False


@pytest.mark.parametrize("colliding", ["a document", "the piece's record"])
def test_a_write_colliding_again_and_again_puts_the_rest_of_its_chunk_back_at_once(tenant_id, monkeypatch,
                                                                                   colliding):
    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 6)  # 12 invoices of 2 rows: four chunks of three
    sent = []
    real_send = import_chunks.send_all
    monkeypatch.setattr(import_chunks, "send_all", lambda messages, **kw: (sent.append((messages, kw)),
                                                                           real_send(messages, **kw))[1])
    marker = {"a document": b"INV-0005",  # the second invoice of the second chunk: its claim, its number
              "the piece's record": b"CHUNK#"}[colliding]  # a piece moving its chunk on, with the file's counts
    handler, refused = refused_as_conflicting(marker, COLLISIONS)
    events = connection().client.meta.events
    events.register_first("before-call.dynamodb.TransactWriteItems", handler)
    try:
        dropped = drop(tenant_id, "invoices", "collide.csv", invoices_csv(12))
        started = time.monotonic()
        work_until_done(tenant_id, dropped["batch_id"])
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", handler)
    assert refused[0] == COLLISIONS
    assert chunks_of_file(tenant_id, dropped["batch_id"]) == 4
    rows, invoices = check_imported_as_in_file(tenant_id, the_file(tenant_id, dropped["batch_id"]), 12)
    assert sorted(i.number for i in invoices) == [f"INV-{n:04d}" for n in range(1, 13)]
    delayed = [(m, kw) for m, kw in sent if kw.get("delay_seconds")]
    assert delayed and all(1 <= kw["delay_seconds"] <= 900 for _, kw in delayed)
    assert time.monotonic() - started < 40  # well inside the queue's visibility timeout
