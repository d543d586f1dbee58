"""Any list export as a PDF table: landscape A4, the list's columns, totals per currency.

A PDF is for reading and printing, so it holds at most MAX_ROWS rows (the
spreadsheet formats take any number); the rows are held in memory because the
fonts a document needs are chosen from all of its text before the first page,
and the columns are sized from what they hold: a column that never wraps
(amounts, dates, flags) is as wide as its widest cell, and the text columns
share the rest, wrapping where they must. When even the columns that never
wrap do not fit across the page, the table's type gets smaller (down to
SMALLEST_SIZE), so that no amount ever runs into its neighbour.
"""
import json
from datetime import datetime, timezone
from decimal import Decimal
from itertools import islice
from typing import Any, Dict, Iterable, List, Sequence, Tuple

from ..domain.errors import invalid
from ..domain.money import format_amount
from . import text
from .columns import BOOLEAN, DATE, DATETIME, MONEY, PRICE, TEXT, TITLES, Column, CurrencyTotals, columns_for
from .pdf_frame import TABLE_SIZE, Frame
from .pdf_frame import Column as PdfColumn

MAX_ROWS = 5000
NUMERIC = (MONEY, PRICE)
SMALLEST_SIZE = 5.5  # points: the table's type is never made smaller than this


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
    widths, size = _fitted(pdf, columns, body, total_rows)
    table = [PdfColumn(c.header, width, "R" if c.kind in NUMERIC else "L", wraps=c.kind == TEXT)
             for c, width in zip(columns, widths)]
    pdf.table(table, body + total_rows, emphasis=lambda i: i >= len(body), size=size)
    pdf.output(out)
    return len(records)


def _fitted(pdf: Frame, columns: Sequence[Column], body, total_rows) -> Tuple[List[float], float]:
    """(each column's width, the type size) for the table to fill the page's width."""
    widest, least = _measured(pdf, columns, body, total_rows)  # at TABLE_SIZE, without padding
    padding = (2 * pdf.c_margin + 1) * len(columns)
    needed_at_full_size = sum(least)
    size = TABLE_SIZE
    if needed_at_full_size + padding > pdf.content_width:
        size = max(SMALLEST_SIZE, TABLE_SIZE * (pdf.content_width - padding) / needed_at_full_size)
    pad = 2 * pdf.c_margin + 1
    scaled = [(w * size / TABLE_SIZE + pad, m * size / TABLE_SIZE + pad) for w, m in zip(widest, least)]
    text = [i for i, c in enumerate(columns) if c.kind == TEXT]
    widths = [full for full, _ in scaled]
    room = pdf.content_width - sum(widths[i] for i in range(len(columns)) if i not in text)
    shared = _shared(room, [scaled[i][0] for i in text], [scaled[i][1] for i in text], [columns[i].width for i in text])
    for i, width in zip(text, shared):
        widths[i] = width
    return widths, size


def _measured(pdf: Frame, columns: Sequence[Column], body, total_rows) -> Tuple[List[float], List[float]]:
    """Per column, at TABLE_SIZE: its widest line, and the least it can take: its header and its
    totals (which never wrap) and, for a column that never wraps, its widest line; for a text
    column, its longest word."""
    pdf.style(TABLE_SIZE - 0.5, bold=True)
    widest = [pdf.text_width(column.header) for column in columns]
    least = list(widest)
    for rows, bold in ((body, False), (total_rows, True)):
        pdf.style(TABLE_SIZE, bold=bold)
        for row in rows:
            for i, cell in enumerate(row):
                for line in cell.split("\n") if cell else ():
                    width = pdf.text_width(line)
                    widest[i] = max(widest[i], width)
                    if width > least[i]:
                        least[i] = width if bold or columns[i].kind != TEXT else max(
                            least[i], *(pdf.text_width(word) for word in line.split()))
    return widest, least


def _shared(room: float, needed: Sequence[float], least: Sequence[float], weights: Sequence[int]) -> List[float]:
    """`room` across text columns. Each gets its `least`; then, smallest shortfall first, what its
    widest line `needed`, while the room lasts (so that as few columns as possible wrap); the
    room left is shared by `weights` among the columns still short, or among all if none is."""
    widths = list(least)
    room -= sum(least)
    short = sorted((i for i in range(len(needed)) if needed[i] > least[i]), key=lambda i: needed[i] - least[i])
    while short and needed[short[0]] - widths[short[0]] <= room:
        i = short.pop(0)
        room -= needed[i] - widths[i]
        widths[i] = needed[i]
    sharing = short or range(len(needed))
    weight = sum(weights[i] for i in sharing)
    for i in sharing:
        widths[i] += max(room, 0) * weights[i] / weight
    return widths


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
