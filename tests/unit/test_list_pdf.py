"""PDF tables size their columns from what they hold: nothing that must stay whole runs into its neighbour."""
import io
import json

import pytest
from pypdf import PdfReader

from chalicelib.render import list_pdf, pdf_columns
from chalicelib.render.columns import columns_for
from chalicelib.render.document_pdf import LINE_COLUMNS, _line_cells
from chalicelib.render.pdf_frame import TABLE_SIZE, Frame
from tests.unit.test_list_exports import RECORDS

PLAIN = lambda index: False  # noqa: E731  no emphasised rows


def fit(columns, rows, set_widths_are_minimums, orientation="P"):
    pdf = Frame([json.dumps(rows, ensure_ascii=False)], orientation=orientation)
    fitted, size = pdf_columns.fitted(pdf, columns, rows, PLAIN, TABLE_SIZE, set_widths_are_minimums)
    widest, least = pdf_columns._measured(pdf, columns, rows, PLAIN, TABLE_SIZE)
    pad = 2 * pdf.c_margin + 1
    return fitted, size, [w * size / TABLE_SIZE + pad for w in widest], [w * size / TABLE_SIZE + pad for w in least]


def assert_nothing_runs_over(columns, fitted, widest, least):
    assert sum(c.width for c in fitted) == pytest.approx(sum(c.width for c in columns))
    for column, width, line, word in zip(fitted, (c.width for c in fitted), widest, least):
        assert width >= (word if column.wraps else line) - 1e-6, column.title


def list_table(resource, records):
    columns = columns_for(resource)
    rows = [[list_pdf._cell(column, record) for column in columns] for record in records]
    return list_pdf.pdf_columns(columns, Frame([""], orientation="L").content_width), rows


@pytest.mark.parametrize("resource", list(RECORDS))
def test_list_columns_fill_the_page_and_only_text_wraps(resource):
    columns, rows = list_table(resource, RECORDS[resource] * 3)
    fitted, size, widest, least = fit(columns, rows, False, "L")
    assert pdf_columns.SMALLEST_SIZE <= size <= TABLE_SIZE
    assert_nothing_runs_over(columns, fitted, widest, least)


def test_amounts_too_wide_for_the_page_make_the_type_smaller_not_overlap():
    amount = "148148146814.550"
    huge = dict(RECORDS["invoices"][1], totals={"net": amount, "vat": amount, "gross": amount},
                amount_paid=amount, amount_credited=amount, outstanding=amount)
    columns, rows = list_table("invoices", [huge])
    fitted, size, widest, least = fit(columns, rows, False, "L")
    assert pdf_columns.SMALLEST_SIZE <= size < TABLE_SIZE
    assert_nothing_runs_over(columns, fitted, widest, least)


def invoice_line(currency, unit_price, net):
    return _line_cells({"description": "Consulting services for the quarter", "quantity": "3", "unit": "hour",
                        "unit_price": unit_price, "vat_category": "standard", "vat_rate": "20", "net": net}, currency)


def test_a_documents_usual_lines_keep_its_set_layout():
    fitted, size, _, _ = fit(LINE_COLUMNS, [invoice_line("GBP", "95.00", "285.00")], True)
    assert size == TABLE_SIZE and [c.width for c in fitted] == pytest.approx([c.width for c in LINE_COLUMNS])


def test_a_documents_long_amounts_widen_their_columns_and_the_description_gives_way():
    rows = [invoice_line("KWD", "1250000000.125", "3750000000.375")]
    fitted, size, widest, least = fit(LINE_COLUMNS, rows, True)
    assert_nothing_runs_over(LINE_COLUMNS, fitted, widest, least)
    assert fitted[4].width > LINE_COLUMNS[4].width and fitted[0].width < LINE_COLUMNS[0].width


def test_a_short_column_gets_what_it_needs_before_a_long_one_wraps():
    assert pdf_columns._shared(100, needed=[30, 80, 20], least=[10, 20, 20], weights=[1, 1, 1]) == [30, 50, 20]
    assert pdf_columns._shared(100, needed=[30, 40], least=[10, 20], weights=[1, 3]) == [37.5, 62.5]  # all fit


def test_totals_are_never_wrapped():
    out = io.BytesIO()
    list_pdf.write_list_pdf("invoices", iter(RECORDS["invoices"]), out)
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "Total GBP" in text and "KWD 1,050.131" in text and "21 Dec 2026" in text
