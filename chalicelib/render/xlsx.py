"""List exports as XLSX, streamed: one row in memory at a time (xlsxwriter's constant_memory).

Cells are typed: dates and times are real dates (numbers with a date format),
money a number formatted with its currency's code and ISO 4217 decimal places,
integers and booleans as such, text always a string cell, never a formula.

Data rows are written by xlsx_rows.py, which holds each amount as its exact
decimal text; spreadsheets read it as a double, which is exact to 15 significant
digits (every amount a document may carry). The CSV export keeps the exact strings.

Text that a spreadsheet could take for a formula (see cells.py) is written
unchanged with Excel's quote-prefix style: shown as typed, and it stays text if
someone edits the cell, without adding a quote character to the data.

Totals: after the data, a blank row (so Excel's "current region" and sorting
stop at the data), then one row per currency (columns.py: drafts and void
documents are not totalled, as a line under them says) with the exact sums
written as values: every reader sees them, including those that never calculate
formulas. They are a snapshot of the export, like the rest of the file.
"""
from typing import Any, BinaryIO, Dict, Iterable, Union

from ..domain.currencies import minor_units
from ..domain.errors import ValidationError
from .columns import CURRENCY, TITLES, TOTALS_NOTE, CurrencyTotals, columns_for
from .xlsx_rows import RowXml, Styles, begin_rows, end_rows

SHEET_ROWS = 1_048_576
OPTIONS = {
    "constant_memory": True,  # rows go to a temporary file as they are written (in_memory stays off)
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
}


def write_xlsx(resource: str, rows: Iterable[Dict[str, Any]], out: Union[str, BinaryIO]) -> int:
    """Write presented `rows` of `resource` to `out` (a path or a binary file); returns how many."""
    from xlsxwriter import Workbook

    columns = columns_for(resource)
    workbook = Workbook(out, OPTIONS)
    sheet = workbook.add_worksheet(TITLES[resource])
    formats = _Formats(workbook)
    _write_header(sheet, columns, formats.header)
    totals = CurrencyTotals(columns)
    count = _write_rows(sheet, RowXml(columns, formats.styles()), rows, totals)
    end_rows(sheet, count, len(columns) - 1)
    sheet.autofilter(0, 0, count, len(columns) - 1)
    _write_totals(sheet, columns, formats, totals, first_row=count + 2)
    workbook.close()
    return count


def _write_header(sheet, columns, header_format) -> None:
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.header, header_format)
    sheet.freeze_panes(1, 0)


def _write_rows(sheet, row_xml: RowXml, rows, totals: CurrencyTotals) -> int:
    out = begin_rows(sheet)
    row = 0
    for record in rows:
        row += 1
        if row == SHEET_ROWS:
            raise _too_many()
        out.write(row_xml(row, record))
        totals.add(record)
    return row


def _write_totals(sheet, columns, formats: "_Formats", totals: CurrencyTotals, first_row: int) -> None:
    currency_col = columns.index(CURRENCY) if CURRENCY in columns else None
    per_currency = totals.rows()
    if per_currency and first_row + len(per_currency) + 1 > SHEET_ROWS:  # the totals and their note
        raise _too_many()
    for row, (currency, sums) in enumerate(per_currency, start=first_row):
        sheet.write_string(row, 0, "Total", formats.total_label)
        if currency_col is not None:
            sheet.write_string(row, currency_col, currency, formats.total_label)
        for col, amount in sums.items():
            sheet.write_number(row, col, float(amount), formats.total_money[currency])
    if per_currency:
        sheet.write_string(first_row + len(per_currency), 0, TOTALS_NOTE)


def _too_many() -> ValidationError:
    return ValidationError(f"An Excel sheet holds {SHEET_ROWS:,} rows: export fewer records, or as CSV")


class _Cache(dict):
    """Values made on first use: a format per currency, never one per cell."""

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, key):
        made = self[key] = self._make(key)
        return made


def _money_format(currency: str, places: int) -> str:
    number = "#,##0." + "0" * places if places else "#,##0"
    return f'"{currency}" {number};"{currency}" -{number}'


class _Formats:
    """The workbook's cell formats; data rows take them by xf index (see xlsx_rows)."""

    def __init__(self, workbook):
        self._add = add = workbook.add_format
        self.header = add({"bold": True, "bottom": 1})
        self.total_label = add({"bold": True})
        self.total_money = _Cache(lambda c: add({"num_format": _money_format(c, minor_units(c)), "bold": True}))

    def styles(self) -> Styles:
        def index(properties):
            return self._add(properties)._get_xf_index()

        return Styles(
            quoted=index({"quote_prefix": True}), date_=index({"num_format": "yyyy-mm-dd"}),
            datetime_=index({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            money=_Cache(lambda c: index({"num_format": _money_format(c, minor_units(c))})),
            # A unit price shows every place it has, and at least its currency's.
            price=_Cache(lambda key: index({"num_format": _money_format(key[0], max(key[1], minor_units(key[0])))})))
