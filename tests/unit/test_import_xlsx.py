"""The first sheet of a workbook as text rows; damaged, locked or explosive archives refused."""
import io
import zipfile
from datetime import datetime

import pytest
import xlsxwriter
from hypothesis import given, strategies as st

from chalicelib.imports.xlsx import MAX_RATIO, BadWorkbook, _number, _rounded_number, archive_problem, sheet_rows


def workbook(fill) -> io.BytesIO:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    fill(book, book.add_worksheet("Invoices"))
    book.close()
    out.seek(0)
    return out


def test_values_come_out_as_the_text_a_csv_would_hold():
    def fill(book, sheet):
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        sheet.write_row(0, 0, ["number", "issue_date", "quantity", "unit_price", "paid", "notes"])
        sheet.write_string(1, 0, "INV-1")
        sheet.write_datetime(1, 1, datetime(2026, 3, 31), day)
        sheet.write_number(1, 2, 3)
        sheet.write_number(1, 3, 0.1 + 0.2)  # 0.30000000000000004 as a double: Excel shows 0.3
        sheet.write_boolean(1, 4, True)
        sheet.write_formula(1, 5, "=C2*D2", None, 0.9)
        sheet.write_string(3, 0, "INV-2")  # row 3 left empty: a sheet does not store it
        sheet.write_number(3, 7, 1234.5)

    rows = list(sheet_rows(workbook(fill)))
    assert [r.number for r in rows] == [1, 2, 4]
    assert rows[1].cells == ["INV-1", "2026-03-31", "3", "0.3", "true", "0.9"] and rows[1].error is None
    assert rows[2].cells == ["INV-2", "", "", "", "", "", "", "1234.5"]


def test_cells_that_cannot_be_data_mark_their_row():
    def fill(book, sheet):
        sheet.write_row(0, 0, ["number", "description"])
        sheet.write_formula(1, 1, "=cmd|' /C calc'!A0", None, 0)
        sheet.write_formula(2, 1, "=1/0", None, "#DIV/0!")
        sheet.write_string(3, 1, "=cmd|' /C calc'!A0")  # text that looks like a formula: for the cell readers

    rows = list(sheet_rows(workbook(fill)))
    assert "DDE formula" in rows[1].error and "#DIV/0!" in rows[2].error
    assert rows[3].error is None and rows[3].cells[1] == "=cmd|' /C calc'!A0"


def test_a_truncated_workbook_is_damaged():
    whole = workbook(lambda book, sheet: sheet.write_row(0, 0, ["name"])).getvalue()
    with pytest.raises(BadWorkbook, match="damaged or incomplete"):
        list(sheet_rows(io.BytesIO(whole[: len(whole) // 2])))


def test_archives_are_judged_by_their_declared_sizes():
    def info(name, size, packed, flags=0):
        entry = zipfile.ZipInfo(name)
        entry.file_size, entry.compress_size, entry.flag_bits = size, packed, flags
        return entry

    assert archive_problem([info("xl/worksheets/sheet1.xml", 50 << 20, 5 << 20)]) is None
    assert "zip bomb" in archive_problem([info("xl/worksheets/sheet1.xml", 5 << 30, 100 << 20)])
    assert "zip bomb" in archive_problem([info("xl/worksheets/sheet1.xml", 200 << 20, (200 << 20) // (MAX_RATIO * 2))])
    assert "password" in archive_problem([info("xl/workbook.xml", 10, 10, flags=1)])
    assert "distinct text" in archive_problem([info("xl/sharedStrings.xml", 100 << 20, 20 << 20)])


def test_a_real_zip_bomb_is_refused_before_anything_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 << 20))
    out.seek(0)
    with pytest.raises(BadWorkbook, match="zip bomb"):
        list(sheet_rows(out))


_NUMBER_TEXTS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),  # what a workbook's <v> holds
    st.decimals(allow_nan=False, allow_infinity=False).map(str),
    st.from_regex(r"-?[0-9]{1,18}(\.[0-9]{0,18})?", fullmatch=True))


@given(_NUMBER_TEXTS)
def test_a_number_cell_reads_as_excel_shows_it_by_the_short_way_or_the_long(raw):
    assert _number(raw) == _rounded_number(raw)
