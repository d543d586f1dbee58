"""Xero: the sales invoice import file (Invoices > Import), one row per line.

Spec: Xero Central, "Import invoices and bills", the sales invoice template
(SalesInvoiceTemplate.csv: its header row, in order) and the guide to its
columns; tests/fixtures/accounting/xero.json holds what the tests check.

The columns are those of the template Xero's import screen offers (a * marks the
ones it requires). Xero's guide to the template: contact name as in Xero (a new
name creates a contact), one invoice number on every row of an invoice, dates
DD/MM/YYYY in a UK organisation, TaxType the tax rate's display name ("20% (VAT
on Income)", not the API code), Discount a percentage, the whole file either tax
inclusive or tax exclusive (chosen on import), at most 500 invoices a file.
Sources: that guide as reproduced in online.flippingbook.com/view/399081/31/, the
template's column list in docs.milientsoftware.com (Moment, "Xero templates"),
and caltrix's Xero help "How to import sales invoice into Xero".

What we write:
- At most 500 invoices (and credit notes) a file, as the guide says: a larger
  export comes as one ZIP of files of 500 (files.py).
- Amounts are tax exclusive: pick "Tax exclusive" when importing.
- Quantity, UnitAmount and Discount are ours wherever Xero, which rounds each
  line amount to the penny, gets our net from them (37 x 0.4575 = 16.9275 is
  16.93). Where it cannot, the quantity is kept with the net over it as
  UnitAmount (4 decimals), and only where that fails too does a line go out as
  one unit at its net (documents.priced_as). That happens to: an amount
  discount (the file's Discount is a percentage), a tax-inclusive line (the file
  is tax exclusive), and a credit note's discounted line (Xero credit notes take
  no discount); each keeps its quantity unless no 4-decimal price gives the net.
- TaxAmount is our VAT for the line: Xero's tax amount override, so Xero keeps
  our VAT instead of its own calculation (which could differ by a penny where VAT
  is rounded per invoice or per rate).
- Text goes out exactly as it is (csv_file.py).
- Credit notes go in the same file with negative amounts: Xero imports a
  document of this file whose total is negative as a credit note (Workbench's
  Xero "Sales Import" guide: "Xero will automatically recognise credits as they
  are imported as negative values"). UnitAmount, TaxAmount and Total are
  negative, Quantity stays positive, the credit note's own number is the
  InvoiceNumber, its issue date both dates, and Reference names the invoice it
  corrects. Xero credit notes take no discount: discounted lines go at their net.
- Total is the document's gross (Xero recomputes it). InventoryItemCode,
  tracking and BrandingTheme stay empty: they must name things set up in Xero.
"""
from typing import Any, Dict, Iterable, Iterator, List, TextIO

from .csv_file import text, write_csv
from .documents import (PERCENT, Document, amount_text, billing_address, customer_email, customer_name,
                        exportable, is_credit_note, money, plain_number, price_text, priced_as, total, uk_date)
from .mapping import Codes, codes_for

MAX_INVOICES_PER_FILE = 500
HEADER = [
    "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4",
    "POCity", "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate",
    "*DueDate", "Total", "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount",
    "*AccountCode", "*TaxType", "TaxAmount", "TrackingName1", "TrackingOption1", "TrackingName2",
    "TrackingOption2", "Currency", "BrandingTheme",
]


def write(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    codes = codes_for(mapping, "xero")
    write_csv(out, HEADER, (row for document in exportable(documents) for row in _rows(document, codes)))


def _rows(document: Document, codes: Codes) -> Iterator[List[str]]:
    credit = is_credit_note(document)
    sign = -1 if credit else 1
    currency = document["currency"]
    head = _contact(document) + [
        text(document["number"]),
        text(document.get("invoice_number") if credit else document.get("reference")),
        uk_date(document["issue_date"]),
        uk_date(document["issue_date"] if credit else document.get("due_date")),
        amount_text(sign * total(document, "gross"), currency),
        "",
    ]
    for line in document["lines"]:
        priced = priced_as(line, document, None if credit else PERCENT, rounds_to=currency)
        yield head + [
            text(line.get("description")),
            plain_number(priced.quantity),
            price_text(sign * priced.unit_amount, currency),
            "" if priced.discount is None else plain_number(priced.discount),
            text(codes.account(line.get("product_id"))),
            text(codes.tax_code(line["vat_category"], line["vat_rate"])),
            amount_text(sign * money(line, "vat"), currency),
            "", "", "", "",
            currency,
            "",
        ]


def _contact(document: Document) -> List[str]:
    address = billing_address(document)
    return [text(value) for value in (
        customer_name(document), customer_email(document), address.get("line1"), address.get("line2"), None,
        None, address.get("city"), address.get("region"), address.get("postal_code"), address.get("country"))]
