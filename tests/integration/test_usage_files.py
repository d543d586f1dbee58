"""Usage files dropped into the bucket (CSV, CSV.gz, our template or Asterisk's CDR table) into
totals, each record once: the same file twice, a chunk run twice, a worker stopped between steps.
Expected totals come from the card's rule worked independently (tests/support/usage.py)."""
import gzip

import pytest

from chalicelib.domain.records import Actor
from chalicelib.jobs import import_chunks, usage_chunks
from chalicelib.services import usage_commit, usage_rating
from chalicelib.services.tenants import create_tenant
from chalicelib.services.uploads import show_batch
from chalicelib.store.unit_of_work import UnitOfWork
from chalicelib.store.usage_totals import usage_totals
from chalicelib.store.usage_unrated import list_unrated
from tests.support.uploads import deliver, delete, drain_uploads_queue, drop, fetch_report, receive, release
from tests.support.usage import Subscriptions, calls, calls_csv, expected_totals

ACCOUNTS = {"acme": "sub_acme", "bolt": "sub_bolt"}


class WorkerKilled(BaseException):
    """Like a Lambda stopped mid-run: no `except Exception` sees it."""


@pytest.fixture
def tenant_id(monkeypatch):
    monkeypatch.setattr(usage_rating, "default_lookup", lambda: Subscriptions(ACCOUNTS))
    return create_tenant(UnitOfWork(), Actor("test"), {"legal_name": "Calls Ltd", "timezone": "Europe/London"}).id


def totals(tenant_id):
    found = {}
    for account, subscription in ACCOUNTS.items():
        for total in usage_totals(tenant_id, subscription, "2026-03-01"):
            entry = found.setdefault((account, total.destination), [0, 0, 0])
            for i, value in enumerate((total.calls, total.seconds, total.amount_micros)):
                entry[i] += value
    return found


def the_file(tenant_id, batch_id):
    (file,) = show_batch(tenant_id, batch_id)["files"]
    return file


def test_a_file_dropped_twice_counts_once_and_unrated_rows_are_kept_with_their_reason(tenant_id):
    records = calls(120, list(ACCOUNTS))
    content = calls_csv(records) + b"x1,nobody,2026-03-03T10:00:00Z,60,+441130000000,outbound\r\n" \
                                   b"x2,acme,2026-03-03T10:00:00Z,-5,+441130000000,outbound\r\n"
    first = drop(tenant_id, "usage", "march.csv", content)
    drain_uploads_queue()
    again = drop(tenant_id, "usage", "march-again.csv.gz", gzip.compress(content))
    drain_uploads_queue()
    assert totals(tenant_id) == expected_totals(records)
    assert the_file(tenant_id, first["batch_id"])["counts"] == {
        "rows": 122, "imported": 120, "rejected": 2, "skipped": 0, "duplicates": 0}
    copy = the_file(tenant_id, again["batch_id"])
    assert copy["status"] == "done" and copy["counts"]["duplicates"] == 120 and copy["counts"]["imported"] == 0
    report = fetch_report(copy["report"]["json"])["rows"]
    assert [(r["line"], r["id"], r.get("column")) for r in report] == [
        (122, "x1", None), (123, "x2", "duration_seconds")]
    unrated, _ = list_unrated(tenant_id, 10, None)
    assert {(u["id"], u["reason"]) for u in unrated} == {
        ("x1", usage_rating.NO_SUBSCRIPTION), ("x2", "duration_seconds must not be negative")}


@pytest.mark.parametrize("kill", ["after a group of a chunk", "before the chunk's last commit",
                                  "before the next chunk is queued"])
def test_a_worker_stopped_midway_and_run_again_counts_every_record_once(tenant_id, monkeypatch, kill):
    monkeypatch.setattr(usage_chunks, "CHUNK_ROWS", 40)
    monkeypatch.setattr(import_chunks, "STALL_SECONDS", 0)  # the redelivery comes after the stall time
    monkeypatch.setattr(usage_commit, "MAX_ITEMS", 12)  # a chunk commits in several transactions
    records = calls(150, list(ACCOUNTS))
    dropped = drop(tenant_id, "usage", "big.csv", calls_csv(records))
    target = {"after a group of a chunk": (usage_commit.UnitOfWork, "commit", 3, True),
              "before the chunk's last commit": (usage_commit.UnitOfWork, "commit", 5, False),
              "before the next chunk is queued": (usage_chunks, "queue_chunk", 2, False)}[kill]
    calls_made, real = {"n": 0}, getattr(*target[:2])

    def dying(*args, **kwargs):
        calls_made["n"] += 1
        if calls_made["n"] == target[2]:
            if target[3]:
                real(*args, **kwargs)
            raise WorkerKilled()
        return real(*args, **kwargs)

    monkeypatch.setattr(*target[:2], dying)
    killed = False
    for message in iter(lambda: receive(1), []):
        try:
            assert deliver(message[0]) == {"batchItemFailures": []}
            delete(message[0])
        except WorkerKilled:
            killed = True
            release(message[0])
    assert killed
    assert totals(tenant_id) == expected_totals(records)
    file = the_file(tenant_id, dropped["batch_id"])
    assert file["status"] == "done" and file["counts"]["rows"] == 150
    assert file["counts"]["imported"] + file["counts"]["duplicates"] == 150


def test_a_chunk_delivered_twice_counts_once(tenant_id, monkeypatch):
    monkeypatch.setattr(usage_chunks, "CHUNK_ROWS", 50)
    records = calls(100, list(ACCOUNTS))
    dropped = drop(tenant_id, "usage", "twice.csv", calls_csv(records))
    for message in iter(lambda: receive(1), []):
        deliver(message[0])
        if "usage" not in message[0]["Body"]:  # a chunk: run again, as a redelivered message would be
            deliver(message[0])
        delete(message[0])
    assert totals(tenant_id) == expected_totals(records)
    assert the_file(tenant_id, dropped["batch_id"])["counts"]["imported"] == 100


def test_asterisk_cdr_table_rows_are_read_in_the_tenant_time_zone(tenant_id):
    header = ("calldate,clid,src,dst,dcontext,channel,dstchannel,lastapp,lastdata,duration,billsec,disposition,"
              "amaflags,accountcode,uniqueid,userfield")
    rows = ['2026-03-31 23:30:00,"""A"" <100>",100,447700900123,from-internal,SIP/100-1,SIP/trunk-2,Dial,x,70,61,'
            'ANSWERED,3,acme,1774999800.1,',
            '2026-04-01 00:30:00,"""A"" <100>",100,447700900123,from-internal,SIP/100-1,SIP/trunk-2,Dial,x,20,0,'
            'NO ANSWER,3,acme,1775003400.2,']
    drop(tenant_id, "usage", "Master.csv", ("\r\n".join([header] + rows) + "\r\n").encode())
    drain_uploads_queue()
    # 23:30 London summer time on 31 March is in March's period, on its day; 61 s at 1/1: 0.085 x 61 / 60
    # + 0.01 = 0.09641667 -> 96,417 micros. The second, unanswered, bills nothing in April.
    (march,) = usage_totals(tenant_id, "sub_acme", "2026-03-01")
    assert (march.day, march.destination, march.calls, march.seconds, march.amount_micros) == (
        "2026-03-31", "UK mobile", 1, 61, 96417)
    (april,) = usage_totals(tenant_id, "sub_acme", "2026-04-01")
    assert (april.day, april.calls, april.seconds, april.amount_micros) == ("2026-04-01", 1, 0, 0)
