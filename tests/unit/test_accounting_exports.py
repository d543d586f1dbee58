"""Accounting exports: every format read back with another reader and re-summed exactly.

The documents are priced by the real VAT engine (tests/support/accounting.py);
each export's amounts are added up again with Decimal, the way the other system
would compute them, and must give each document's totals to the penny.
"""
import csv
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook

from chalicelib.domain.errors import ValidationError
from chalicelib.render.accounting import FORMATS
from chalicelib.render.accounting.documents import uk_date
from chalicelib.render.accounting.mapping import codes_for, validate
from chalicelib.render.cells import safe_text
from tests.support.accounting import (ARABIC, CHINESE_EMOJI, HYPERLINK, SUM, document, exported, line,
                                      sample_documents)

D = Decimal
CSV_FORMATS = [name for name, export in FORMATS.items() if export.extension == "csv"]


def render(name, documents, mapping=None) -> str:
    out = io.StringIO(newline="")
    FORMATS[name].write(iter(documents), mapping, out)
    return out.getvalue()


def read_csv(text):
    return list(csv.DictReader(io.StringIO(text, newline="")))


def is_credit_note(document_):
    return document_["id"].startswith("cn_")


def carried_by(name, documents):
    """The documents a format writes: QuickBooks has one file for invoices and one for credit notes."""
    if name == "quickbooks":
        return [d for d in exported(documents) if not is_credit_note(d)]
    if name == "quickbooks_credit_notes":
        return [d for d in exported(documents) if is_credit_note(d)]
    return exported(documents)


def expected_totals(documents, credit_sign=1, name="xero"):
    """{number: (net, vat, gross)} of the documents format `name` carries, credit notes times credit_sign."""
    chosen = carried_by(name, documents)
    return {d["number"]: tuple((credit_sign if is_credit_note(d) else 1) * D(d["totals"][total])
                               for total in ("net", "vat", "gross")) for d in chosen}


def add(sums, number, net, vat):
    before = sums.get(number, (D(0), D(0)))
    sums[number] = (before[0] + net, before[1] + vat)


def with_gross(sums):
    return {number: (net, vat, net + vat) for number, (net, vat) in sums.items()}


DOCUMENTS = sample_documents()


def test_the_registry_names_each_format_its_file_type():
    assert set(FORMATS) == {"xero", "quickbooks", "quickbooks_credit_notes", "sage50", "sage50_xlsx", "clearbooks",
                            "freshbooks"}
    assert {FORMATS[name].content_type for name in CSV_FORMATS if name != "sage50"} == {"text/csv; charset=utf-8"}
    assert FORMATS["sage50"].content_type == "text/csv; charset=windows-1252"  # IANA name of cp1252
    assert FORMATS["sage50_xlsx"].content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert (FORMATS["freshbooks"].extension, FORMATS["freshbooks"].content_type) == ("json", "application/json")


def test_xero_rows_multiply_out_to_each_documents_totals():
    rows = read_csv(render("xero", DOCUMENTS))
    sums, totals = {}, {}
    for row in rows:  # Xero rounds each line amount to the penny
        discount = D(row["Discount"] or 0)
        line_amount = D(row["*Quantity"]) * D(row["*UnitAmount"]) * (100 - discount) / 100
        add(sums, row["*InvoiceNumber"], line_amount.quantize(D("0.01"), ROUND_HALF_UP), D(row["TaxAmount"]))
        totals[row["*InvoiceNumber"]] = D(row["Total"])
    assert with_gross(sums) == expected_totals(DOCUMENTS, credit_sign=-1)
    assert totals == {number: gross for number, (_, _, gross) in expected_totals(DOCUMENTS, -1).items()}


def test_xero_writes_a_credit_note_as_negative_amounts_referring_to_its_invoice():
    rows = [row for row in read_csv(render("xero", DOCUMENTS)) if row["*InvoiceNumber"] == "CN-0001"]
    assert [(r["Reference"], r["*Quantity"], r["*UnitAmount"], r["TaxAmount"], r["*DueDate"]) for r in rows] == [
        ("INV-0001", "1", "-95.00", "-19.00", "21/11/2026")]


def test_xero_keeps_a_percent_discount_and_the_currency():
    rows = read_csv(render("xero", DOCUMENTS))
    setup = next(r for r in rows if r["*Description"] == "Setup")
    assert (setup["*Quantity"], setup["*UnitAmount"], setup["Discount"], setup["*TaxType"]) == (
        "1", "100.00", "10", "5% (VAT on Income)")
    assert {r["Currency"] for r in rows if r["*InvoiceNumber"] == "INV-0002"} == {"EUR"}
    assert {r["*InvoiceDate"] for r in rows} == {"21/11/2026"}


def test_money_has_exactly_its_currencys_places():
    pounds = read_csv(render("xero", DOCUMENTS))
    assert all(re.fullmatch(r"-?\d+\.\d\d", row[column]) for row in pounds for column in ("Total", "TaxAmount"))
    yen = document("INV-0500", [line("Tea", "3", "333")], currency="JPY", exchange_rate="0.005")
    assert [(r["Net Amount"], r["Tax Amount"]) for r in read_csv(render("sage50", [yen]))] == [("999", "200")]
    assert [(r["*UnitAmount"], r["TaxAmount"], r["Total"]) for r in read_csv(render("xero", [yen]))] == [
        ("333", "200", "1199")]


@pytest.mark.parametrize("name", ["quickbooks", "quickbooks_credit_notes"])
def test_quickbooks_amounts_are_quantity_times_rate_and_add_up(name):
    rows = read_csv(render(name, DOCUMENTS))
    number = "InvoiceNo" if name == "quickbooks" else "CreditNoteNo"
    sums = {}
    for row in rows:
        assert D(row["ItemQuantity"]) * D(row["ItemRate"]) == D(row["ItemAmount"])
        add(sums, row[number], D(row["ItemAmount"]), D(row["ItemTaxAmount"]))
    assert with_gross(sums) == expected_totals(DOCUMENTS, name=name)


def test_sage_rows_are_net_and_vat_per_nominal_and_tax_code():
    rows = read_csv(render("sage50", DOCUMENTS))
    sums = {}
    for row in rows:
        add(sums, row["Reference"], D(row["Net Amount"]), D(row["Tax Amount"]))
    assert with_gross(sums) == expected_totals(DOCUMENTS)
    first = [(r["Type"], r["Nominal A/C Ref"], r["Tax Code"], r["Net Amount"], r["Tax Amount"])
             for r in rows if r["Reference"] == "INV-0001"]
    # Consulting and the formula-like line share 4000/T1; the exempt and zero-rated lines stay apart.
    assert first == [("SI", "4000", "T1", "295.00", "59.00"), ("SI", "4000", "T0", "25.00", "0.00"),
                     ("SI", "4000", "T5", "90.00", "4.50"), ("SI", "4000", "T2", "10.00", "0.00")]
    assert {r["Type"] for r in rows if r["Reference"] == "CN-0001"} == {"SC"}


def test_sage_writes_its_exchange_rate_and_customer_references():
    mapping = {"customers": {"sage50": {"cus_inv0002customer": "AMAL01"}}}
    rows = read_csv(render("sage50", DOCUMENTS, mapping))
    euro = [r for r in rows if r["Reference"] == "INV-0002"]
    assert {(r["Account Reference"], r["Exchange Rate"]) for r in euro} == {("AMAL01", "1.176471")}
    assert {r["Account Reference"] for r in rows if r["Reference"] == "INV-0001"} == {"CUSTOMER"}
    assert all(len(r["Details"]) <= 60 and len(r["Reference"]) <= 30 for r in rows)


def test_clear_books_lines_add_up_in_both_currencies():
    rows = read_csv(render("clearbooks", DOCUMENTS))
    sums = {}
    for row in rows:
        assert D(row["Line quantity"]) * D(row["Line unit price"]) == D(row["Line net price"])
        add(sums, row["Invoice number"], D(row["Line net price"]), D(row["Line VAT amount"]))
    assert with_gross(sums) == expected_totals(DOCUMENTS, credit_sign=-1)
    euro = [r for r in rows if r["Invoice number"] == "INV-0002"]
    euro_document = DOCUMENTS[1]
    assert sum(D(r["Multi-currency VAT amount"]) for r in euro) == sum(
        D(amount) for amount in euro_document["vat_in_base_currency"].values())
    assert [r["Multi-currency net price"] for r in euro] == [
        str((D(l["net"]) * D("0.85")).quantize(D("0.01"), ROUND_HALF_UP)) for l in euro_document["lines"]]


def test_clear_books_converted_vat_adds_up_to_the_documents_vat_in_pounds_where_lines_would_not():
    # Three lines of 0.03 VAT at 0.5: 0.015 each rounds to 0.02 (0.06), but 0.09 x 0.5 is 0.05 on the invoice.
    small = document("INV-0400", [line("Clip", "1", "0.15")] * 3, currency="EUR", exchange_rate="0.5")
    assert small["vat_in_base_currency"] == {"20": "0.05"}
    rows = read_csv(render("clearbooks", [small]))
    assert sum(D(r["Multi-currency VAT amount"]) for r in rows) == D("0.05")


def test_freshbooks_payloads_carry_exact_nets_and_the_vat_rates():
    payloads = json.loads(render("freshbooks", DOCUMENTS), parse_float=D)
    by_number = {}
    for payload in payloads:
        (kind, body), = payload.items()
        number = body["invoice_number"] if kind == "invoice" else body["credit_number"]
        by_number[number] = (kind, body)
    assert {number: kind for number, (kind, _) in by_number.items()} == {
        "INV-0001": "invoice", "INV-0002": "invoice", "INV-0003": "invoice", "CN-0001": "credit_note"}
    for source in exported(DOCUMENTS):
        _, body = by_number[source["number"]]
        nets = [D(str(l["qty"])) * D(l["unit_cost"]["amount"]) for l in body["lines"]]
        assert sum(nets) == D(source["totals"]["net"])
        assert [l.get("taxAmount1") for l in body["lines"]] == [
            l["vat_rate"] if l["vat_category"] in ("standard", "reduced") else None for l in source["lines"]]
        assert freshbooks_vat(body["lines"], nets, source["rounding"]["vat_level"]) == D(source["totals"]["vat"])
    assert by_number["INV-0001"][1]["due_offset_days"] == 30
    assert by_number["CN-0001"][1]["notes"] == "Credit for INV-0001. Overcharged"


def freshbooks_vat(lines, nets, vat_level):
    """VAT from FreshBooks' percentages, rounded as the document's tenant rounds it."""
    cent = D("0.01")
    if vat_level == "line":
        return sum((net * D(l.get("taxAmount1") or 0) / 100).quantize(cent, ROUND_HALF_UP)
                   for l, net in zip(lines, nets))
    groups = {}
    for l, net in zip(lines, nets):
        groups[D(l.get("taxAmount1") or 0)] = groups.get(D(l.get("taxAmount1") or 0), D(0)) + net
    return sum((base * rate / 100).quantize(cent, ROUND_HALF_UP) for rate, base in groups.items())


def test_freshbooks_lines_without_vat_carry_no_tax_and_mapped_clients_their_id():
    mapping = {"customers": {"freshbooks": {"cus_inv0001customer": "4711"}},
               "tax_codes": {"freshbooks": {"exempt": "Exempt"}}}
    payloads = json.loads(render("freshbooks", DOCUMENTS, mapping), parse_float=D)
    first = payloads[0]["invoice"]
    assert first["customerid"] == 4711 and "customerid" not in payloads[1]["invoice"]
    assert [(l.get("taxName1"), l.get("taxAmount1")) for l in first["lines"]] == [
        ("VAT", "20"), (None, None), ("VAT", "5"), ("VAT", "20"), ("Exempt", "0")]


FORMULA_DOCUMENTS = [
    document("INV-0200", [line(HYPERLINK, "1", "10.00"), line(SUM, "1", "5.00", "zero", "0")], customer="=cmd"),
    document("CN-0200", [line(HYPERLINK, "1", "10.00"), line(SUM, "1", "5.00", "zero", "0")], customer="@cmd",
             credits="INV-0200"),
]


@pytest.mark.parametrize("name", [name for name in CSV_FORMATS if name != "sage50"])
def test_import_files_carry_text_exactly_without_an_apostrophe(name):
    """Read by import tools, not spreadsheets: "'-10% goodwill" would land in the other system's names."""
    goodwill = [document("INV-0201", [line("-10% goodwill", "1", "10.00")], customer="=cmd"),
                document("CN-0201", [line("-10% goodwill", "1", "10.00")], customer="@cmd", credits="INV-0201")]
    cells = {cell for row in csv.reader(io.StringIO(render(name, goodwill), newline="")) for cell in row}
    assert "-10% goodwill" in cells and not any(cell.startswith("'") for cell in cells)
    assert {d["customer"]["name"] for d in carried_by(name, goodwill)} <= cells


def test_sage_text_that_could_be_a_formula_gets_a_leading_space_which_sage_drops():
    text = render("sage50", FORMULA_DOCUMENTS)
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    for cell in cells:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            D(cell)  # only numbers may start so
    details = [cell for cell in cells if "HYPERLINK" in cell]
    assert details and all(cell.startswith(" ") and not cell.startswith(" '") for cell in details)
    assert [cell.strip() for cell in details][0].startswith(HYPERLINK)  # what Sage keeps


@pytest.mark.parametrize("name", [name for name in CSV_FORMATS if name != "sage50"])  # Sage rows name accounts
def test_names_in_any_script_come_back_unchanged(name):
    named = [document("INV-0300", [line("Tea", "1", "3.00")], customer=ARABIC),
             document("CN-0300", [line("Tea", "1", "3.00")], customer=CHINESE_EMOJI, credits="INV-0300")]
    text = render(name, named)
    cells = {cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row}
    assert {d["customer"]["name"] for d in carried_by(name, named)} <= cells


def test_freshbooks_keeps_text_as_it_is():
    payloads = json.loads(render("freshbooks", DOCUMENTS))
    names = [l["name"] for l in payloads[0]["invoice"]["lines"]]
    assert HYPERLINK in names and SUM in names
    assert payloads[1]["invoice"]["organization"] == ARABIC


@pytest.mark.parametrize("name", CSV_FORMATS)
def test_drafts_and_void_documents_are_left_out(name):
    text = render(name, DOCUMENTS)
    assert "INV-0004" not in text and "Not yet" not in text and "Cancelled" not in text


@pytest.mark.parametrize("name", list(FORMATS))
def test_no_documents_still_make_a_valid_file(name):
    if FORMATS[name].extension == "xlsx":
        out = io.BytesIO()
        FORMATS[name].write_file(name, iter([]), None, out)
        rows = list(load_workbook(out).active.iter_rows(values_only=True))
        assert len(rows) == 1 and len(rows[0]) > 5
        return
    text = render(name, [])
    if FORMATS[name].extension == "json":
        assert json.loads(text) == []
    else:
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == 1 and len(rows[0]) > 5


def test_csv_files_are_utf8_records_ending_in_crlf_without_a_byte_order_mark():
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", newline="")
    FORMATS["xero"].write(DOCUMENTS, None, stream)
    stream.flush()
    data = raw.getvalue()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\r\n") == data.count(b"\n") == 1 + sum(len(d["lines"]) for d in exported(DOCUMENTS))
    assert CHINESE_EMOJI.encode("utf-8") in data


def test_a_line_no_quantity_and_unit_amount_reproduce_goes_out_as_one_unit_at_its_net():
    odd = document("INV-0100", [line("Thirds", "3", "0.3333"), line("Share", "7", "1.00", discount=("amount", "0.01")),
                                line("Pens", "3", "19.99", discount=("percent", "10"))])
    rows = read_csv(render("xero", [odd]))
    # Xero rounds each line amount to the penny: 3 x 0.3333 = 0.9999 is 1.00, and 3 x 19.99 less 10%
    # = 53.973 is 53.97, our net; an amount discount (Xero's is a percentage) keeps the quantity at
    # the net over it, 6.99 / 7 = 0.9986 (7 x 0.9986 = 6.9902, 6.99).
    assert [(r["*Quantity"], r["*UnitAmount"], r["Discount"]) for r in rows] == [
        ("3", "0.3333", ""), ("7", "0.9986", ""), ("3", "19.99", "10")]


def test_the_tenants_codes_replace_the_defaults_by_category_rate_and_product():
    mapping = {"tax_codes": {"xero": {"standard": "Std", "standard:20": "Std 20", "exempt": "Ex"}},
               "accounts": {"xero": {"default": "201", "products": {"prd_consulting": "210"}}}}
    rows = read_csv(render("xero", DOCUMENTS[:1], mapping))
    assert [(r["*Description"], r["*AccountCode"], r["*TaxType"]) for r in rows] == [
        ("Consulting", "210", "Std 20"), ("Books", "201", "Zero Rated Income"),
        ("Setup", "201", "5% (VAT on Income)"), (HYPERLINK, "201", "Std 20"), (SUM, "201", "Ex")]
    codes = codes_for(mapping, "xero")
    assert codes.tax_code("standard", "17.50") == "Std" and codes.tax_code("standard", "20.0") == "Std 20"


def test_the_xero_api_takes_its_own_tax_types_but_the_xero_accounts():
    codes = codes_for({"accounts": {"xero": {"default": "260"}}}, "xero_api")
    assert (codes.tax_code("standard", "20"), codes.tax_code("outside_scope", "0"), codes.account(None)) == (
        "OUTPUT2", "NONE", "260")


@pytest.mark.parametrize("mapping, field", [
    ({"tax_codes": {"myob": {"standard": "S"}}}, "tax_codes.myob"),
    ({"tax_codes": {"xero": {"luxury": "L"}}}, "tax_codes.xero.luxury"),
    ({"tax_codes": {"xero": {"zero:5": "Z"}}}, "tax_codes.xero.zero:5"),
    ({"tax_codes": {"xero": {"standard:twenty": "S"}}}, "tax_codes.xero.standard:twenty"),
    ({"tax_codes": {"xero": {"standard": "x" * 51}}}, "tax_codes.xero.standard"),
    ({"tax_codes": {"sage50": {"standard": "S1"}}}, "tax_codes.sage50.standard"),
    ({"tax_codes": {"quickbooks": {"exempt": ""}}}, "tax_codes.quickbooks.exempt"),
    ({"accounts": {"sage50": {"default": "123456789"}}}, "accounts.sage50.default"),
    ({"accounts": {"xero_api": {"default": "200"}}}, "accounts.xero_api"),
    ({"accounts": {"xero": {"products": {"prd_1": 200}}}}, "accounts.xero.products.prd_1"),
    ({"accounts": {"xero": {"fallback": "200"}}}, "accounts.xero.fallback"),
    ({"customers": {"xero": {"cus_1": "A"}}}, "customers.xero"),
    ({"customers": {"freshbooks": {"cus_1": "abc"}}}, "customers.freshbooks.cus_1"),
    ({"ledgers": {}}, "ledgers"),
    ({"tax_codes": []}, "tax_codes"),
])
def test_a_bad_mapping_is_refused_naming_the_field(mapping, field):
    with pytest.raises(ValidationError) as refused:
        validate(mapping)
    assert [name for name, _ in refused.value.details] == [field]


def test_writers_refuse_a_bad_mapping_before_writing_anything():
    out = io.StringIO()
    with pytest.raises(ValidationError):
        FORMATS["sage50"].write(DOCUMENTS, {"tax_codes": {"sage50": {"standard": "T100"}}}, out)
    assert out.getvalue() == ""


@pytest.mark.parametrize("text, shown", [
    ("=1+1", "'=1+1"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tTab", "'\tTab"), ("\rCR", "'\rCR"), ("Plain = text", "Plain = text"), (None, ""), (12, "12"),
])
def test_safe_text_quotes_what_a_spreadsheet_would_evaluate(text, shown):
    assert safe_text(text) == shown


@pytest.mark.parametrize("iso, shown", [("2026-03-05", "05/03/2026"), ("0339-05-24", "24/05/0339"), (None, "")])
def test_uk_dates_have_four_digit_years(iso, shown):
    assert uk_date(iso) == shown
