"""Sage 50 Accounts (UK): the audit trail transactions import file (File > Import), as CSV
(this module) or as an Excel workbook (sage50_xlsx.py), with the same columns and rows.

Spec: Sage's "Audit Trail Transaction" import template, its fields in the order
Making I.T. Happen's "Standard Sage 50 Imports - Audit Trail Records" lists them;
tax codes from the Sage UK knowledge base, "UK - Default tax codes" and "Which tax
code to use for the sale of goods or services under CIS Domestic Reverse Charge"
(gb-kb.sage.com 210713131800530: T21 at the standard rate, T26 at the reduced
rate; T20 is EU reverse charge); tests/fixtures/accounting/sage50.json.

Columns as Sage's import names them (Audit Trail Transaction template): Type,
Account Reference, Nominal A/C Ref, Department Code, Date, Reference, Details,
Net Amount, Tax Code, Tax Amount, Exchange Rate, Extra Reference, User Name.
Sources: Making I.T. Happen, "Standard Sage 50 Imports - Audit Trail Records"
(makingithappen.co.uk/CI/std/audittrans.htm: the fields in this order, types SI
sales invoice and SC sales credit); excel2sage "Audit Trail" (field lengths:
Reference and Extra Reference 30, Details 60, tax code T0-T99); the Sage UK
knowledge base on what Sage 50 imports (gb-kb.sage.com, article 200427112357427:
sales invoices and credits go in as SI and SC audit trail transactions, not into
the Invoicing module).

- One row per nominal code and tax code of a document, not per line: a row is
  one split, net plus VAT on one nominal account at one tax code, and Sage's own
  import posts each row as a transaction of its own (Making I.T. Happen: its
  tool, "unlike the standard Sage import", groups rows into one transaction).
  So rows are as few as the document allows: its lines with the same account
  and VAT code share a row whose net and VAT are their sums, and whose Details
  lists their descriptions (cut at 60). One account and one VAT rate, the
  common case, is one row and one Sage transaction per document.
- SI for invoices and SC for credit notes, both with positive amounts.
- Account Reference is the customer's account in Sage (the tenant maps our
  customer ids to them); unmapped, the last 8 characters of our customer id.
- Exchange Rate, for a document in another currency than the tenant's, is Sage's
  way round: units of the document's currency per unit of the base currency.
- Extra Reference is the customer's reference (PO) of an invoice, or the number
  of the invoice a credit note corrects. Department 0 is Sage's default.
- Files: Sage's knowledge base article 200427112602335, "Import file format
  rules" (gb-kb.sage.com), takes import data "either in Microsoft Excel (*.xls or
  *.xlsx) files or Comma-separated (*.csv) files" (Excel files where a compatible
  Excel is installed). It names no encoding for CSV; Sage 50 is a Windows program
  that reads a CSV in the ANSI code page, Windows-1252 on UK systems (so a UTF-8
  "Müller" arrives as "MÃ¼ller"; SplitForge's "Fix Sage CSV Import Errors" guide
  says the same). The CSV is written in Windows-1252, and a text that code page
  cannot hold (Polish "Łódź", Greek, Arabic, CJK, emoji) is refused, naming the
  document and the column, never written as "?": the XLSX file carries any
  character, and is the format to use then.
- CSV text a spreadsheet would read as a formula gets a leading space, which
  Sage's import drops ("any spaces at the start or end of a data unit are
  ignored", Sage's CSV import rules), so the data arrives as it was (csv_file.py).
"""
from datetime import date
from typing import Any, Dict, Iterable, Iterator, List, NamedTuple, Optional, TextIO, Tuple

from ...domain.errors import Conflict
from .csv_file import space_defused, write_csv
from .documents import Document, amount_text, exportable, foreign_per_base, is_credit_note, money, uk_date
from .mapping import Codes, codes_for

ENCODING = "cp1252"
HEADER = ["Type", "Account Reference", "Nominal A/C Ref", "Department Code", "Date", "Reference", "Details",
          "Net Amount", "Tax Code", "Tax Amount", "Exchange Rate", "Extra Reference", "User Name"]
DEFAULT_DEPARTMENT = "0"
ACCOUNT_LENGTH = 8
LENGTHS = {"Account Reference": ACCOUNT_LENGTH, "Reference": 30, "Details": 60, "Extra Reference": 30}
DATE, AMOUNTS, RATE = "Date", ("Net Amount", "Tax Amount"), "Exchange Rate"


class Split(NamedTuple):
    """One row: the document it comes from, and its values in HEADER's order (text as it is, the
    date a date, amounts and the exchange rate exact decimals, the rate None where there is none)."""
    document: Document
    values: Tuple[Any, ...]


def write(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    """The CSV, for a text stream in ENCODING."""
    write_csv(out, HEADER, (_csv_row(split) for split in splits(documents, mapping)))


def splits(documents: Iterable[Document], mapping: Optional[Dict[str, Any]]) -> Iterator[Split]:
    codes = codes_for(mapping, "sage50")
    return (split for document in exportable(documents) for split in _splits(document, codes))


def _splits(document: Document, codes: Codes) -> Iterator[Split]:
    credit = is_credit_note(document)
    extra = document.get("invoice_number") if credit else document.get("reference")
    account = codes.customer_ref(document["customer_id"]) or document["customer_id"][-ACCOUNT_LENGTH:].upper()
    for (nominal, tax_code), lines in _by_account_and_code(document, codes).items():
        values = ("SC" if credit else "SI", account, nominal, DEFAULT_DEPARTMENT,
                  date.fromisoformat(document["issue_date"]), document["number"],
                  "; ".join(filter(None, (line.get("description") for line in lines))),
                  sum(money(line, "net") for line in lines), tax_code, sum(money(line, "vat") for line in lines),
                  foreign_per_base(document), extra or "", "")
        yield Split(document, tuple(_clipped(name, value) for name, value in zip(HEADER, values)))


def _by_account_and_code(document: Document, codes: Codes) -> Dict[Tuple[str, str], List[Dict[str, Any]]]:
    """The document's lines by nominal account and tax code, in the order they first appear."""
    found: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for line in document["lines"]:
        key = (codes.account(line.get("product_id")), codes.tax_code(line["vat_category"], line["vat_rate"]))
        found.setdefault(key, []).append(line)
    return found


def _clipped(column: str, value: Any) -> Any:
    return value[:LENGTHS[column]] if column in LENGTHS else value


def _csv_row(split: Split) -> List[str]:
    currency = split.document["currency"]
    row = []
    for column, value in zip(HEADER, split.values):
        if column == DATE:
            row.append(uk_date(value.isoformat()))
        elif column in AMOUNTS:
            row.append(amount_text(value, currency))
        elif column == RATE:
            row.append("" if value is None else str(value))
        else:
            row.append(_in_code_page(space_defused(value)[:LENGTHS.get(column)], column, split.document))
    return row


def _in_code_page(text: str, column: str, document: Document) -> str:
    """The text, if Windows-1252 holds every character of it; else a refusal naming where it is."""
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        lacking = "".join(dict.fromkeys(c for c in text if not c.encode(ENCODING, "ignore")))
        raise Conflict(
            f"{document['number']}: {column} \"{text}\" holds \"{lacking}\", which Windows-1252, the code page "
            "Sage 50 reads a CSV import in, lacks; export as sage50_xlsx, which carries every character",
            [("format", f"sage50 cannot carry {document['number']}'s {column}")]) from None
    return text

