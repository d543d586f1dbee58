"""List PDFs size their columns from what they hold: nothing that must not wrap runs into its neighbour."""
import io
import json

import pytest
from pypdf import PdfReader

from chalicelib.render import list_pdf
from chalicelib.render.columns import TEXT, columns_for
from chalicelib.render.pdf_frame import TABLE_SIZE, Frame
from tests.unit.test_list_exports import RECORDS


def fitted(resource, records):
    columns = columns_for(resource)
    pdf = Frame([json.dumps(records, ensure_ascii=False)], orientation="L")
    body = [[list_pdf._cell(column, record) for column in columns] for record in records]
    widths, size = list_pdf._fitted(pdf, columns, body, [])
    widest, least = list_pdf._measured(pdf, columns, body, [])
    return columns, widths, size, widest, least, pdf


def padded(width, size, pdf):
    return width * size / TABLE_SIZE + 2 * pdf.c_margin + 1


@pytest.mark.parametrize("resource", list(RECORDS))
def test_columns_fill_the_page_and_only_text_columns_wrap(resource):
    columns, widths, size, widest, least, pdf = fitted(resource, RECORDS[resource] * 3)
    assert sum(widths) == pytest.approx(pdf.content_width)
    for column, width, line, word in zip(columns, widths, widest, least):
        if column.kind == TEXT:
            assert width >= padded(word, size, pdf) - 1e-6, column.header  # no word is broken
        else:
            assert width >= padded(line, size, pdf) - 1e-6, column.header  # an amount or date is whole


def test_amounts_too_wide_for_the_page_make_the_type_smaller_not_overlap():
    huge = dict(RECORDS["invoices"][1], totals={"net": "123456789012.125", "vat": "24691357802.425",
                                                "gross": "148148146814.550"},
                amount_paid="148148146814.550", amount_credited="148148146814.550", outstanding="148148146814.550")
    columns, widths, size, widest, least, pdf = fitted("invoices", [huge])
    assert list_pdf.SMALLEST_SIZE <= size < TABLE_SIZE
    assert sum(widths) == pytest.approx(pdf.content_width)
    for column, width, line in zip(columns, widths, widest):
        if column.kind != TEXT:
            assert width >= padded(line, size, pdf) - 1e-6


def test_a_short_column_gets_what_it_needs_before_a_long_one_wraps():
    assert list_pdf._shared(100, needed=[30, 80, 20], least=[10, 20, 20], weights=[1, 1, 1]) == [30, 50, 20]
    assert list_pdf._shared(100, needed=[30, 40], least=[10, 20], weights=[1, 3]) == [37.5, 62.5]  # all fit


def test_the_pdf_reads_back_with_every_amount_whole():
    out = io.BytesIO()
    list_pdf.write_list_pdf("invoices", iter(RECORDS["invoices"]), out)
    text = PdfReader(io.BytesIO(out.getvalue())).pages[0].extract_text()
    assert "KWD 1,050.131" in text and "21 Dec 2026" in text and "INV-0001" in text
