"""Files that hold invoices and credit notes together, as other systems write them: Sage 50's
audit trail (Type SI and SC), Xero's and Clear Books' files (a credit note is a document with
negative amounts). An invoices upload takes the invoices and skips the credit notes, saying so; a
credit notes upload the other way round. A credit note's amounts become positive, as ours are.
"""
from decimal import Decimal
from typing import Any, Dict, List, Optional, Tuple

from ..domain.uploads import CREDIT_NOTES, INVOICES
from .kinds import LAYOUT_NAMES, OURS, XERO, ColumnMap
from .vendor_layouts import CLEARBOOKS, SAGE_TYPES

NEGATIVE_CREDITS = (XERO, CLEARBOOKS)  # layouts whose credit notes are documents with negative amounts


class Skip(Exception):
    """The document is of the other kind (its layout says so): skipped, with the reason, not refused."""


def sort_out(kind: str, columns: ColumnMap, body: Dict[str, Any],
             values: List[Dict[str, Any]]) -> Optional[Tuple[Optional[str], str]]:
    """Where a layout holds invoices and credit notes in one file: skip (Skip) the other kind's documents;
    a credit note's amounts as positive ones; the invoice a QuickBooks credit note names in its memo; a
    reason where the file has none. Returns the column and the problem of a Sage type neither kind has."""
    problem = None
    other = CREDIT_NOTES if kind == INVOICES else INVOICES
    again = f": upload the file as {other} too"
    if "document_type" in body:  # Sage's Type
        code = body.pop("document_type").strip().upper()
        wanted = "SI" if kind == INVOICES else "SC"
        if code in ("SI", "SC") and code != wanted:
            raise Skip(f"{SAGE_TYPES[code]} ({code}){again}")
        if code != wanted:
            meaning = SAGE_TYPES.get(code, "not a Sage transaction type")
            problem = (columns.header_of("document_type"),
                       f"is {meaning}: an {kind.replace('_', ' ')} upload takes {wanted} rows")
    elif columns.layout in NEGATIVE_CREDITS:
        negative = _net(values) < 0
        if negative != (kind == CREDIT_NOTES):
            raise Skip(("a credit note (negative amounts)" if negative else "an invoice (positive amounts)") + again)
        for row in values if negative else ():
            for target in ("lines.unit_price", "lines.vat_amount"):
                if target in row:
                    row[target] = str(-Decimal(row[target]))
    if kind == CREDIT_NOTES and "memo" in body:
        body["invoice"], _, reason = body.pop("memo").partition(" ")
        if reason.strip():
            body["reason"] = reason.strip()
    if kind == CREDIT_NOTES and columns.layout != OURS and not body.get("reason"):
        body["reason"] = f"As in the {LAYOUT_NAMES[columns.layout]} file, which names no reason"
    return problem


def _net(values: List[Dict[str, Any]]) -> Decimal:
    return sum(Decimal(row.get("lines.quantity", 0)) * Decimal(row.get("lines.unit_price", 0)) for row in values)
