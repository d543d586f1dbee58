"""The CSV files of the accounting exports: RFC 4180 records (CRLF, quoted only where needed).

`out` is a text stream, opened with encoding="utf-8" and newline="" as the csv
module asks. No byte order mark: the import wizards of these systems find their
columns by header name, and a mark would cling to the first one. Rows are
written as they are produced, so a large export is never held in memory.
"""
import csv
from typing import Iterable, Sequence, TextIO


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
