"""List exports as CSV (RFC 4180), streamed row by row.

- UTF-8 with a byte order mark: Excel reads a CSV without one in the machine's
  legacy code page and garbles every non-ASCII name; other readers skip it.
  `out_text` must therefore be opened with encoding "utf-8" (not "utf-8-sig",
  which would add a second mark) and newline="" as the csv module asks.
- Records end with CRLF; fields are quoted only when they need it.
- Money and other decimals stay the exact strings the API shows ("461.50"),
  dates and times ISO 8601 as the API shows them, booleans true/false.
- Text goes through safe_text, so no cell can be read as a formula.
- No totals rows: a CSV is data for other programs to import, where a totals
  row would be taken for one more record. The XLSX and PDF exports carry them.
"""
import csv
from typing import Any, Dict, Iterable, TextIO

from .cells import safe_text
from .columns import BOOLEAN, TEXT, columns_for

BOM = "\ufeff"


def _boolean(value) -> str:
    return "true" if value else "false"


# Other kinds go out as presented: the csv module writes None as an empty field.
_CONVERT = {TEXT: safe_text, BOOLEAN: _boolean}


def write_csv(resource: str, rows: Iterable[Dict[str, Any]], out_text: TextIO, header: bool = True) -> int:
    """Write presented `rows` of `resource` to the text stream `out_text`; returns how many.
    `header`: begin with the BOM and the header row (not for the later parts of one file)."""
    columns = columns_for(resource)
    writer = csv.writer(out_text, lineterminator="\r\n")
    if header:
        out_text.write(BOM)
        writer.writerow([column.header for column in columns])
    plan = [(column.value, _CONVERT.get(column.kind)) for column in columns]
    count = 0
    for record in rows:
        cells = []
        for value, convert in plan:
            found = value(record)
            cells.append(convert(found) if convert and found is not None else found)
        writer.writerow(cells)
        count += 1
    return count
