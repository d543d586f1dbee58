"""A document list's CSV in parts (date ranges read in parallel, one file by S3 multipart upload)
is byte for byte the CSV of one read; a failed upload leaves no part behind."""
import io
import time
from datetime import date, timedelta

import pytest
from hypothesis import given, settings, strategies as st

from chalicelib import config
from chalicelib.api.exports import parse_filters
from chalicelib.render.csv_export import write_csv
from chalicelib.services.export_parts import (date_ranges, in_order, ranges_for, upload_in_parts,
                                              write_csv_in_parts)
from chalicelib.services.exports import all_rows
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
