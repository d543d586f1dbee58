"""The CSV files of the accounting exports: RFC 4180 records (CRLF, quoted only where needed).

Text and formulas: these files are read by import tools, which take every cell as
text and never evaluate it, so text goes out exactly as it is (`text`): an
apostrophe in front of "-10% goodwill" would land in the other system's names.
Where the system's own import drops something that also keeps a spreadsheet from
reading a cell as a formula, that is used instead (Sage 50 ignores leading spaces:
`space_defused`). Opened in a spreadsheet, a cell of the Xero, QuickBooks or Clear
Books files starting with = + - @ may be read as a formula: they are for importing
(the README says so); the list exports are the spreadsheet-safe files.

`out` is a text stream, opened with encoding="utf-8" and newline="" as the csv
module asks. No byte order mark: the import wizards of these systems find their
columns by header name, and a mark would cling to the first one. Rows are
written as they are produced, so a large export is never held in memory.
"""
import csv
from typing import Any, Iterable, Sequence, TextIO

from ..cells import FORMULA_STARTS


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)


def text(value: Any) -> str:
    """A text cell exactly as it is; None is an empty cell."""
    return "" if value is None else str(value)


def space_defused(value: Any) -> str:
    """Text a spreadsheet would take for a formula, behind one space: for importers that drop
    leading spaces (Sage 50's import rules), so the data arrives exactly as it was."""
    shown = text(value)
    return " " + shown if shown.startswith(FORMULA_STARTS) else shown
