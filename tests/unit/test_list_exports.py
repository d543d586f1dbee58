"""List exports (render/columns, cells, xlsx, csv_export), read back with other readers (openpyxl, csv)."""
import ast
import csv
import io
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from chalicelib.domain.errors import ValidationError
from chalicelib.render import xlsx as xlsx_module
from chalicelib.render.cells import safe_text
from chalicelib.render.columns import (BOOLEAN, DATE, DATETIME, INTEGER, MONEY, NUMBER, PRICE, RESOURCES, TEXT,
                                       columns_for)
from chalicelib.render.csv_export import write_csv
from chalicelib.render.xlsx import write_xlsx

ARABIC, CHINESE, EMOJI = "شركة الخليج للتجارة", "北京贸易有限公司", "Bakery 🥐🎉"
ATTACKS = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1", "-1+2", "\t=1+1", "\r=2+2"]
CREATED = "2026-11-21T15:34:23.215934Z"


def invoice(number, name, currency, net, vat, gross, paid, outstanding, **extra):
    return {"id": f"inv_{number}", "number": number, "status": "issued", "overdue": False,
            "customer": {"id": "cus_1", "name": name}, "reference": "PO-7", "currency": currency,
            "issue_date": "2026-11-21", "due_date": "2026-12-21", "totals": {"net": net, "vat": vat, "gross": gross},
            "amount_paid": paid, "amount_credited": "0" if currency == "JPY" else "0.00",
            "outstanding": outstanding, "created_at": CREATED, **extra}


def credit_note(number, name, currency, net, vat, gross, allocated):
    return {"id": f"cn_{number}", "number": number, "status": "issued", "customer": {"name": name},
            "invoice_number": "INV-0001", "reason": "Overcharged", "currency": currency, "issue_date": "2026-11-22",
            "totals": {"net": net, "vat": vat, "gross": gross}, "allocated": allocated, "refunded": "0.00",
            "credit_left": str(Decimal(gross) - Decimal(allocated)), "created_at": CREATED}


def estimate(number, name, currency, net, vat, gross):
    return {"id": "est_1", "number": number, "status": "accepted", "customer": {"name": name}, "currency": currency,
            "issue_date": "2026-11-20", "expiry_date": "2026-12-20", "print_ready": True,
            "totals": {"net": net, "vat": vat, "gross": gross}, "created_at": CREATED}


def payment(name, currency, amount, allocated):
    return {"id": "pay_1", "status": "partially_allocated", "customer": {"name": name}, "currency": currency,
            "date": "2026-11-20", "amount": amount, "allocated": allocated, "refunded": "0.00",
            "unallocated": str(Decimal(amount) - Decimal(allocated)), "method": "bank_transfer",
            "reference": "BACS 991", "created_at": CREATED}


def template(name, currency=None):
    return {"id": "rec_1", "status": "active", "name": name, "customer_id": "cus_fpefjb2bv25f1bq4",
            "reference": "Retainer", "payment_terms_days": 14, "action": "issue", "generated": 3,
            "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-31", "count": 12,
                         "time_of_day": "09:00", "time_zone": "Europe/London"},
            **({"currency": currency} if currency else {}), "created_at": CREATED}


def product(name, currency, price, code="BK-M"):
    return {"id": "prd_1", "status": "active", "code": code, "name": name, "unit": "hour", "unit_price": price,
            "currency": currency, "vat_category": "reduced", "vat_rate": "5", "created_at": CREATED}


def customer(name, currency="GBP"):
    return {"id": "cus_1", "status": "active", "name": name, "company": f"{name} Ltd", "currency": currency,
            "emails": ["ap@acme.example", "boss@acme.example"], "payment_terms_days": 30,
            "billing_address": {"line1": "2 Low Rd", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"},
            "vat_number": "GB987654321", "created_at": CREATED}


RECORDS = {
    "invoices": [invoice("INV-0001", "Acme Trading", "GBP", "400.00", "61.50", "461.50", "100.00", "361.50"),
                 invoice("INV-0002", ARABIC, "KWD", "1000.125", "50.006", "1050.131", "0.000", "1050.131"),
                 invoice("INV-0003", CHINESE, "JPY", "10000", "1000", "11000", "5000", "6000"),
                 invoice("INV-0004", EMOJI, "GBP", "0.10", "0.02", "0.12", "0.00", "0.12", overdue=True),
                 invoice(None, "Draft Co", "GBP", "1.00", "0.20", "1.20", "0.00", "0.00",
                         status="draft", issue_date=None, due_date=None)],
    "credit_notes": [credit_note("CN-0001", "Acme Trading", "GBP", "285.00", "57.00", "342.00", "42.00"),
                     credit_note("CN-0002", CHINESE, "JPY", "900", "90", "990", "0"),
                     credit_note("CN-0003", EMOJI, "GBP", "10.00", "2.00", "12.00", "12.00")],
    "estimates": [estimate("EST-0001", "Acme Trading", "GBP", "500.00", "100.00", "600.00"),
                  estimate("EST-0002", ARABIC, "KWD", "12.345", "0.617", "12.962")],
    "payments": [payment("Acme Trading", "GBP", "100.00", "60.00"), payment(ARABIC, "KWD", "7.125", "7.125"),
                 payment(CHINESE, "JPY", "3000", "0"), payment(EMOJI, "GBP", "0.01", "0.00")],
    "recurring_invoices": [template("Monthly retainer", "GBP"), template(CHINESE)],
    "products": [product("Consulting", "GBP", "95.125"), product(EMOJI, "JPY", "1500", code="JP-1"),
                 product(ARABIC, "KWD", "2.500", code="KW-1")],
    "customers": [customer("Acme Trading"), customer(ARABIC, "KWD"), customer(EMOJI)],
}
# What the first record of each resource shows, by header, in the API's (presented) form.
FIRST = {
    "invoices": {"Number": "INV-0001", "Status": "issued", "Overdue": False, "Customer": "Acme Trading",
                 "Reference": "PO-7", "Issue date": "2026-11-21", "Due date": "2026-12-21", "Currency": "GBP",
                 "Net": "400.00", "VAT": "61.50", "Gross": "461.50", "Paid": "100.00", "Credited": "0.00",
                 "Outstanding": "361.50"},
    "credit_notes": {"Number": "CN-0001", "Invoice": "INV-0001", "Reason": "Overcharged", "Issue date": "2026-11-22",
                     "Gross": "342.00", "Allocated": "42.00", "Credit left": "300.00"},
    "estimates": {"Number": "EST-0001", "Status": "accepted", "Expiry date": "2026-12-20", "Print ready": True,
                  "Net": "500.00"},
    "payments": {"Date": "2026-11-20", "Customer": "Acme Trading", "Method": "bank_transfer", "Amount": "100.00",
                 "Allocated": "60.00", "Unallocated": "40.00", "Reference": "BACS 991"},
    "recurring_invoices": {"Name": "Monthly retainer", "Customer ID": "cus_fpefjb2bv25f1bq4", "Every": "1 month",
                           "Start date": "2026-01-31", "At most": 12, "Action": "issue", "Generated": 3,
                           "Currency": "GBP", "Created (UTC)": CREATED},
    "products": {"Code": "BK-M", "Name": "Consulting", "Unit price": "95.125", "VAT rate %": "5",
                 "VAT category": "reduced", "Created (UTC)": CREATED},
    "customers": {"Name": "Acme Trading", "Company": "Acme Trading Ltd", "Emails": "ap@acme.example; boss@acme.example",
                  "Payment terms (days)": 30, "City": "Leeds", "Postcode": "LS1 1AA", "Country": "GB"},
}
# The Python type openpyxl gives back for each kind of column.
XLSX_TYPES = {TEXT: str, DATE: datetime, DATETIME: datetime, MONEY: (int, float), PRICE: (int, float),
              NUMBER: (int, float), INTEGER: int, BOOLEAN: bool}


def xlsx_sheet(resource, records):
    out = io.BytesIO()
    assert write_xlsx(resource, iter(records), out) == len(records)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue())).active


def csv_rows(resource, records):
    out = io.StringIO(newline="")
    assert write_csv(resource, iter(records), out) == len(records)
    text = out.getvalue()
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def excel_text(value):
    """Control characters are stored escaped (_x000D_); Excel reads them back, openpyxl leaves them."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda found: chr(int(found[1], 16)), value)


def headers(resource):
    return [column.header for column in columns_for(resource)]


def as_xlsx(kind, presented):
    if kind in (DATE, DATETIME):
        return datetime.fromisoformat(presented.rstrip("Z"))
    return float(presented) if kind in (MONEY, PRICE, NUMBER) else presented


def as_csv(kind, presented):
    return {True: "true", False: "false"}.get(presented, str(presented)) if kind == BOOLEAN else str(presented)


def test_invoice_columns_are_what_an_accountant_expects():
    assert headers("invoices") == ["Number", "Status", "Overdue", "Customer", "Reference", "Issue date", "Due date",
                                   "Currency", "Net", "VAT", "Gross", "Paid", "Credited", "Outstanding"]


@pytest.mark.parametrize("resource", RESOURCES)
def test_xlsx_has_typed_cells_and_the_records_values(resource):
    sheet = xlsx_sheet(resource, RECORDS[resource])
    rows = list(sheet.iter_rows())
    assert [cell.value for cell in rows[0]] == headers(resource)
    for record_row in rows[1:1 + len(RECORDS[resource])]:
        for column, cell in zip(columns_for(resource), record_row):
            assert cell.data_type != "f"
            if cell.value is not None:
                assert isinstance(cell.value, XLSX_TYPES[column.kind]), (column.header, cell.value)
    kinds = {column.header: column.kind for column in columns_for(resource)}
    shown = dict(zip(headers(resource), (cell.value for cell in rows[1])))
    for header, presented in FIRST[resource].items():
        expected = as_xlsx(kinds[header], presented)
        if kinds[header] == DATETIME:  # Excel keeps time to the millisecond
            assert abs((shown[header] - expected).total_seconds()) < 0.001
        else:
            assert shown[header] == expected, header
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{rows[0][-1].column_letter}{1 + len(RECORDS[resource])}"


@pytest.mark.parametrize("resource", RESOURCES)
def test_csv_keeps_exact_strings_and_has_no_totals(resource):
    rows = csv_rows(resource, RECORDS[resource])
    assert rows[0] == headers(resource)
    assert len(rows) == 1 + len(RECORDS[resource])
    kinds = {column.header: column.kind for column in columns_for(resource)}
    shown = dict(zip(rows[0], rows[1]))
    for header, presented in FIRST[resource].items():
        assert shown[header] == as_csv(kinds[header], presented), header


@pytest.mark.parametrize("resource", RESOURCES)
def test_no_records_give_a_valid_file_with_just_the_header(resource):
    sheet = xlsx_sheet(resource, [])
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [headers(resource)]
    assert csv_rows(resource, []) == [headers(resource)]


@pytest.mark.parametrize("resource", ["invoices", "credit_notes", "estimates", "payments"])
def test_xlsx_totals_one_row_per_currency_with_exact_sums(resource):
    records = RECORDS[resource]
    sheet = xlsx_sheet(resource, records)
    columns = columns_for(resource)
    money = [(i, column) for i, column in enumerate(columns) if column.kind == MONEY]
    currencies = sorted({record["currency"] for record in records})
    rows = list(sheet.iter_rows(min_row=len(records) + 2, values_only=True))
    assert rows[0] == (None,) * len(columns)  # a blank row keeps the totals out of the data
    assert len(rows) == 1 + len(currencies) + 1  # and a line saying what the totals leave out
    currency_col = headers(resource).index("Currency")
    for currency, row in zip(currencies, rows[1:]):
        assert row[0] == "Total" and row[currency_col] == currency
        mine = [r for r in records if r["currency"] == currency and r["status"] not in ("draft", "void")]
        for i, column in money:
            expected = sum((Decimal(column.value(r)) for r in mine), Decimal(0))
            assert row[i] == float(expected), (currency, column.header)


def test_totals_count_issued_documents_only_as_the_dashboard_does():
    """1.00 of draft and 2.00 of void amounts are listed but not in the totals (XLSX and PDF)."""
    records = [invoice("INV-0010", "Acme Trading", "GBP", "10.00", "2.00", "12.00", "0.00", "12.00"),
               invoice(None, "Acme Trading", "GBP", "1.00", "0.20", "1.20", "0.00", "0.00", status="draft"),
               invoice("INV-0011", "Acme Trading", "GBP", "2.00", "0.40", "2.40", "0.00", "0.00", status="void")]
    sheet = xlsx_sheet("invoices", records)
    net = headers("invoices").index("Net")
    total, note = list(sheet.iter_rows(min_row=len(records) + 3, values_only=True))
    assert (total[0], total[net], note[0]) == (
        "Total", 10.0, "Totals leave out drafts, void documents and deleted payments.")
    from chalicelib.render.list_pdf import write_list_pdf
    from pypdf import PdfReader

    out = io.BytesIO()
    write_list_pdf("invoices", iter(records), out)
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    total_line = next(line for line in text.splitlines() if line.startswith("Total GBP"))
    assert total_line.split()[2:5] == ["£10.00", "£2.00", "£12.00"]
    assert "Totals leave out drafts" in text


def test_the_customers_export_carries_the_whole_billing_address_in_every_format():
    """A letter needs every line of the address, not only its town and postcode."""
    address = {"line1": "Unit 5, Mill Yard", "line2": "2 Low Rd", "city": "Leeds", "region": "West Yorkshire",
               "postal_code": "LS1 1AA", "country": "GB"}
    record = dict(customer("Acme Trading"), billing_address=address)
    wanted = {"Address line 1": "Unit 5, Mill Yard", "Address line 2": "2 Low Rd", "City": "Leeds",
              "Region": "West Yorkshire", "Postcode": "LS1 1AA", "Country": "GB"}
    header, row = csv_rows("customers", [record])
    assert {name: value for name, value in zip(header, row) if name in wanted} == wanted
    sheet = [[cell.value for cell in r] for r in xlsx_sheet("customers", [record]).iter_rows()]
    assert {name: value for name, value in zip(*sheet) if name in wanted} == wanted
    from chalicelib.render.list_pdf import write_list_pdf
    from pypdf import PdfReader

    out = io.BytesIO()
    write_list_pdf("customers", iter([record]), out)
    text = " ".join(PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text().split())
    assert all(part in text for part in ("Mill Yard", "2 Low Rd", "West Yorkshire"))


@pytest.mark.parametrize("resource", ["recurring_invoices", "products", "customers"])
def test_resources_without_money_have_no_totals(resource):
    sheet = xlsx_sheet(resource, RECORDS[resource])
    assert sheet.max_row == 1 + len(RECORDS[resource])


def test_money_formats_follow_the_currency_decimal_places():
    sheet = xlsx_sheet("invoices", RECORDS["invoices"])
    gross = headers("invoices").index("Gross") + 1
    formats = {sheet.cell(row, 8).value: sheet.cell(row, gross).number_format for row in range(2, 5)}
    assert formats == {"GBP": '"GBP" #,##0.00;"GBP" -#,##0.00', "KWD": '"KWD" #,##0.000;"KWD" -#,##0.000',
                       "JPY": '"JPY" #,##0;"JPY" -#,##0'}
    assert sheet.cell(3, gross).value == 1050.131 and sheet.cell(4, gross).value == 11000


def test_unit_prices_show_every_place_they_have():
    sheet = xlsx_sheet("products", RECORDS["products"])
    price = headers("products").index("Unit price") + 1
    assert [sheet.cell(row, price).value for row in (2, 3, 4)] == [95.125, 1500, 2.5]
    assert [sheet.cell(row, price).number_format.split(";")[0] for row in (2, 3, 4)] == [
        '"GBP" #,##0.000', '"JPY" #,##0', '"KWD" #,##0.000']


@pytest.mark.parametrize("attack", ATTACKS)
def test_formulas_in_text_come_back_as_text(attack):
    records = [customer(attack), invoice("INV-9", attack, "GBP", "1.00", "0.20", "1.20", "0.00", "1.20")]
    customer_sheet = xlsx_sheet("customers", records[:1])
    cell = customer_sheet["A2"]
    assert cell.data_type == "s" and excel_text(cell.value) == attack and cell.quotePrefix
    assert customer_sheet["A1"].quotePrefix is False  # only text that needs it is marked
    assert excel_text(xlsx_sheet("invoices", records[1:])["D2"].value) == attack
    assert csv_rows("customers", records[:1])[1][0] == "'" + attack
    assert csv_rows("invoices", records[1:])[1][3] == "'" + attack


def test_safe_text():
    assert [safe_text(v) for v in (None, "Acme", "a=b", "-1", "@x", 12)] == ["", "Acme", "a=b", "'-1", "'@x", "12"]


def test_non_latin_names_survive_both_formats():
    records = RECORDS["customers"]
    assert [row[0].value for row in xlsx_sheet("customers", records).iter_rows(min_row=2)] == [
        "Acme Trading", ARABIC, EMOJI]
    assert [row[0] for row in csv_rows("customers", records)[1:]] == ["Acme Trading", ARABIC, EMOJI]


def test_csv_is_rfc_4180_utf8_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "customers.csv"
    awkward = 'Smith, "Jones" & Co\nLeeds'
    with path.open("w", encoding="utf-8", newline="") as out:
        write_csv("customers", [customer(awkward), customer(CHINESE)], out)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == 3
    assert b'"Smith, ""Jones"" & Co\nLeeds"' in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [awkward, CHINESE]


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(xlsx_module, "SHEET_ROWS", 4)
    with pytest.raises(ValidationError):
        write_xlsx("products", RECORDS["products"] * 2, io.BytesIO())
    with pytest.raises(ValidationError):  # the data fits, its totals rows would not
        write_xlsx("payments", RECORDS["payments"][:2], io.BytesIO())
    assert write_xlsx("products", RECORDS["products"][:2], io.BytesIO()) == 2


@pytest.mark.parametrize("name", ["cells", "columns", "csv_export", "xlsx", "xlsx_rows"])
def test_heavy_libraries_are_imported_only_inside_functions(name):
    path = Path(xlsx_module.__file__).with_name(f"{name}.py")
    top_level = ast.parse(path.read_text()).body
    imported = {alias.name.split(".")[0] for node in top_level if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in top_level if isinstance(node, ast.ImportFrom)}
    assert not imported & {"xlsxwriter", "openpyxl", "fpdf"}
