"""List exports over HTTP, through the jobs queue, read back with other readers:
openpyxl for XLSX, the csv module for CSV and pypdf for PDF; the numbers are checked
against the list route's own answer."""
import csv
import io
import os
from datetime import date, datetime
from decimal import Decimal

import boto3
import pytest
import requests
from openpyxl import load_workbook
from pypdf import PdfReader

from chalicelib.api.exports import LIST_PATHS
from chalicelib import config
from chalicelib.config import MAX_RECEIVE_COUNT
from chalicelib.render.text import money
from infra.local.dead_letters import redrive
from tests.support.jobs import deliver_jobs, drain_jobs_queue, redeliver_at_once

NAMES = ['=HYPERLINK("http://evil.example","click")', "@SUM(A1:A9)", "شركة الأمل", "北京公司 🎉"]


@pytest.fixture
def books(tenant):
    """Four customers (formula-like and non-Latin names), an issued invoice each, one paid in part."""
    invoices = []
    for i, name in enumerate(NAMES):
        customer = tenant.post("/customers", {"name": name}).body
        draft = tenant.post("/invoices", {"customer_id": customer["id"], "lines": [
            {"description": "Work", "quantity": str(i + 1), "unit_price": "99.99"},
            {"description": "Books", "quantity": "1", "unit_price": "10.00", "vat_category": "zero"}]}).body
        invoices.append(tenant.post(f"/invoices/{draft['id']}/issue", {}).body)
    tenant.post("/payments", {"customer_id": invoices[0]["customer_id"], "amount": "50.00", "currency": "GBP",
                              "allocations": [{"invoice_id": invoices[0]["id"], "amount": "50.00"}]})
    return invoices


def export(api, resource, file_format, filters=None):
    asked = api.post("/exports", {"resource": resource, "format": file_format, "filters": filters or {}})
    assert asked.status == 202, asked.body
    assert asked.body["state"] == "queued"
    drain_jobs_queue()
    done = api.get(f"/exports/{asked.body['id']}")
    assert done.status == 200 and done.body["state"] == "done", done.body
    content = requests.get(done.body["file"]["url"], timeout=10).content
    return done.body, content


def listed(api, path, query=""):
    answer = api.get(f"{path}?limit=100{query}")
    assert answer.status == 200
    return answer.body["data"]


def test_invoices_to_xlsx_keep_types_totals_and_never_become_formulas(tenant, books):
    done, content = export(tenant, "invoices", "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert done["rows"] == 4 and header[0] == "Number"
    data = [dict(zip(header, row)) for row in rows[1:5]]
    shown = {i["number"]: i for i in listed(tenant, "/invoices")}
    for row in data:
        invoice = shown[row["Number"]]
        assert isinstance(row["Issue date"], datetime)
        assert row["Issue date"].date() == date.fromisoformat(invoice["issue_date"])
        assert Decimal(str(row["Gross"])) == Decimal(invoice["totals"]["gross"])
        assert Decimal(str(row["Outstanding"])) == Decimal(invoice["outstanding"])
    totals = [dict(zip(header, row)) for row in rows[5:] if any(row)]
    assert len(totals) == 2 and totals[1]["Number"].startswith("Totals leave out drafts")  # all issued here
    assert Decimal(str(totals[0]["Gross"])) == sum(Decimal(i["totals"]["gross"]) for i in shown.values())
    customer_cells = [cell for cell in sheet["D"][1:5]]
    assert all(cell.data_type == "s" for cell in customer_cells)
    assert {cell.value for cell in customer_cells} == set(NAMES)  # text as given, never a formula


def test_invoices_to_csv_are_rfc4180_with_exact_amounts_and_defused_formulas(tenant, books):
    done, content = export(tenant, "invoices", "csv")
    assert content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert len(rows) == done["rows"] == 4
    shown = {i["number"]: i for i in listed(tenant, "/invoices")}
    for row in rows:
        assert row["Gross"] == shown[row["Number"]]["totals"]["gross"]
        assert row["Outstanding"] == shown[row["Number"]]["outstanding"]
    customers = {row["Customer"] for row in rows}
    assert "'" + NAMES[0] in customers and "'" + NAMES[1] in customers
    assert {NAMES[2], NAMES[3]} <= customers


def test_invoices_to_pdf_show_every_row_and_the_totals(tenant, books):
    done, content = export(tenant, "invoices", "pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    shown = listed(tenant, "/invoices")
    for invoice in shown:
        assert invoice["number"] in text and money(invoice["totals"]["gross"], "GBP") in text
    total = sum(Decimal(i["totals"]["gross"]) for i in shown)
    assert "Total GBP" in text and money(f"{total:.2f}", "GBP") in text
    assert "北京公司" in text


def test_filters_are_the_lists_own(tenant, books):
    done, content = export(tenant, "invoices", "csv", {"status": "partially_paid"})
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert [r["Number"] for r in rows] == [i["number"] for i in listed(tenant, "/invoices", "&status=partially_paid")]
    assert done["filters"] == {"status": "partially_paid"}


@pytest.mark.parametrize("resource", sorted(LIST_PATHS))
@pytest.mark.parametrize("file_format", ["xlsx", "csv", "pdf"])
def test_every_list_exports_in_every_format_with_the_lists_rows(tenant, books, resource, file_format):
    done, content = export(tenant, resource, file_format)
    assert done["rows"] == len(listed(tenant, LIST_PATHS[resource]))
    if file_format == "xlsx":
        assert load_workbook(io.BytesIO(content)).active.max_row >= done["rows"] + 1
    elif file_format == "csv":
        assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))) == done["rows"] + 1
    else:
        assert PdfReader(io.BytesIO(content)).pages


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "pdf"])
def test_an_export_of_no_rows_is_an_empty_but_valid_file(tenant, file_format):
    done, content = export(tenant, "credit_notes", file_format)
    assert done["rows"] == 0
    if file_format == "xlsx":
        assert [c.value for c in load_workbook(io.BytesIO(content)).active[1]][0] == "Number"
    elif file_format == "csv":
        assert list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))[0][0] == "Number"
    else:
        assert "Credit notes" in PdfReader(io.BytesIO(content)).pages[0].extract_text()


@pytest.mark.parametrize("body, field", [
    ({"resource": "spaceships", "format": "csv"}, "resource"),
    ({"resource": "invoices", "format": "docx"}, "format"),
    ({"resource": "invoices", "format": "csv", "filters": {"status": "lost"}}, "filters.status"),
    ({"resource": "invoices", "format": "csv", "filters": {"colour": "red"}}, "filters.colour"),
    ({"resource": "invoices", "format": "csv", "filters": ["paid"]}, "filters"),
])
def test_bad_export_requests_are_refused_and_queue_nothing(tenant, body, field):
    answer = tenant.post("/exports", body)
    assert answer.status == 400 and field in answer.error_fields, answer.body
    assert tenant.get("/exports").body["data"] == []


def test_a_pdf_too_long_to_read_fails_with_a_reason(tenant, books, monkeypatch):
    monkeypatch.setattr("chalicelib.render.list_pdf.MAX_ROWS", 2)
    asked = tenant.post("/exports", {"resource": "invoices", "format": "pdf"})
    drain_jobs_queue()
    failed = tenant.get(f"/exports/{asked.body['id']}").body
    assert failed["state"] == "failed" and "at most 2 rows" in failed["error"] and "file" not in failed


def test_an_export_s3_refuses_is_retried_then_failed_with_a_reason_on_its_last_delivery(tenant, books, monkeypatch,
                                                                                      caplog):
    drain_jobs_queue()  # the invoices' PDFs
    bucket = os.environ["INVOICING_DOCUMENTS_BUCKET"]
    monkeypatch.setenv("INVOICING_DOCUMENTS_BUCKET", "invoicing-no-such-bucket")
    asked = tenant.post("/exports", {"resource": "invoices", "format": "csv"}).body
    for delivery in range(1, MAX_RECEIVE_COUNT + 1):
        messages, failed = deliver_jobs(config.exports_queue())
        assert [m["Attributes"]["ApproximateReceiveCount"] for m in messages] == [str(delivery)]
        assert failed == {messages[0]["MessageId"]}  # the queue retries it, then dead-letters it
        shown = tenant.get(f"/exports/{asked['id']}").body
        if delivery < MAX_RECEIVE_COUNT:
            assert shown["state"] == "queued" and "error" not in shown
            redeliver_at_once(messages, config.exports_queue())
    assert shown["state"] == "failed" and shown["error"] == "The export could not be written; request it again"
    assert "file" not in shown
    logged = [type(r.exc_info[1]).__name__ for r in caplog.records if r.getMessage() == "job failed"]
    assert logged == ["NoSuchBucket"] * MAX_RECEIVE_COUNT

    monkeypatch.setenv("INVOICING_DOCUMENTS_BUCKET", bucket)
    redeliver_at_once(messages, config.exports_queue())
    assert deliver_jobs(config.exports_queue()) == ([], set())  # SQS dead-letters it instead
    assert redrive(boto3.client("sqs"), config.exports_queue()) == 1  # as a message move task would
    messages, failed = deliver_jobs(config.exports_queue())
    assert len(messages) == 1 and not failed and drain_jobs_queue() == 0
    assert tenant.get(f"/exports/{asked['id']}").body == shown
    written = boto3.client("s3").list_objects_v2(Bucket=bucket, Prefix=f"exports/tenants/{tenant.tenant_id}/")
    assert written["KeyCount"] == 0
