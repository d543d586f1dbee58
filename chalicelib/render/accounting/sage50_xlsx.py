"""Sage 50 Accounts (UK): the audit trail transactions import as an Excel workbook.

The same columns and rows as the CSV (sage50.py, which names the specs), for names the
CSV's Windows-1252 cannot hold: Sage's knowledge base article 200427112602335, "Import
file format rules" (gb-kb.sage.com), takes import data "either in Microsoft Excel (*.xls
or *.xlsx) files or Comma-separated (*.csv) files"; in an Excel file "each row represents
one record and each column represents a data field" (the first row names them), and the
Excel option needs a compatible Microsoft Excel on the Sage machine. Text in a workbook is
Unicode, so "Łódź", Greek or Chinese arrive as they are.

Cells: every code and reference is a text cell ("0030" stays "0030"), text a spreadsheet
could take for a formula keeps Excel's quote-prefix style (shown and kept as text, no
character added); Date is a date shown dd/mm/yyyy; Net Amount, Tax Amount and Exchange
Rate are numbers. A number cell is a double, which holds every amount a document may
carry (at most 15 significant digits: 999,999,999,999.999) exactly to its decimal text.
One sheet holds 1,048,576 rows: a larger export is refused (the CSV has no such limit).
"""
from typing import Any, BinaryIO, Dict, Iterable, Optional

from ...domain.currencies import minor_units
from ...domain.errors import ValidationError
from ..cells import FORMULA_STARTS
from .documents import Document
from .sage50 import AMOUNTS, DATE, HEADER, RATE, splits

SHEET_ROWS = 1_048_576
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}
WIDTHS = {"Details": 40, "Reference": 14, "Extra Reference": 14, "Account Reference": 12, "Nominal A/C Ref": 10}


def write(documents: Iterable[Document], mapping: Optional[Dict[str, Any]], out: BinaryIO) -> None:
    from xlsxwriter import Workbook

    workbook = Workbook(out, OPTIONS)
    sheet = workbook.add_worksheet("Audit Trail")
    cells = _Cells(workbook)
    for col, name in enumerate(HEADER):
        sheet.set_column(col, col, WIDTHS.get(name, 11))
        sheet.write_string(0, col, name, cells.header)
    row = 0
    for split in splits(documents, mapping):
        row += 1
        if row == SHEET_ROWS:
            raise ValidationError(f"An Excel sheet holds {SHEET_ROWS:,} rows: export a shorter timeframe, "
                                  "or as sage50 (CSV)")
        for col, (name, value) in enumerate(zip(HEADER, split.values)):
            cells.write(sheet, row, col, name, value, split.document["currency"])
    workbook.close()


class _Cells:
    def __init__(self, workbook):
        add = workbook.add_format
        self.header = add({"bold": True})
        self._quoted = add({"quote_prefix": True})
        self._date = add({"num_format": "dd/mm/yyyy"})
        self._amounts: Dict[str, Any] = {}
        self._add = add

    def write(self, sheet, row: int, col: int, name: str, value: Any, currency: str) -> None:
        if name == DATE:
            sheet.write_datetime(row, col, value, self._date)
        elif name in AMOUNTS:
            sheet.write_number(row, col, float(value), self._amount(currency))
        elif name == RATE:
            if value is not None:
                sheet.write_number(row, col, float(value))
        elif value:
            sheet.write_string(row, col, value, self._quoted if value.startswith(FORMULA_STARTS) else None)

    def _amount(self, currency: str):
        if currency not in self._amounts:
            places = minor_units(currency)
            self._amounts[currency] = self._add({"num_format": "0." + "0" * places if places else "0"})
        return self._amounts[currency]
