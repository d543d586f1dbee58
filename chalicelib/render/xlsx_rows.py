"""The data rows of an XLSX export as worksheet XML, appended to xlsxwriter's row file.

Why not xlsxwriter's write_*() per cell: each costs about 15 µs here (argument
checks, a tuple per cell, type dispatch, attribute escaping), 21 s for the 1.4
million cells of 100,000 invoices. Every row of an export has the same columns,
so each column's cell is a template made once and a row is one join, several
times faster. xlsxwriter still writes the rest of the workbook: styles, header,
totals, filter, panes.

The cells are those xlsxwriter writes in constant_memory mode: inline strings
(control characters as _xHHHH_, xml:space="preserve" around outer whitespace),
numbers with a style index, booleans as t="b". Three differences, on purpose:
decimals (money, prices, rates) are written as their exact decimal text
("1050.131"), not as a double printed to 16 digits; text is always escaped
(xlsxwriter passes text shaped like "<r>...</r>" through raw, as rich text); and
lone surrogates, U+FFFE and U+FFFF are escaped like control characters, so the
file stays valid XML. Strings are not cut at Excel's 32,767 characters: the API
holds no text field longer than 5,000.
tests/unit/test_xlsx_rows.py compares the cells with xlsxwriter's own.

Internals of the pinned xlsxwriter (requirements.txt) this relies on, in
constant_memory mode: finished rows are appended to the worksheet's
`row_data_fh`, `_write_single_row` writes out the row still pending, and
`_check_dimensions` records the used range for the sheet's <dimension>.
"""
import re
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, Sequence

from .cells import FORMULA_STARTS
from .columns import BOOLEAN, DATE, DATETIME, INTEGER, MONEY, NUMBER, PRICE, TEXT, Column

# Excel's day 0 in its 1900 date system (right for every date after February 1900).
_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()
_EPOCH = datetime(1899, 12, 30)
_SECONDS_A_DAY = 86400.0
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# Code units XML 1.0 cannot hold (control characters, lone surrogates, U+FFFE and
# U+FFFF) are written as Excel's _xHHHH_ escapes, and a literal "_xHHHH_" escaped
# in turn so that Excel does not unescape it.
_UNWRITABLE = "\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff"
_NEEDS_ESCAPING = re.compile(f"[&<>{_UNWRITABLE}]|_x[0-9a-fA-F]{{4}}_")
_LITERAL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(f"[{_UNWRITABLE}]")

Cell = Callable[[str, Any, Any], str]  # (row number as text, presented value, row's currency) -> <c> XML


class Styles:
    """The xf indices of the cell formats data rows use: `quoted`, `date`, `datetime`,
    `money[currency]` and `price[currency, places]` (those two made on first use)."""

    def __init__(self, quoted: int, date_: int, datetime_: int, money: Dict, price: Dict):
        self.quoted, self.date, self.datetime, self.money, self.price = quoted, date_, datetime_, money, price


class RowXml:
    """`row_xml(row, record)`: the <row> of a presented record at 0-based sheet `row`."""

    def __init__(self, columns: Sequence[Column], styles: Styles):
        self._plan = [(column.value, _CELLS[column.kind](f'<c r="{_letters(col)}', styles))
                      for col, column in enumerate(columns)]

    def __call__(self, row: int, record: Dict[str, Any]) -> str:
        number = str(row + 1)
        currency = record.get("currency")
        parts = [f'<row r="{number}">']
        for value, cell in self._plan:
            found = value(record)
            if found is not None:
                parts.append(cell(number, found, currency))
        parts.append("</row>")
        return "".join(parts)


def begin_rows(sheet) -> Any:
    """Write out the rows xlsxwriter holds (the header); returns the file data rows go to."""
    sheet._write_single_row(sheet.previous_row + 1)
    return sheet.row_data_fh


def end_rows(sheet, last_row: int, last_col: int) -> None:
    """Tell xlsxwriter rows up to `last_row` are written, so later cells go below them."""
    if last_row >= sheet.previous_row:
        sheet._check_dimensions(last_row, last_col)
        sheet.previous_row = last_row


def _letters(col: int) -> str:
    """A 0-based column's letters: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    col += 1
    while col:
        col, remainder = divmod(col - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def inline_text(value: str) -> str:
    """The end of a <t> start tag and its content, as xlsxwriter writes inline strings."""
    if _NEEDS_ESCAPING.search(value):
        value = _CONTROL.sub(lambda found: f"_x{ord(found[0]):04X}_", _LITERAL_ESCAPE.sub(r"_x005F\1", value))
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return ' xml:space="preserve">' + value
    return ">" + value


def _number_text(value: Any) -> str:
    """A number's text for <v>: an exact decimal as it is, anything else as xlsxwriter prints a double."""
    text = value if value.__class__ is str else str(value)
    return text if _PLAIN_DECIMAL.fullmatch(text) else f"{float(text):.16G}"


def _text(start: str, styles: Styles) -> Cell:
    plain, quoted = '" t="inlineStr"><is><t', f'" s="{styles.quoted}" t="inlineStr"><is><t'

    def cell(number, value, currency):
        value = value if value.__class__ is str else str(value)
        if not value:
            return ""
        # Formula-like text keeps Excel's quote-prefix style: shown and kept as text.
        return f"{start}{number}{quoted if value.startswith(FORMULA_STARTS) else plain}{inline_text(value)}</t></is></c>"

    return cell


def _date(start: str, styles: Styles) -> Cell:
    serials: Dict[str, int] = {}  # exports repeat the same few hundred dates

    def cell(number, value, currency):
        serial = serials.get(value)
        if serial is None:
            serial = serials[value] = date.fromisoformat(value).toordinal() - _EPOCH_ORDINAL
        return f'{start}{number}" s="{styles.date}"><v>{serial}</v></c>'

    return cell


def _datetime(start: str, styles: Styles) -> Cell:
    def cell(number, value, currency):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
        serial = (moment - _EPOCH).total_seconds() / _SECONDS_A_DAY
        return f'{start}{number}" s="{styles.datetime}"><v>{serial:.16G}</v></c>'

    return cell


def _money(start: str, styles: Styles) -> Cell:
    def cell(number, value, currency):
        return f'{start}{number}" s="{styles.money[currency]}"><v>{_number_text(value)}</v></c>'

    return cell


def _price(start: str, styles: Styles) -> Cell:
    """A unit price shows every place it has, and at least its currency's."""
    def cell(number, value, currency):
        text = _number_text(value)
        places = len(text) - text.index(".") - 1 if "." in text else 0
        return f'{start}{number}" s="{styles.price[currency, places]}"><v>{text}</v></c>'

    return cell


def _number(start: str, styles: Styles) -> Cell:
    return lambda number, value, currency: f'{start}{number}"><v>{_number_text(value)}</v></c>'


def _integer(start: str, styles: Styles) -> Cell:
    return lambda number, value, currency: f'{start}{number}"><v>{int(value)}</v></c>'


def _boolean(start: str, styles: Styles) -> Cell:
    return lambda number, value, currency: f'{start}{number}" t="b"><v>{1 if value else 0}</v></c>'


_CELLS = {TEXT: _text, DATE: _date, DATETIME: _datetime, MONEY: _money, PRICE: _price, NUMBER: _number,
          INTEGER: _integer, BOOLEAN: _boolean}
