"""QuickBooks Online (UK): the invoice import file and the credit note import file.

Spec: Intuit QuickBooks Online help, "Import invoices" (the column headers it maps
by itself, listed in Intuit's community answer "Do we need to map fields every
time when importing invoices") and "Import credit notes"; VAT codes from "VAT
codes in QuickBooks Online"; tests/fixtures/accounting/quickbooks.json.

QuickBooks imports invoices and credit notes with two tools of their own (gear >
Import data > Invoices, and > Credit notes), each from its own CSV, and neither
takes the other's documents: an invoice cannot have a negative total. So there
are two formats: `write_invoices` puts the invoices of the export in one file,
`write_credit_notes` the credit notes in another, with positive amounts.

Columns: the headers QuickBooks maps by itself on import (Intuit community answer
"Do we need to map fields every time when importing invoices": Invoice number,
Customer, Invoice date, Due date, Terms, Item (Product/Service), Item
Description, Item Quantity, Item Rate, Item Amount, Item tax code, Memo), spelled
as in its sample file (InvoiceNo, Customer, InvoiceDate, DueDate, Terms,
Location, Memo, Item(Product/Service), ItemDescription, ItemQuantity, ItemRate,
ItemAmount, ItemTaxCode, ItemTaxAmount, Currency). The credit note file has the
same line columns after CreditNoteNo, Customer, CreditNoteDate and Memo; its
tool asks for the mapping and the date format (Intuit "How to import credit
notes").

- Dates DD/MM/YYYY: choose that format on import. Amounts are VAT exclusive:
  choose "Exclusive" as the VAT option.
- ItemAmount is the line's net and ItemQuantity x ItemRate equals it exactly
  (QuickBooks' own API refuses a line whose amount is not quantity x rate);
  QuickBooks has no line discount, so a discounted line goes out at its net
  (documents.priced_as).
- ItemTaxCode is the VAT code's name ("20.0% S"), ItemTaxAmount our VAT: the
  import's tax amount field, which keeps our VAT where QuickBooks' own per-line
  calculation could differ by a penny. Mapped by hand if the import does not
  offer it by itself; left unmapped, QuickBooks computes the VAT from the codes.
- Text goes out exactly as it is (csv_file.py).
- Item(Product/Service) is the tenant's product or service in QuickBooks that
  books the sale to an income account ("Sales" by default).
- QuickBooks numbers (DocNumber) hold 21 characters: longer numbers are cut by it.
"""
from typing import Any, Dict, Iterable, List, TextIO

from .csv_file import text, write_csv
from .documents import (Document, amount_text, customer_name, exportable, is_credit_note, money, plain_number,
                        price_text, priced_as, uk_date)
from .mapping import Codes, codes_for

LINE_COLUMNS = ["Item(Product/Service)", "ItemDescription", "ItemQuantity", "ItemRate", "ItemAmount",
                "ItemTaxCode", "ItemTaxAmount", "Currency"]
INVOICE_HEADER = ["InvoiceNo", "Customer", "InvoiceDate", "DueDate", "Terms", "Location", "Memo", *LINE_COLUMNS]
CREDIT_NOTE_HEADER = ["CreditNoteNo", "Customer", "CreditNoteDate", "Memo", *LINE_COLUMNS]


def write_invoices(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    codes = codes_for(mapping, "quickbooks")
    rows = (_invoice_head(document) + line_cells
            for document in exportable(documents) if not is_credit_note(document)
            for line_cells in _lines(document, codes))
    write_csv(out, INVOICE_HEADER, rows)


def write_credit_notes(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    codes = codes_for(mapping, "quickbooks")
    rows = (_credit_note_head(document) + line_cells
            for document in exportable(documents) if is_credit_note(document)
            for line_cells in _lines(document, codes))
    write_csv(out, CREDIT_NOTE_HEADER, rows)


def _invoice_head(document: Document) -> List[str]:
    return [text(document["number"]), text(customer_name(document)), uk_date(document["issue_date"]),
            uk_date(document.get("due_date")), "", "", text(document.get("reference"))]


def _credit_note_head(document: Document) -> List[str]:
    memo = " ".join(filter(None, [document.get("invoice_number"), document.get("reason")]))
    return [text(document["number"]), text(customer_name(document)), uk_date(document["issue_date"]),
            text(memo)]


def _lines(document: Document, codes: Codes) -> Iterable[List[str]]:
    currency = document["currency"]
    for line in document["lines"]:
        priced = priced_as(line, document)
        yield [
            text(codes.account(line.get("product_id"))),
            text(line.get("description")),
            plain_number(priced.quantity),
            price_text(priced.unit_amount, currency),
            amount_text(money(line, "net"), currency),
            text(codes.tax_code(line["vat_category"], line["vat_rate"])),
            amount_text(money(line, "vat"), currency),
            currency,
        ]
