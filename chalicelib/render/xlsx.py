"""List exports as XLSX, streamed: one row in memory at a time (xlsxwriter's constant_memory).

Cells are typed: dates and times are real dates (numbers with a date format),
money a number formatted with its currency's code and ISO 4217 decimal places,
integers and booleans as such, text always a string cell, never a formula.

XLSX stores numbers as doubles: an amount of up to 15 significant digits (every
amount a document may carry) reads back as written, but the file holds a double,
not the exact decimal; the CSV export keeps the exact strings.

Text that a spreadsheet could take for a formula (see cells.py) is written
unchanged with Excel's quote-prefix style: shown as typed, and it stays text if
someone edits the cell, without adding a quote character to the data.

Totals: after the data, a blank row (so Excel's "current region" and sorting
stop at the data), then one row per currency (columns.py) with the exact sums
written as values: every reader sees them, including those that never calculate
formulas. They are a snapshot of the export, like the rest of the file.
"""
from datetime import date, datetime, timezone
from typing import Any, BinaryIO, Dict, Iterable, Union

from ..domain.currencies import minor_units
from ..domain.errors import ValidationError
from .cells import FORMULA_STARTS
from .columns import (BOOLEAN, CURRENCY, DATE, DATETIME, INTEGER, MONEY, NUMBER, PRICE, TEXT, TITLES,
                      CurrencyTotals, columns_for)

SHEET_ROWS = 1_048_576
# Excel's day 0 in its 1900 date system (right for every date after February 1900).
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_EPOCH = datetime(1899, 12, 30)
_SECONDS_A_DAY = 86400.0
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
    cells = _Cells(workbook, sheet)
    _write_header(sheet, columns, cells.header)
    totals = CurrencyTotals(columns)
    count = _write_rows(sheet, columns, cells, rows, totals)
    sheet.autofilter(0, 0, count, len(columns) - 1)
    _write_totals(sheet, columns, cells, totals, first_row=count + 2)
    workbook.close()
    return count


def _write_header(sheet, columns, header_format) -> None:
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width)
        sheet.write_string(0, col, column.header, header_format)
    sheet.freeze_panes(1, 0)


def _write_rows(sheet, columns, cells: "_Cells", rows, totals: CurrencyTotals) -> int:
    plan = [(col, column.value, cells.writer(column.kind)) for col, column in enumerate(columns)]
    row = 0
    for record in rows:
        row += 1
        if row == SHEET_ROWS:
            raise _too_many()
        currency = record.get("currency")
        for col, value, write in plan:
            found = value(record)
            if found is not None:
                write(row, col, found, currency)
        totals.add(record)
    return row


def _write_totals(sheet, columns, cells: "_Cells", totals: CurrencyTotals, first_row: int) -> None:
    currency_col = columns.index(CURRENCY) if CURRENCY in columns else None
    per_currency = totals.rows()
    if first_row + len(per_currency) > SHEET_ROWS:
        raise _too_many()
    for row, (currency, sums) in enumerate(per_currency, start=first_row):
        sheet.write_string(row, 0, "Total", cells.total_label)
        if currency_col is not None:
            sheet.write_string(row, currency_col, currency, cells.total_label)
        for col, amount in sums.items():
            sheet.write_number(row, col, float(amount), cells.total_money[currency])


def _too_many() -> ValidationError:
    return ValidationError(f"An Excel sheet holds {SHEET_ROWS:,} rows: export fewer records, or as CSV")


class _Cache(dict):
    """Values made on first use: a format per currency (never one per cell), a date's serial."""

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, key):
        made = self[key] = self._make(key)
        return made


def _money_format(currency: str, places: int) -> str:
    number = "#,##0." + "0" * places if places else "#,##0"
    return f'"{currency}" {number};"{currency}" -{number}'


class _Cells:
    """Writes one typed cell: `write(row, col, presented value, row's currency)` per kind."""

    def __init__(self, workbook, sheet):
        add = workbook.add_format
        self.sheet = sheet
        self.header = add({"bold": True, "bottom": 1})
        self.total_label = add({"bold": True})
        self.quoted = add({"quote_prefix": True})
        self.date = add({"num_format": "yyyy-mm-dd"})
        self.datetime = add({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.money = _Cache(lambda c: add({"num_format": _money_format(c, minor_units(c))}))
        self.total_money = _Cache(lambda c: add({"num_format": _money_format(c, minor_units(c)),
                                                       "bold": True}))
        self.price = _Cache(lambda key: add({"num_format": _money_format(*key)}))
        # Excel's serial number of a day; exports repeat the same few hundred dates.
        self.serials = _Cache(lambda day: date.fromisoformat(day).toordinal() - _EPOCH_ORDINAL)

    def writer(self, kind: str):
        return {TEXT: self.text, DATE: self.day, DATETIME: self.instant, MONEY: self.amount,
                PRICE: self.unit_price, NUMBER: self.number, INTEGER: self.integer,
                BOOLEAN: self.boolean}[kind]

    def text(self, row, col, value, currency):
        value = value if value.__class__ is str else str(value)
        self.sheet.write_string(row, col, value, self.quoted if value.startswith(FORMULA_STARTS) else None)

    def day(self, row, col, value, currency):
        self.sheet.write_number(row, col, self.serials[value], self.date)

    def instant(self, row, col, value, currency):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        self.sheet.write_number(row, col, (moment - _EPOCH).total_seconds() / _SECONDS_A_DAY, self.datetime)

    def amount(self, row, col, value, currency):
        self.sheet.write_number(row, col, float(value), self.money[currency])

    def unit_price(self, row, col, value, currency):
        places = len(value) - value.index(".") - 1 if "." in value else 0
        self.sheet.write_number(row, col, float(value), self.price[currency, max(places, minor_units(currency))])

    def number(self, row, col, value, currency):
        self.sheet.write_number(row, col, float(value))

    def integer(self, row, col, value, currency):
        self.sheet.write_number(row, col, int(value))

    def boolean(self, row, col, value, currency):
        self.sheet.write_boolean(row, col, bool(value))
