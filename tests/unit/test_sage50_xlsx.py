"""Sage 50's import as an Excel workbook (Sage KB 200427112602335, "Import file format rules":
*.xls, *.xlsx or *.csv), read back with openpyxl and checked against the spec fixture and the
documents' own totals; and the CSV, whose Windows-1252 cannot hold every name, refusing them."""
import csv
import io
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chalicelib.domain.errors import Conflict
from chalicelib.render.accounting import FORMATS
from tests.support.accounting import CHINESE_EMOJI, HYPERLINK, document, exported, line, sample_documents
from tests.unit.test_accounting_specs import spec

D = Decimal
POLISH, GREEK = "Dostawa do Łodzi, Łódź", "Συντήρηση"


def workbook_rows(documents, mapping=None):
    """The sheet's header and its data rows as {column: cell}."""
    out = io.BytesIO()
    packed = FORMATS["sage50_xlsx"].write_file("sage50_xlsx", iter(documents), mapping, out)
    assert packed.extension == "xlsx"
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return header, [dict(zip(header, row)) for row in rows[1:]]


def number(cell) -> Decimal:
    """A number cell's exact decimal: the shortest text that reads back as its double."""
    assert cell.data_type == "n" and isinstance(cell.value, (int, float))
    return D(repr(cell.value))


def test_columns_dates_types_and_tax_codes_are_the_specs():
    fixture = spec("sage50")
    header, rows = workbook_rows(sample_documents())
    assert header == fixture["columns"]
    issued = {row["Reference"].value: row for row in rows}
    for row in rows:
        (column,) = fixture["date_columns"]
        assert row[column].value == datetime(2026, 11, 21) and row[column].number_format == "dd/mm/yyyy"
    assert {row["Type"].value for row in rows if row["Reference"].value == "CN-0001"} == {fixture["types"]["credit_note"]}
    assert all(number(row[column]) > 0 for row in rows if row["Reference"].value == "CN-0001"
               for column in fixture["amount_columns"])
    codes = {row["Tax Code"].value for row in rows if row["Reference"].value == "INV-0003"}
    assert {fixture["tax_codes"][c] for c in ("standard", "reduced", "outside_scope", "reverse_charge")} == codes
    assert "INV-0004" not in issued and None not in issued  # void and draft stay out


def test_amounts_are_exact_numbers_adding_up_to_each_documents_totals():
    documents = sample_documents()
    header, rows = workbook_rows(documents)
    for shown in exported(documents):
        own = [row for row in rows if row["Reference"].value == shown["number"]]
        assert (sum(number(row["Net Amount"]) for row in own), sum(number(row["Tax Amount"]) for row in own)) == (
            D(shown["totals"]["net"]), D(shown["totals"]["vat"]))
    (euro,) = {row["Exchange Rate"].value for row in rows if row["Reference"].value == "INV-0002"}
    assert D(repr(euro)) == (1 / D("0.85")).quantize(D("0.000001"))  # euros per pound
    assert {row["Exchange Rate"].value for row in rows if row["Reference"].value == "INV-0001"} == {None}


def test_codes_and_references_are_text_cells_and_formula_like_text_stays_text_unchanged():
    mapping = {"accounts": {"sage50": {"default": "0030"}}, "customers": {"sage50": {"cus_inv0001customer": "00123"}}}
    header, rows = workbook_rows(sample_documents(), mapping)
    first = rows[0]
    assert [(first[c].value, first[c].data_type) for c in ("Nominal A/C Ref", "Account Reference", "Department Code",
                                                            "Reference", "Extra Reference")] == [
        ("0030", "s"), ("00123", "s"), ("0", "s"), ("INV-0001", "s"), ("PO-7", "s")]
    assert not first["Details"].quotePrefix
    header, rows = workbook_rows([document("INV-0950", [line(HYPERLINK, "1", "10.00")])])
    assert [(row["Details"].value, row["Details"].data_type, row["Details"].quotePrefix) for row in rows] == [
        (HYPERLINK, "s", True)]


NAMED = [document("INV-0900", [line(POLISH, "1", "10.00")], reference="ZAM/Łódź/7"),
         document("INV-0901", [line(GREEK, "1", "20.00")]),
         document("INV-0902", [line(CHINESE_EMOJI, "1", "30.00")])]


def test_names_outside_windows_1252_travel_intact_in_the_workbook():
    header, rows = workbook_rows(NAMED)
    assert [(row["Reference"].value, row["Details"].value, row["Extra Reference"].value) for row in rows] == [
        ("INV-0900", POLISH, "ZAM/Łódź/7"), ("INV-0901", GREEK, None), ("INV-0902", CHINESE_EMOJI, None)]


@pytest.mark.parametrize("shown, column, lacking", [
    (NAMED[0], "Details", "Łź"), (NAMED[1], "Details", "Συντήρησ"),  # each character once (ó is in it)
    (document("INV-0903", [line("Tea", "1", "1.00")], reference="ZAM/Łódź/7"), "Extra Reference", "Łź")])
def test_the_csv_refuses_text_windows_1252_lacks_naming_document_and_column(shown, column, lacking):
    out = io.BytesIO()
    with pytest.raises(Conflict) as refused:
        FORMATS["sage50"].write_file("sage50", iter([document("INV-0899", [line("Müller", "1", "1.00")]), shown]),
                                     None, out)
    message = refused.value.message
    assert message.startswith(f"{shown['number']}: {column} ") and f'holds "{lacking}", which Windows-1252' in message
    assert "sage50_xlsx" in message and "?" not in message
    assert refused.value.details == [("format", f"sage50 cannot carry {shown['number']}'s {column}")]


def test_the_csv_still_writes_what_windows_1252_holds():
    out = io.BytesIO()
    FORMATS["sage50"].write_file("sage50", iter([document("INV-0898", [line("Müller — Größe ½", "1", "1.00")])]),
                                 None, out)
    (row,) = list(csv.DictReader(io.StringIO(out.getvalue().decode("cp1252"), newline="")))
    assert row["Details"] == "Müller — Größe ½"
