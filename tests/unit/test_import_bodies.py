"""Rows (or JSON documents) into the API's request bodies; every problem on its line and column."""
from decimal import Decimal
from typing import List, NamedTuple

import pytest

from chalicelib.domain.errors import Conflict, InvalidReference, invalid
from chalicelib.imports.bodies import Rejected, from_json, from_rows, problems_of
from chalicelib.imports.cells import CellError
from chalicelib.imports.kinds import map_header


class Row(NamedTuple):
    line: int
    cells: List[str]


class Names:
    def customer(self, text):
        if text == "Bright Bakery":
            return "cus_bright"
        raise CellError("is not the name or id of one of your customers")

    def product(self, code):
        if code == "BK-M":
            return "prd_bk"
        raise CellError("is not the code of one of your products")

    def invoice(self, text):
        if text == "INV-0001":
            return "inv_one"
        raise CellError("is not the number or id of one of your invoices")


INVOICE_HEADER = ["number", "customer", "status", "issue_date", "product_code", "description", "quantity",
                  "unit_price", "discount_percent", "discount_amount", "vat_rate", "exchange_rate"]


def invoice_rows(*cells):
    columns = map_header("invoices", INVOICE_HEADER)
    return columns, [Row(n + 2, list(c)) for n, c in enumerate(cells)]


def problems(kind, columns, rows):
    with pytest.raises(Rejected) as rejected:
        from_rows(kind, columns, rows, Names())
    return [(p.line, p.column, p.message) for p in rejected.value.problems]


def test_an_invoice_of_two_rows_becomes_the_api_body():
    columns, rows = invoice_rows(
        ["INV-7", "Bright Bakery", "Issued", "31/03/2026", "BK-M", "", "2", "", "10", "", "", ""],
        ["INV-7", "", "", "", "", "Payroll set-up", "1", "1,080.00", "", "5.00", "20", ""])
    prepared, _ = from_rows("invoices", columns, rows, Names())
    assert prepared.issue and prepared.number == "INV-7"
    fields = prepared.fields
    assert fields["customer_id"] == "cus_bright" and str(fields["issue_date"]) == "2026-03-31"
    assert fields["lines"] == [
        {"product_id": "prd_bk", "quantity": Decimal("2"), "discount": {"type": "percent", "value": Decimal("10")}},
        {"description": "Payroll set-up", "quantity": Decimal("1"), "unit_price": Decimal("1080.00"),
         "discount": {"type": "amount", "value": Decimal("5.00")}, "vat_rate": Decimal("20")}]


def test_every_problem_is_on_its_line_and_column_as_the_file_heads_it():
    columns, rows = invoice_rows(
        ["INV-8", "Nobody Ltd", "", "31/02/2026", "NOPE", "", "0", "", "", "", "", ""],
        ["INV-8", "", "", "2026-04-01", "", "=cmd|' /C calc'!A0", "1", "12,5", "5", "1", "", ""])
    found = problems("invoices", columns, rows)
    assert (2, "issue_date", "is not a real date") in found
    formula = "looks like a spreadsheet formula (starts with '='); formulas are never imported"
    assert (3, "description", formula) in found
    assert (3, "unit_price", "uses a comma as the decimal mark; write 1234.50") in found
    assert (2, "customer", "is not the name or id of one of your customers") in found
    assert (2, "product_code", "is not the code of one of your products") in found
    assert (3, "discount_amount", "give a discount as a percent or an amount, not both") in found


def test_document_cells_must_agree_across_its_rows():
    columns, rows = invoice_rows(
        ["INV-9", "Bright Bakery", "", "2026-03-31", "", "a", "1", "1", "", "", "", ""],
        ["INV-9", "Bright Bakery", "", "2026-04-01", "", "b", "1", "1", "", "", "", ""])
    assert problems("invoices", columns, rows) == [(3, "issue_date", "differs from line 2 of the same document")]


def test_the_api_schema_has_the_last_word_and_its_fields_map_back_to_columns():
    columns, rows = invoice_rows(["INV-1", "Bright Bakery", "sent", "", "", "x", "0", "1.23456", "", "", "150",
                                  "-1"])
    found = problems("invoices", columns, rows)
    assert (2, "quantity", "must be greater than 0") in found
    assert (2, "unit_price", "must have at most 4 decimal places") in found
    assert (2, "vat_rate", "must be at most 100") in found
    assert (2, "status", "must be one of draft, issued") in found
    assert (2, "exchange_rate", "must be greater than 0") in found


def test_a_credit_note_names_the_invoice_it_corrects():
    columns = map_header("credit_notes", ["number", "invoice", "reason", "status", "description", "quantity",
                                          "unit_price"])
    prepared, _ = from_rows("credit_notes", columns, [Row(2, ["CN-1", "INV-0001", "Returned", "draft", "x", "1",
                                                              "5"])], Names())
    assert prepared.fields["invoice_id"] == "inv_one" and not prepared.issue


def test_records_nest_addresses_and_split_email_lists():
    columns = map_header("customers", ["name", "emails", "billing_line1", "billing_city", "billing_country",
                                       "payment_terms_days"])
    prepared, _ = from_rows("customers", columns, [Row(2, ["Ann", "A@X.example;b@x.example", "1 Road", "Leeds",
                                                           "GB", "14"])], Names())
    assert prepared.fields == {"name": "Ann", "emails": ["a@x.example", "b@x.example"], "payment_terms_days": 14,
                               "billing_address": {"line1": "1 Road", "city": "Leeds", "country": "GB"}}
    found = problems("customers", columns, [Row(5, ["Ann", "not-an-email", "", "Leeds", "GBR", "x"])])
    assert (5, "emails", "must be an email address") in found
    assert (5, "billing_line1", "is required") in found
    assert (5, "billing_country", "must be at most 2 characters") in found
    assert (5, "payment_terms_days", "must be a whole number") in found


def test_xero_rows_take_their_vat_from_the_tax_type():
    columns = map_header("invoices", ["*ContactName", "*InvoiceNumber", "*InvoiceDate", "*DueDate", "*Description",
                                      "*Quantity", "*UnitAmount", "*AccountCode", "*TaxType", "Discount"])
    prepared, _ = from_rows("invoices", columns, [Row(2, ["Bright Bakery", "INV-0042", "31/03/2026", "30/04/2026",
                                                          "Cakes", "3", "4.50", "200", "Zero Rated Income", ""])],
                            Names())
    assert prepared.number == "INV-0042" and str(prepared.fields["due_date"]) == "2026-04-30"
    assert prepared.fields["lines"] == [{"description": "Cakes", "quantity": Decimal("3"),
                                         "unit_price": Decimal("4.50"), "vat_category": "zero",
                                         "vat_rate": Decimal("0")}]


def test_json_documents_are_the_api_bodies_plus_how_to_import_them():
    prepared, _ = from_json("invoices", {"customer_id": "cus_1", "number": "INV-5", "status": "issued",
                                         "lines": [{"description": "x", "quantity": "1", "unit_price": "2"}]}, 7)
    assert prepared.number == "INV-5" and prepared.fields["lines"][0]["unit_price"] == Decimal("2")
    with pytest.raises(Rejected) as rejected:
        from_json("invoices", {"customer_id": "cus_1", "lines": [{"quantity": "x"}], "colour": "red"}, 9)
    assert {(p.line, p.column) for p in rejected.value.problems} == {(9, "colour"), (9, "lines[0].quantity")}
    with pytest.raises(Rejected):
        from_json("products", ["not", "an", "object"], 3)


def test_service_refusals_land_on_the_columns_they_are_about():
    columns, rows = invoice_rows(["INV-1", "Bright Bakery", "", "", "", "x", "1", "1", "", "", "", ""],
                                 ["INV-1", "", "", "", "", "y", "1", "1", "", "", "", ""])
    _, locate = from_rows("invoices", columns, rows, Names())
    assert [(p.line, p.column) for p in problems_of(
        Conflict("taken", [("number", "is already used")]), locate)] == [(2, "number")]
    assert [(p.line, p.column) for p in problems_of(
        InvalidReference("archived", [("customer_id", "is archived")]), locate)] == [(2, "customer")]
    assert [(p.line, p.column, p.message) for p in problems_of(invalid("lines[1].vat_rate", "must be 0"), locate)] \
        == [(3, "vat_rate", "must be 0")]
    assert [(p.column, p.message) for p in problems_of(invalid("currency", "is wrong"), locate)] == \
        [(None, "currency is wrong")]
