"""Header rows matched to our templates and to Xero's invoice layout."""
import csv
import io

import pytest

from chalicelib.domain.uploads import KINDS
from chalicelib.imports.kinds import LAYOUTS, OURS, XERO, HeaderError, map_header, template_csv


@pytest.mark.parametrize("kind", KINDS)
def test_each_template_reads_back_as_its_own_kind(kind):
    rows = list(csv.reader(io.StringIO(template_csv(kind))))
    columns = map_header(kind, rows[0])
    assert columns.layout == OURS
    assert [c.name for c in columns.columns] == [c.name for c in LAYOUTS[kind][OURS]]
    assert len(rows) >= 2 and all(len(row) == len(rows[0]) for row in rows)


def test_headers_match_whatever_their_case_spaces_underscores_and_stars():
    columns = map_header("products", ["Name", "UNIT PRICE", "*Vat_Category"])
    assert [c.target for c in columns.columns] == ["name", "unit_price", "vat_category"]
    assert columns.header_of("unit_price") == "UNIT PRICE"


def test_xero_invoice_layout_is_recognised_and_its_extra_columns_ignored():
    headers = ["*ContactName", "EmailAddress", "*InvoiceNumber", "*InvoiceDate", "*DueDate", "Total",
               "*Description", "*Quantity", "*UnitAmount", "*AccountCode", "*TaxType", "TrackingName1"]
    columns = map_header("invoices", headers)
    assert columns.layout == XERO
    assert columns.header_of("lines.unit_price") == "*UnitAmount"
    assert [c.target for c in columns.columns if c.name in ("Total", "AccountCode")] == [None] * 2
    assert columns.header_of("contact.emails") == "EmailAddress"  # for a customer the upload creates


def test_a_bad_header_names_every_problem_at_once():
    with pytest.raises(HeaderError) as refused:
        map_header("invoices", ["number", "Customer", "qty", "descripton", "unit_price", "unit_price", ""])
    message = str(refused.value)
    assert "repeated column(s): unit_price" in message
    assert "unknown column 'qty'" in message
    assert "unknown column 'descripton' (did you mean description?)" in message
    assert "missing required column(s): quantity" in message


def test_blank_headers_are_allowed_and_kept_in_place():
    columns = map_header("customers", ["name", "", "company"])
    assert columns.columns[1] is None and columns.columns[2].target == "company"


def test_vendor_invoice_layouts_are_recognised_by_their_own_headers():
    spelled = {"quickbooks": ["InvoiceNo", "Customer", "InvoiceDate", "ItemQuantity", "ItemRate", "ItemTaxCode"],
               "sage50": ["Type", "Account Reference", "Nominal A/C Ref", "Date", "Reference", "Net Amount",
                          "Tax Code"],
               "clearbooks": ["Invoice number", "Invoice date", "Customer name", "Line description",
                              "Line quantity", "Line unit price", "Line VAT rate"]}
    for layout, headers in spelled.items():
        columns = map_header("invoices", headers)
        assert columns.layout == layout and columns.header_of("number") in headers


def test_a_header_row_of_two_layouts_is_refused_naming_both():
    with pytest.raises(HeaderError, match="mixes the Xero layout and the Clear Books layout"):
        map_header("invoices", ["*ContactName", "*InvoiceNumber", "Customer name", "Line description"])
    with pytest.raises(HeaderError, match="'Account Reference' \\(a column of the Sage 50 layout"):
        map_header("invoices", ["*ContactName", "*InvoiceNumber", "*InvoiceDate", "*Description", "*Quantity",
                                "*UnitAmount", "Account Reference"])
