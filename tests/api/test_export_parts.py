"""A document list's CSV in parts (date ranges read in parallel, one file by S3 multipart upload)
is byte for byte the CSV of one read; a failed upload leaves no part behind. Rows read ahead over
ranges (XLSX, PDF) are the rows of one read, in order, with bounded memory."""
import io
import time
import zipfile
from datetime import date, timedelta
from itertools import islice

import pytest
from hypothesis import given, settings, strategies as st

from chalicelib import config
from chalicelib.api.exports import parse_filters
from chalicelib.render.csv_export import write_csv
from chalicelib.services import export_parts, exports
from chalicelib.services.export_parts import (date_ranges, in_order, ranges_for, rows_in_order, rows_read_ahead,
                                              sized_ranges, upload_in_parts, write_csv_in_parts)
from chalicelib.services.exports import all_rows, run_export
from chalicelib.store import files

DAYS = [date(2026, 3, 1) + timedelta(days=k) for k in (0, 0, 1, 3, 4, 9, 9, 9, 30)]


@settings(deadline=None)  # pure, but the machine may be busy
@given(st.dates(max_value=date(9000, 1, 1)), st.integers(0, 400), st.integers(1, 40))
def test_date_ranges_cover_each_day_once_newest_first(first, length, days):
    last = first + timedelta(days=length)
    ranges = date_ranges(first, last, days)
    assert ranges[0][1] == last and ranges[-1][0] == first
    for (start, _), (_, next_end) in zip(ranges, ranges[1:]):
        assert next_end + timedelta(days=1) == start  # contiguous, newest first
    assert all(0 <= (end - start).days < days for start, end in ranges)


@pytest.fixture
def spread(tenant):
    """Invoices issued over a month (several a day), a void one, one in euros, and a credit note."""
    customer = tenant.post("/customers", {"name": "Acme, \"Trading\""}).body
    euro = tenant.post("/customers", {"name": "Müller GmbH", "currency": "EUR"}).body
    made = []
    for k, day in enumerate(DAYS):
        buyer = euro if k % 4 == 3 else customer
        draft = tenant.post("/invoices", {"customer_id": buyer["id"], "issue_date": day.isoformat(), "lines": [
            {"description": "Work", "quantity": str(k + 1), "unit_price": "10.05"}]}).body
        options = {"exchange_rate": "0.85"} if buyer is euro else {}
        made.append(tenant.post(f"/invoices/{draft['id']}/issue", options).body)
    tenant.post(f"/invoices/{made[1]['id']}/void", {"reason": "Twice"})
    note = tenant.post(f"/invoices/{made[0]['id']}/credit-notes", {"reason": "Less", "lines": [0]}).body
    tenant.post(f"/credit-notes/{note['id']}/issue", {})
    return tenant


def _one_read(tenant_id, resource, query) -> bytes:
    text = io.StringIO()
    write_csv(resource, all_rows(tenant_id, resource, query, "csv"), text)
    return text.getvalue().encode("utf-8")


@pytest.mark.parametrize("resource, filters", [
    ("invoices", {}), ("invoices", {"from": "2026-03-02", "to": "2026-03-10"}), ("invoices", {"status": "void"}),
    ("invoices", {"from": "2027-01-01"}), ("credit_notes", {}), ("estimates", {})])
def test_a_csv_in_parts_is_byte_for_byte_the_csv_of_one_read(spread, resource, filters):
    query = parse_filters(resource, filters)
    key = f"test/{resource}-{len(filters)}.csv"
    rows = write_csv_in_parts(spread.tenant_id, resource, query, key, threads=3, days=2)
    expected = _one_read(spread.tenant_id, resource, query)
    assert files.get_bytes(key) == expected
    assert rows == expected.count(b"\r\n") - 1
    if resource == "invoices" and not filters:
        assert len(ranges_for(spread.tenant_id, resource, query, 2)) == 16  # 1 to 31 March: 31 days, 2 a range


def test_parts_of_five_mebibytes_are_joined_in_order_into_one_object(local_aws):
    pieces = [(1, b"a" * (6 * 1024 * 1024)), (2, b"b" * (3 * 1024 * 1024)), (3, b"c" * (3 * 1024 * 1024)),
              (4, b"tail")]
    assert upload_in_parts("test/joined.csv", iter(pieces), part_bytes=5 * 1024 * 1024) == 10
    assert files.get_bytes("test/joined.csv") == b"".join(piece for _, piece in pieces)


def test_a_failed_part_aborts_the_upload_and_leaves_nothing(local_aws):
    def pieces():
        yield 1, b"x" * 10
        raise ConnectionError("DynamoDB went away")

    with pytest.raises(ConnectionError):
        upload_in_parts("test/failed.csv", pieces())
    bucket = config.documents_bucket()
    assert not files.s3().list_multipart_uploads(Bucket=bucket).get("Uploads")
    assert not files.exists("test/failed.csv")


def test_ranges_are_handed_on_in_order_whichever_finishes_first():
    def write(span, first):
        time.sleep(0.01 * (5 - span[0]))  # the earlier ranges take longest
        return 1, f"{span[0]}{'h' if first else ''};".encode()

    out = list(in_order(write, [(k, k) for k in range(5)], threads=3))
    assert b"".join(chunk for _, chunk in out) == b"0h;1;2;3;4;"


@pytest.mark.parametrize("resource, filters", [
    ("invoices", {}), ("invoices", {"from": "2026-03-02", "to": "2026-03-10"}), ("invoices", {"status": "issued"}),
    ("invoices", {"q": "Müller"}), ("credit_notes", {}), ("estimates", {})])
def test_rows_read_ahead_are_the_rows_of_one_read(spread, monkeypatch, resource, filters):
    monkeypatch.setattr(export_parts, "PROBE_ROWS", 3)  # 3 rows over n days: ranges of about 2 rows
    monkeypatch.setattr(export_parts, "ROWS_PER_RANGE", 2)
    query = parse_filters(resource, filters)
    expected = list(all_rows(spread.tenant_id, resource, query, "xlsx"))
    assert list(rows_read_ahead(spread.tenant_id, resource, query, "xlsx", threads=3)) == expected
    if resource == "invoices" and not filters:  # newest 3 dated 31, 10, 10 March: 22 days for 3 rows,
        assert sized_ranges(spread.tenant_id, resource, query) == [  # so 14 days for 2 rows
            (date(2026, 3, 18), date(2026, 3, 31)), (date(2026, 3, 4), date(2026, 3, 17)),
            (date(2026, 3, 1), date(2026, 3, 3))]


def test_a_filtered_list_is_cut_as_its_index_is_without_probing_through_the_filter(spread, monkeypatch):
    """Two of the nine invoices match "Müller": probing the filtered list for three rows would read
    every invoice; the ranges come from the index's newest three dates instead (as unfiltered)."""
    monkeypatch.setattr(export_parts, "PROBE_ROWS", 3)
    monkeypatch.setattr(export_parts, "ROWS_PER_RANGE", 2)
    plain = sized_ranges(spread.tenant_id, "invoices", parse_filters("invoices", {}))
    assert sized_ranges(spread.tenant_id, "invoices", parse_filters("invoices", {"q": "Müller"})) == plain
    assert len(plain) == 3


def test_a_list_export_read_ahead_is_the_file_of_one_read(spread, monkeypatch):
    monkeypatch.setattr(export_parts, "PROBE_ROWS", 3)
    monkeypatch.setattr(export_parts, "ROWS_PER_RANGE", 2)
    ranged = _exported(spread, "xlsx")
    monkeypatch.setattr(exports, "_can_split", lambda resource, query: False)
    assert _sheets(ranged) == _sheets(_exported(spread, "xlsx"))


def _exported(tenant, file_format: str) -> bytes:
    export = tenant.post("/exports", {"resource": "invoices", "format": file_format}).body
    run_export(tenant.tenant_id, export["id"], parse_filters, last_delivery=False)
    done = tenant.get(f"/exports/{export['id']}").body
    assert done["state"] == "done" and done["rows"] == len(DAYS), done
    return files.get_bytes(exports.EXPORTS.store.get(tenant.tenant_id, export["id"]).data["key"])


def _sheets(content: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(content)) as book:  # all but docProps/core.xml, which holds the time
        return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}


def test_rows_come_in_range_order_whichever_range_is_read_first():
    def read(span):
        for k in range(span[1]):
            time.sleep(0.002 * (5 - span[0]))  # the earlier ranges take longest
            yield (span[0], k)

    ranges = [(k, 7 * k) for k in range(5)]
    expected = [(k, j) for k, n in ranges for j in range(n)]
    assert list(rows_in_order(read, ranges, threads=3, batches_ahead=2, batch_rows=3)) == expected


def test_a_range_that_fails_raises_in_its_turn_after_the_rows_before_it():
    def read(span):
        if span[0] == 2:
            raise ConnectionError("DynamoDB went away")
        return [span[0]] * 4

    taken = []
    with pytest.raises(ConnectionError):
        for row in rows_in_order(read, [(k, k) for k in range(4)], threads=4, batch_rows=3):
            taken.append(row)
    assert taken == [0, 0, 0, 0, 1, 1, 1, 1]


def test_readers_hold_a_bounded_number_of_rows_ahead_and_stop_when_the_writer_does():
    produced = {}

    def read(span):
        produced[span[0]] = 0
        while True:  # ranges without end: only the writer's stopping ends them
            produced[span[0]] += 1
            yield span[0]

    rows = rows_in_order(read, [(k, k) for k in range(3)], threads=3, batches_ahead=2, batch_rows=5)
    taken = list(islice(rows, 50))
    time.sleep(0.3)  # let every reader run as far ahead as it is allowed
    assert taken == [0] * 50
    # a reader holds at most 2 batches in its queue, one it waits to hand on and one being read
    assert produced[1] <= 4 * 5 and produced[2] <= 4 * 5
    rows.close()
    before = dict(produced)
    time.sleep(0.3)
    assert produced == before  # every reader stopped
