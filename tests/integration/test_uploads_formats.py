"""Every kind and format the uploads take: CSV (ours and Xero's), XLSX, JSON and JSON Lines."""
import io
import json
from datetime import datetime
from decimal import Decimal

import pytest
import xlsxwriter

from chalicelib.domain.records import Actor
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import CREDIT_NOTE, INVOICE
from chalicelib.services.products import PRODUCTS
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.services.uploads import show_batch
from chalicelib.store.documents import DocumentQuery
from chalicelib.store.records import ListQuery
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.uploads import drain_uploads_queue, drop, fetch_report

ACTOR = Actor("test")


@pytest.fixture
def tenant_id():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Formats Ltd"})
    create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR, {"name": "Bright Bakery", "currency": "GBP"})
    create_record(UnitOfWork(), PRODUCTS, tenant.id, ACTOR, {"name": "Bookkeeping", "code": "BK-M", "unit": "month",
                                                             "unit_price": Decimal("250"), "currency": "GBP",
                                                             "vat_category": "standard", "vat_rate": Decimal(20)})
    return tenant.id


def imported(tenant_id, kind, name, body):
    dropped = drop(tenant_id, kind, name, body)
    drain_uploads_queue()
    (file,) = show_batch(tenant_id, dropped["batch_id"])["files"]
    return file, fetch_report(file["report"]["json"])["rows"]


def documents(dtype, tenant_id):
    return sorted(dtype.store.list(tenant_id, DocumentQuery(limit=100))[0], key=lambda d: d.number or d.id)


def records(rtype, tenant_id):
    return {r.data["name"]: r for r in rtype.store.list(tenant_id, ListQuery(limit=100))[0]}


def test_an_xlsx_workbook_of_invoices(tenant_id):
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet, day = book.add_worksheet(), book.add_format({"num_format": "dd/mm/yyyy"})
    sheet.write_row(0, 0, ["number", "customer", "issue_date", "product_code", "description", "quantity",
                           "unit_price"])
    for row, (number, code, description, quantity, price) in enumerate([
            ("INV-0100", "BK-M", "", 2, None), ("INV-0100", "", "Payroll", 1, 80.1),
            ("INV-0101", "", "Audit", 1, 1234.5)]):
        sheet.write_row(row + 1, 0, [number, "Bright Bakery"])
        sheet.write_datetime(row + 1, 2, datetime(2026, 2, 28), day)
        sheet.write_row(row + 1, 3, [code, description, quantity] + ([price] if price is not None else []))
    book.close()
    file, rows = imported(tenant_id, "invoices", "feb.xlsx", out.getvalue())
    assert file["format"] == "xlsx" and file["counts"]["imported"] == 3, rows
    first, second = documents(INVOICE, tenant_id)
    assert (first.number, first.doc_date, first.data["totals"]["net"]) == ("INV-0100", "2026-02-28", Decimal("580.10"))
    assert second.data["lines"][0]["unit_price"] == Decimal("1234.5")
    assert [r["line"] for r in rows] == [2, 3, 4]


def test_json_customers_and_json_lines_products(tenant_id):
    customers = [{"name": "Ann's Cafe", "emails": ["ann@cafe.example"], "payment_terms_days": 7,
                  "billing_address": {"line1": "1 Road", "city": "York", "country": "GB"}},
                 {"name": "Broken", "payment_terms_days": "seven", "colour": "red"}]
    text = json.dumps(customers, indent=2)
    file, rows = imported(tenant_id, "customers", "customers.json", text.encode())
    assert file["counts"] == {"rows": 2, "imported": 1, "rejected": 1, "skipped": 0, "duplicates": 0}
    second_starts = text[:text.index('{\n    "name": "Broken"')].count("\n") + 1
    assert rows[1]["line"] == second_starts and rows[1]["column"] in ("payment_terms_days", "colour")
    ann = records(CUSTOMERS, tenant_id)["Ann's Cafe"]
    assert ann.data["payment_terms_days"] == 7 and ann.data["currency"] == "GBP"

    products = b'{"name": "Audit", "code": "AUD", "unit_price": 950}\n{"name": "Tax return", "unit_price": "1.2345"}\n'
    file, _ = imported(tenant_id, "products", "products.jsonl", products)
    assert file["counts"]["imported"] == 2
    made = records(PRODUCTS, tenant_id)
    assert made["Audit"].data["vat_rate"] == Decimal(20) and made["Tax return"].data["unit_price"] == Decimal("1.2345")


def test_xero_invoice_template(tenant_id):
    csv = ("*ContactName,EmailAddress,POAddressLine1,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,Total,"
           "InventoryItemCode,*Description,*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TaxAmount,Currency\r\n"
           "Bright Bakery,a@b.example,1 Road,INV-0042,PO-9,31/03/2026,30/04/2026,264.00,,Cakes,2,100.00,10,200,"
           "20% (VAT on Income),36.00,GBP\r\n"
           "Bright Bakery,a@b.example,1 Road,INV-0042,PO-9,31/03/2026,30/04/2026,264.00,,Delivery,1,40.00,,200,"
           "Zero Rated Income,0.00,GBP\r\n").encode()
    file, rows = imported(tenant_id, "invoices", "xero.csv", csv)
    assert file["counts"]["imported"] == 2, rows
    (invoice,) = documents(INVOICE, tenant_id)
    assert (invoice.number, invoice.due_date, invoice.data["reference"]) == ("INV-0042", "2026-04-30", "PO-9")
    assert invoice.data["totals"]["gross"] == Decimal("256.00")  # 180 + 36 VAT + 40 zero-rated


def test_credit_notes_name_the_invoice_they_correct(tenant_id):
    imported(tenant_id, "invoices", "inv.csv", b"number,customer,description,quantity,unit_price\nINV-0007,"
                                               b"Bright Bakery,Cakes,10,5\n")
    csv = (b"number,invoice,reason,status,description,quantity,unit_price\n"
           b"CN-0001,INV-0007,Stale cakes,,Cakes,2,5\n"
           b"CN-0002,INV-0007,Draft for later,draft,Cakes,1,5\n"
           b"CN-0003,INV-9999,Wrong invoice,,Cakes,1,5\n")
    file, rows = imported(tenant_id, "credit_notes", "credits.csv", csv)
    assert file["counts"]["imported"] == 2 and rows[2]["column"] == "invoice", rows
    issued, draft = documents(CREDIT_NOTE, tenant_id)
    assert (issued.number, issued.status, issued.data["invoice_number"]) == ("CN-0001", "issued", "INV-0007")
    assert draft.status == "draft" and draft.number is None


def test_customers_and_products_csv_with_windows_1252_text(tenant_id):
    customers = ("name,emails,notes,billing_line1,billing_city,billing_country\r\n"
                 "Caf\u00e9 Ren\u00e9,rene@cafe.example,Owes \u00a3100 \u20ac,2 Rue,Leeds,GB\r\n").encode("cp1252")
    file, _ = imported(tenant_id, "customers", "customers.csv", customers)
    assert file["encoding"] == "cp1252" and "not UTF-8" in file["warnings"][0]
    rene = records(CUSTOMERS, tenant_id)["Caf\u00e9 Ren\u00e9"]
    assert rene.data["notes"] == "Owes \u00a3100 \u20ac" and rene.data["billing_address"]["city"] == "Leeds"

    products = b"name,code,unit_price,vat_category\nPayroll,PAY,\"1,200.00\",zero\nAgain,BK-M,1,\n"
    file, rows = imported(tenant_id, "products", "products.csv", products)
    assert file["counts"]["imported"] == 1
    assert (rows[1]["column"], rows[1]["reason"]) == ("code", "is already used by another product")
    payroll = records(PRODUCTS, tenant_id)["Payroll"]
    assert payroll.data["unit_price"] == Decimal("1200.00") and payroll.data["vat_rate"] == Decimal(0)


def test_a_number_already_taken_is_refused_on_its_row(tenant_id):
    imported(tenant_id, "invoices", "one.csv", b"number,customer,description,quantity,unit_price\n"
                                               b"INV-0005,Bright Bakery,x,1,1\n")
    file, rows = imported(tenant_id, "invoices", "two.csv", b"number,customer,description,quantity,unit_price\n"
                                                            b"INV-0005,Bright Bakery,y,1,1\n"
                                                            b"INV-0006,Bright Bakery,z,1,1\n")
    assert [(r["status"], r.get("column")) for r in rows] == [("rejected", "number"), ("imported", None)]
    assert [d.number for d in documents(INVOICE, tenant_id)] == ["INV-0005", "INV-0006"]
