"""Each accounting format against its vendor's published spec: a fixture per system
(tests/fixtures/accounting/*.json, each naming its source) gives the column names and order,
the date format, how a credit note's amounts are signed and the default tax codes; the
files we write are read back and checked against it."""
import csv
import io
import json
import re
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from chalicelib.render.accounting import FORMATS
from chalicelib.render.accounting.mapping import SYSTEMS
from tests.support.accounting import ARABIC, document, line, sample_documents

SPECS = Path(__file__).resolve().parent.parent / "fixtures" / "accounting"
DOCUMENTS = sample_documents()
CATEGORIES = ("standard", "reduced", "zero", "exempt", "reverse_charge", "outside_scope")


def spec(system):
    return json.loads((SPECS / f"{system}.json").read_text())


def rows_of(system, documents, mapping=None):
    out = io.StringIO(newline="")
    FORMATS[system].write(iter(documents), mapping, out)
    return list(csv.reader(io.StringIO(out.getvalue(), newline="")))


def by_header(rows):
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def credit_note_rows(records, number_column, number="CN-0001"):
    return [r for r in records if r[number_column] == number]


@pytest.mark.parametrize("system, columns", [("xero", "columns"), ("sage50", "columns"), ("clearbooks", "columns"),
                                             ("quickbooks", "invoice_columns"),
                                             ("quickbooks_credit_notes", "credit_note_columns")])
def test_columns_are_the_specs_names_in_its_order(system, columns):
    fixture = spec(system.replace("_credit_notes", ""))
    assert rows_of(system, [])[0] == fixture[columns]
    assert fixture["source"]["title"] and fixture["source"]["section"]


@pytest.mark.parametrize("system", ["xero", "sage50", "clearbooks", "quickbooks"])
def test_dates_are_written_in_the_specs_format(system):
    fixture = spec(system)
    records = by_header(rows_of(system, DOCUMENTS))
    dates = {datetime.strptime(r[column], fixture["date_format"]).date().isoformat()
             for r in records for column in fixture["date_columns"]}
    assert records and dates <= {"2026-11-21", "2026-12-21"}  # the samples' issue and due dates


@pytest.mark.parametrize("system, number_column", [("xero", "*InvoiceNumber"), ("sage50", "Reference"),
                                                   ("clearbooks", "Invoice number")])
def test_credit_notes_are_signed_as_the_spec_says(system, number_column):
    fixture = spec(system)
    records = credit_note_rows(by_header(rows_of(system, DOCUMENTS)), number_column)
    amounts = [Decimal(r[column]) for r in records for column in fixture["amount_columns"]]
    assert amounts and all((a < 0) if fixture["credit_note_sign"] == "negative" else (a > 0) for a in amounts)
    if "types" in fixture:
        assert {r["Type"] for r in records} == {fixture["types"]["credit_note"]}


def test_quickbooks_credit_notes_go_in_their_own_file_with_positive_amounts():
    fixture = spec("quickbooks")
    records = by_header(rows_of("quickbooks_credit_notes", DOCUMENTS))
    assert {r["CreditNoteNo"] for r in records} == {"CN-0001"}
    assert fixture["credit_note_sign"] == "positive"
    assert all(Decimal(r[c]) > 0 for r in records for c in fixture["amount_columns"])
    assert "CN-0001" not in {r["InvoiceNo"] for r in by_header(rows_of("quickbooks", DOCUMENTS))}


def test_quickbooks_columns_map_to_the_fields_its_import_recognises():
    def key(name):
        name = re.sub(r"[^a-z]", "", name.lower())
        return name[:-2] + "number" if name.endswith("no") else name

    fixture = spec("quickbooks")
    recognised = {key(name) for name in fixture["auto_mapped"]}
    ours = {key(name) for name in fixture["invoice_columns"]}
    assert {key(name) for name in fixture["invoice_required"]} <= ours
    assert ours - recognised == {"location", "itemtaxamount", "currency"}  # mapped by hand on import


@pytest.mark.parametrize("system", ["xero", "sage50", "quickbooks", "clearbooks"])
def test_default_tax_codes_are_the_specs(system):
    fixture = spec(system)["tax_codes"]
    assert {category: SYSTEMS[system].tax_codes[category] for category in fixture} == fixture


def test_xero_takes_at_most_500_invoices_a_file_so_more_come_as_one_zip():
    limit = spec("xero")["max_invoices_per_file"]
    many = [document(f"INV-{n:05d}", [line("Tea", "1", "3.00")], key=f"k{n}") for n in range(2 * limit + 1)]
    out = io.BytesIO()
    packed = FORMATS["xero"].write_file("xero", iter(many), None, out)
    assert (packed.extension, packed.content_type) == ("zip", "application/zip")
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as archive:
        names = archive.namelist()
        files = [list(csv.DictReader(io.StringIO(archive.read(n).decode("utf-8"), newline=""))) for n in names]
    assert names == ["xero-001.csv", "xero-002.csv", "xero-003.csv"]
    assert [len({r["*InvoiceNumber"] for r in f}) for f in files] == [limit, limit, 1]
    assert sorted(r["*InvoiceNumber"] for f in files for r in f) == [d["number"] for d in many]
    single = io.BytesIO()
    assert FORMATS["xero"].write_file("xero", iter(many[:limit]), None, single).extension == "csv"
    assert len(list(csv.DictReader(io.StringIO(single.getvalue().decode("utf-8"), newline="")))) == limit


def test_xero_keeps_quantity_and_unit_amount_where_its_rounded_line_amount_is_our_net():
    """37 minutes at 0.4575: 16.9275, which Xero (rounding each line to the penny) books as our 16.93."""
    minutes = document("INV-0700", [line("Support minutes", "37", "0.4575")])
    assert minutes["lines"][0]["net"] == "16.93"
    (row,) = by_header(rows_of("xero", [minutes]))
    assert (row["*Quantity"], row["*UnitAmount"], row["Discount"], row["TaxAmount"]) == ("37", "0.4575", "", "3.39")


def test_sage_file_is_windows_1252_and_reverse_charge_sales_take_t21():
    fixture = spec("sage50")
    named = [document("INV-0800", [line("Beratung", "1", "100.00"),
                                   line("Construction", "1", "50.00", "reverse_charge", "0")], customer="Müller"),
             document("INV-0801", [line("Tea", "1", "3.00")], customer=ARABIC)]
    out = io.BytesIO()
    FORMATS["sage50"].write_file("sage50", iter(named), {"customers": {"sage50": {
        "cus_inv0800customer": "MULLER"}}}, out)
    raw = out.getvalue()
    assert FORMATS["sage50"].encoding == fixture["encoding"]
    records = by_header(list(csv.reader(io.StringIO(raw.decode("cp1252"), newline=""))))
    assert [(r["Reference"], r["Tax Code"], r["Details"]) for r in records] == [
        ("INV-0800", "T1", "Beratung"), ("INV-0800", "T21", "Construction"), ("INV-0801", "T1", "Tea")]
    müller = document("INV-0802", [line("Müller's order", "1", "1.00")])
    out = io.BytesIO()
    FORMATS["sage50"].write_file("sage50", iter([müller]), None, out)
    assert b"M\xfcller's order" in out.getvalue()


def freshbooks_bodies(documents, mapping=None):
    out = io.StringIO()
    FORMATS["freshbooks"].write(iter(documents), mapping, out)
    return json.loads(out.getvalue())


def test_freshbooks_bodies_hold_only_the_fields_its_api_documents():
    fixture = spec("freshbooks")
    mapping = {"customers": {"freshbooks": {"cus_inv0001customer": "4711", "cus_cn0001customer": "4712"}}}
    bodies = freshbooks_bodies(DOCUMENTS, mapping)
    kinds = {"invoice": ("invoice_fields", "invoice_line_fields"), "credit_note": ("credit_note_fields",
                                                                                  "credit_line_fields")}
    seen = set()
    for body in bodies:
        (wrapper, fields), = body.items()
        kind = next(k for k, w in fixture["wrappers"].items() if w == wrapper)
        seen.add(kind)
        document_fields, line_fields = kinds[kind]
        assert set(fields) <= set(fixture[document_fields]), kind
        datetime.strptime(fields["create_date"], fixture["date_format"])
        for entry in fields["lines"]:
            assert set(entry) <= set(fixture[line_fields]), (kind, set(entry) - set(fixture[line_fields]))
            assert isinstance(entry["unit_cost"]["amount"], str) and isinstance(entry["qty"], (int, float))
            if "taxAmount1" in entry:
                assert re.fullmatch(fixture["tax_amount_pattern"], entry["taxAmount1"])
        if kind == "credit_note":
            assert fields["credit_type"] in fixture["credit_types"] and isinstance(fields["clientid"], int)
    assert seen == {"invoice", "credit_note"}


@pytest.mark.parametrize("system, number, vat", [("xero", "*InvoiceNumber", "TaxAmount"),
                                                 ("quickbooks", "InvoiceNo", "ItemTaxAmount"),
                                                 ("clearbooks", "Invoice number", "Line VAT amount")])
def test_our_vat_goes_in_each_systems_tax_amount_field_line_by_line(system, number, vat):
    """VAT rounded per invoice, shared out over the lines: each line's share goes in the system's tax
    amount field, which it keeps instead of computing its own, and they add up to our total."""
    per_invoice = document("INV-0900", [line("Clip", "1", "0.15")] * 3 + [line("Pin", "1", "0.33")] * 3)
    records = [r for r in by_header(rows_of(system, [per_invoice])) if r[number] == "INV-0900"]
    assert [r[vat] for r in records] == [l["vat"] for l in per_invoice["lines"]]
    assert sum(Decimal(r[vat]) for r in records) == Decimal(per_invoice["totals"]["vat"])
