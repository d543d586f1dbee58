"""Any list export as a PDF table: landscape A4, the list's columns, totals per currency
(drafts and void documents listed but not totalled, columns.py).

A PDF is for reading and printing, so it holds at most MAX_ROWS rows (the
spreadsheet formats take any number); the rows are held in memory because the
fonts a document needs are chosen from all of its text before the first page,
and the columns are sized from what they hold (pdf_columns.py).
"""
import json
from datetime import datetime, timezone
from decimal import Decimal
from itertools import islice
from typing import Any, Dict, Iterable, List, Sequence

from ..domain.errors import invalid
from ..domain.money import format_amount
from . import text
from .columns import (BOOLEAN, DATE, DATETIME, MONEY, PRICE, TEXT, TITLES, TOTALS_NOTE, Column, CurrencyTotals,
                      columns_for)
from .pdf_frame import Frame
from .pdf_frame import Column as PdfColumn

MAX_ROWS = 5000
NUMERIC = (MONEY, PRICE)


def write_list_pdf(resource: str, rows: Iterable[Dict[str, Any]], out, footer: str = "") -> int:
    """Writes the PDF to the binary file `out`; returns the number of rows."""
    records = list(islice(rows, MAX_ROWS + 1))
    if len(records) > MAX_ROWS:
        raise invalid("format", f"a PDF holds at most {MAX_ROWS} rows; choose xlsx or csv, or narrow the filters")
    columns = columns_for(resource)
    totals = CurrencyTotals(columns)
    for record in records:
        totals.add(record)
    pdf = Frame([json.dumps(records, ensure_ascii=False, default=str)], footer=footer, orientation="L")
    pdf.set_title(TITLES[resource])
    pdf.style(16, bold=True)
    pdf.cell(0, 9, TITLES[resource], new_x="LMARGIN", new_y="NEXT")
    pdf.style(8)
    pdf.cell(0, 5, f"{len(records)} rows, exported {datetime.now(timezone.utc):%d %b %Y %H:%M} UTC",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    body = [[_cell(column, record) for column in columns] for record in records]
    total_rows = [_totals_row(columns, currency, sums) for currency, sums in totals.rows()]
    pdf.table(pdf_columns(columns, pdf.content_width), body + total_rows, emphasis=lambda i: i >= len(body),
              set_widths_are_minimums=False)
    if total_rows:
        pdf.style(8)
        pdf.paragraph(TOTALS_NOTE)
    pdf.output(out)
    return len(records)


def pdf_columns(columns: Sequence[Column], page_width: float) -> List[PdfColumn]:
    """The table's columns across the page; their widths only weigh how the text columns share the
    room, each column being sized from what it holds."""
    scale = page_width / sum(c.width for c in columns)
    return [PdfColumn(c.header, c.width * scale, "R" if c.kind in NUMERIC else "L", wraps=c.kind == TEXT)
            for c in columns]


def _cell(column: Column, record: Dict[str, Any]) -> str:
    value = column.value(record)
    if value is None or value == "":
        return ""
    if column.kind in NUMERIC:
        return text.money(str(value), record.get("currency") or "")
    if column.kind == DATE:
        return text.day(value)
    if column.kind == DATETIME:
        return str(value)[:16].replace("T", " ")
    if column.kind == BOOLEAN:
        return "Yes" if value else "No"
    return str(value)


def _totals_row(columns: Sequence[Column], currency: str, sums: Dict[int, Decimal]) -> List[str]:
    row = [text.money(format_amount(sums[i], currency), currency) if i in sums else "" for i in range(len(columns))]
    row[0] = f"Total {currency}"
    return row
