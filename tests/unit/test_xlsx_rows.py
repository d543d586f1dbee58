"""Data rows written by render/xlsx_rows beside the cells xlsxwriter itself writes."""
import io
import re
import zipfile

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter import Workbook

from chalicelib.render.columns import BOOLEAN, DATE, DATETIME, INTEGER, MONEY, NUMBER, PRICE, TEXT, Column, field
from chalicelib.render.xlsx import OPTIONS
from chalicelib.render.xlsx_rows import RowXml, Styles, begin_rows, end_rows

AWKWARD_TEXT = ["Smith & Sons <Ltd>", 'He said "hi"', " leading", "trailing ", "\ttab first", "two\nlines",
                "bell\x07 and \x1f", "_x0041_ looks escaped", "emoji 🎉 and 狼", "شركة الخليج", "=HYPERLINK(\"x\")",
                "@SUM(A1)", "-1+2", "\r=2+2", "plain"]
KINDS = (TEXT, DATE, DATETIME, MONEY, PRICE, NUMBER, INTEGER, BOOLEAN)
VALUES = {DATE: "2026-11-21", DATETIME: "2026-11-21T15:34:23.215Z", MONEY: "-1050.13", PRICE: "95.125",
          NUMBER: "17.5", INTEGER: 30, BOOLEAN: True}


def sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode("utf-8")


def cells(xml: str):
    return re.findall(r"<c [^>]*>.*?</c>", xml)


def with_xlsxwriter(texts):
    """Column A: each text through xlsxwriter's own write_string (quote-prefixed when formula-like)."""
    out = io.BytesIO()
    workbook = Workbook(out, OPTIONS)
    sheet = workbook.add_worksheet()
    quoted = workbook.add_format({"quote_prefix": True})
    for row, text in enumerate(texts):
        sheet.write_string(row, 0, text, quoted if text.startswith(("=", "+", "-", "@", "\t", "\r")) else None)
    workbook.close()
    return out.getvalue()


def with_row_xml(columns, records, header=None):
    """`records` as data rows through RowXml, under an optional header written by xlsxwriter."""
    out = io.BytesIO()
    workbook = Workbook(out, OPTIONS)
    sheet = workbook.add_worksheet()

    def index(properties):
        return workbook.add_format(properties)._get_xf_index()

    styles = Styles(quoted=index({"quote_prefix": True}), date_=index({"num_format": "yyyy-mm-dd"}),
                    datetime_=index({"num_format": "yyyy-mm-dd hh:mm:ss"}),
                    money={"GBP": index({"num_format": "0.00"})}, price={("GBP", 3): index({"num_format": "0.000"})})
    first = 0
    if header is not None:
        sheet.write_string(0, 0, header)
        first = 1
    out_file, row_xml = begin_rows(sheet), RowXml(columns, styles)
    for row, record in enumerate(records, start=first):
        out_file.write(row_xml(row, record))
    end_rows(sheet, first + len(records) - 1, len(columns) - 1)
    sheet.write_string(first + len(records) + 1, 0, "after")
    workbook.close()
    return out.getvalue()


def excel_text(value):
    """Text as Excel reads it: _xHHHH_ escapes undone (openpyxl leaves them)."""
    return re.sub(r"_x([0-9A-F]{4})_", lambda found: chr(int(found[1], 16)), value)


def test_text_cells_are_byte_for_byte_what_xlsxwriter_writes():
    column = Column("Name", TEXT, field("name"), 10)
    ours = cells(sheet_xml(with_row_xml([column], [{"name": text} for text in AWKWARD_TEXT])))
    theirs = cells(sheet_xml(with_xlsxwriter(AWKWARD_TEXT)))
    assert ours[:-1] == theirs  # the last of ours is the row written after the data


def test_text_shaped_like_rich_text_is_escaped_not_passed_through():
    column = Column("Name", TEXT, field("name"), 10)
    data = with_row_xml([column], [{"name": "<r><t>x</t></r>"}])
    assert openpyxl.load_workbook(io.BytesIO(data)).active["A1"].value == "<r><t>x</t></r>"


def test_every_kind_reads_back_beside_a_header_and_a_later_row():
    columns = [Column(kind, kind, field(kind), 10) for kind in KINDS]
    record = {"currency": "GBP", TEXT: "Acme", **VALUES}
    sheet = openpyxl.load_workbook(io.BytesIO(with_row_xml(columns, [record, record], header="Header"))).active
    assert sheet["A1"].value == "Header" and sheet["A5"].value == "after"
    for row in (2, 3):
        values = [cell.value for cell in sheet[row]]
        assert values[0] == "Acme" and values[1].isoformat() == "2026-11-21T00:00:00"
        assert abs((values[2] - values[1]).total_seconds() - 56063.215) < 0.001
        assert values[3:] == [-1050.13, 95.125, 17.5, 30, True]
        assert [cell.number_format for cell in sheet[row]][1:5] == ["yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "0.00",
                                                                    "0.000"]
    assert sheet.dimensions == "A1:H5"


def test_decimals_are_written_as_their_exact_text():
    columns = [Column("Net", MONEY, field("net"), 10)]
    xml = sheet_xml(with_row_xml(columns, [{"currency": "GBP", "net": "0.10"}, {"currency": "GBP", "net": "-7"}]))
    assert "<v>0.10</v>" in xml and "<v>-7</v>" in xml


def test_absent_and_empty_values_leave_the_cell_empty():
    columns = [Column("A", TEXT, field("a"), 5), Column("B", MONEY, field("b"), 5)]
    xml = sheet_xml(with_row_xml(columns, [{"a": "", "b": None}]))
    assert '<row r="1"></row>' in xml and 'r="A1"' not in xml and 'r="B1"' not in xml


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None,
                                      exclude_categories=())), min_size=1, max_size=5))
def test_any_text_makes_a_valid_file_and_reads_back_as_written(texts):
    column = Column("Name", TEXT, field("name"), 10)
    sheet = openpyxl.load_workbook(io.BytesIO(with_row_xml([column], [{"name": t} for t in texts]))).active
    assert [excel_text(sheet.cell(row, 1).value or "") for row in range(1, len(texts) + 1)] == texts
