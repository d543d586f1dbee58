"""Accounting exports of invoices and credit notes: one module per system.

Every format is a pure, streaming writer `write(documents, mapping, out)`:
`documents` an iterable of presented invoices and credit notes (with lines),
`mapping` the tenant's codes in that system (mapping.py; None for the
defaults), `out` a text stream (CSV: open it with encoding="utf-8",
newline=""). Drafts and void documents are left out (documents.py).
QuickBooks imports credit notes with a tool and a file of their own, hence its
two formats. The Xero API push is chalicelib/services/xero_push.py.
"""
from typing import Any, Callable, Dict, Iterable, NamedTuple, Optional, TextIO

from . import clearbooks, freshbooks, quickbooks, sage50, xero

Writer = Callable[[Iterable[Dict[str, Any]], Optional[Dict[str, Any]], TextIO], None]
CSV = "text/csv; charset=utf-8"


class ExportFormat(NamedTuple):
    extension: str
    content_type: str
    write: Writer


FORMATS: Dict[str, ExportFormat] = {
    "xero": ExportFormat("csv", CSV, xero.write),
    "quickbooks": ExportFormat("csv", CSV, quickbooks.write_invoices),
    "quickbooks_credit_notes": ExportFormat("csv", CSV, quickbooks.write_credit_notes),
    "sage50": ExportFormat("csv", CSV, sage50.write),
    "clearbooks": ExportFormat("csv", CSV, clearbooks.write),
    "freshbooks": ExportFormat("json", "application/json", freshbooks.write),
}
