"""Accounting exports of invoices and credit notes: one module per system.

Every format is a pure, streaming writer `write(documents, mapping, out)`:
`documents` an iterable of presented invoices and credit notes (with lines),
`mapping` the tenant's codes in that system (mapping.py; None for the
defaults), `out` a text stream (CSV: open it with newline=""), or a binary file
for a workbook (Sage 50's XLSX). Drafts and void documents are left out
(documents.py). `ExportFormat.write_file` writes the file as handed out: in the
system's encoding (Sage 50's CSV: Windows-1252), split into several files in a
ZIP where the system imports only so many a file (Xero: 500).
QuickBooks imports credit notes with a tool and a file of their own, hence its
two formats. The Xero API push is chalicelib/services/xero_push.py.
"""
from typing import Any, BinaryIO, Callable, Dict, Iterable, NamedTuple, Optional, TextIO, Union

from . import clearbooks, freshbooks, quickbooks, sage50, sage50_xlsx, xero
from .files import Packed, write_file

Writer = Callable[[Iterable[Dict[str, Any]], Optional[Dict[str, Any]], Union[TextIO, BinaryIO]], None]
CSV = "text/csv; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ExportFormat(NamedTuple):
    extension: str
    content_type: str
    write: Writer  # one file, to a text stream (or a binary file where encoding is None)
    encoding: Optional[str] = "utf-8"
    per_file: Optional[int] = None  # at most this many documents a file (several go out in a ZIP)

    def write_file(self, name: str, documents: Iterable[Dict[str, Any]], mapping: Optional[Dict[str, Any]],
                   out: BinaryIO) -> Packed:
        return write_file(self.write, documents, mapping, out, name, self.extension, self.content_type,
                          self.encoding, self.per_file)


FORMATS: Dict[str, ExportFormat] = {
    "xero": ExportFormat("csv", CSV, xero.write, per_file=xero.MAX_INVOICES_PER_FILE),
    "quickbooks": ExportFormat("csv", CSV, quickbooks.write_invoices),
    "quickbooks_credit_notes": ExportFormat("csv", CSV, quickbooks.write_credit_notes),
    "sage50": ExportFormat("csv", "text/csv; charset=windows-1252", sage50.write, encoding=sage50.ENCODING),
    "sage50_xlsx": ExportFormat("xlsx", XLSX, sage50_xlsx.write, encoding=None),
    "clearbooks": ExportFormat("csv", CSV, clearbooks.write),
    "freshbooks": ExportFormat("json", "application/json", freshbooks.write),
}
