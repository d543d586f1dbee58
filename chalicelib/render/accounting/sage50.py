"""Sage 50 Accounts (UK): the audit trail transactions import file (File > Import).

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
- Encoding Windows-1252: Sage 50 Accounts is a Windows program that reads an
  import file in the ANSI code page (Windows-1252 on UK systems), so a UTF-8
  "Müller" arrives as "MÃ¼ller". Characters that code page lacks (Arabic, CJK,
  emoji) are written as "?": Sage could not hold them either. Sage's own import
  articles name no encoding; the code page is what its Windows import reads.
- Text a spreadsheet would read as a formula gets a leading space, which Sage's
  import drops ("any spaces at the start or end of a data unit are ignored",
  Sage's CSV import rules), so the data arrives as it was (csv_file.py).
"""
from typing import Any, Dict, Iterable, Iterator, List, TextIO, Tuple

from .csv_file import space_defused, write_csv
from .documents import Document, amount_text, exportable, foreign_per_base, is_credit_note, money, uk_date
from .mapping import Codes, codes_for

ENCODING = "cp1252"
HEADER = ["Type", "Account Reference", "Nominal A/C Ref", "Department Code", "Date", "Reference", "Details",
          "Net Amount", "Tax Code", "Tax Amount", "Exchange Rate", "Extra Reference", "User Name"]
DEFAULT_DEPARTMENT = "0"
REFERENCE_LENGTH, DETAILS_LENGTH, ACCOUNT_LENGTH = 30, 60, 8


def write(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    codes = codes_for(mapping, "sage50")
    write_csv(out, HEADER, (row for document in exportable(documents) for row in _rows(document, codes)))


def _rows(document: Document, codes: Codes) -> Iterator[List[str]]:
    credit = is_credit_note(document)
    currency = document["currency"]
    rate = foreign_per_base(document)
    extra = document.get("invoice_number") if credit else document.get("reference")
    for (nominal, tax_code), lines in _splits(document, codes).items():
        yield [
            "SC" if credit else "SI",
            _clipped(codes.customer_ref(document["customer_id"]) or document["customer_id"][-ACCOUNT_LENGTH:].upper(),
                     ACCOUNT_LENGTH),
            space_defused(nominal),
            DEFAULT_DEPARTMENT,
            uk_date(document["issue_date"]),
            _clipped(document["number"], REFERENCE_LENGTH),
            _clipped("; ".join(filter(None, (line.get("description") for line in lines))), DETAILS_LENGTH),
            amount_text(sum(money(line, "net") for line in lines), currency),
            space_defused(tax_code),
            amount_text(sum(money(line, "vat") for line in lines), currency),
            "" if rate is None else str(rate),
            _clipped(extra, REFERENCE_LENGTH),
            "",
        ]


def _splits(document: Document, codes: Codes) -> Dict[Tuple[str, str], List[Dict[str, Any]]]:
    """The document's lines by nominal account and tax code, in the order they first appear."""
    splits: Dict[Tuple[str, str], List[Dict[str, Any]]] = {}
    for line in document["lines"]:
        key = (codes.account(line.get("product_id")), codes.tax_code(line["vat_category"], line["vat_rate"]))
        splits.setdefault(key, []).append(line)
    return splits


def _clipped(text: Any, length: int) -> str:
    return space_defused(text)[:length]
