"""Xero Accounting API bodies: a sales invoice (Type ACCREC) or credit note (ACCRECCREDIT).

Fields as Xero's OpenAPI document declares them (github XeroAPI/Xero-OpenAPI,
xero_accounting.yaml, components Invoice, CreditNote, LineItem, Contact; a copy is
in tests/fixtures/xero/ and the push tests validate every body against it):

- Status AUTHORISED: our documents are issued, with their number, so Xero takes
  our InvoiceNumber / CreditNoteNumber instead of its own sequence.
- LineAmountTypes Exclusive. Quantity x UnitAmount (less DiscountAmount, which
  Xero supports on sales invoices only) equals LineAmount, our net; UnitAmount
  may have 4 decimals (the push asks for unitdp=4). TaxAmount is our VAT, which
  overrides Xero's calculation. TaxType is the API code (OUTPUT2, ...).
- A document in another currency than the tenant's carries its CurrencyCode and
  our exchange rate as Xero writes rates (units of the document's currency per
  unit of the base currency, 6 decimals).
- The contact is found (or created) by name, as Xero does for a Contact with a
  Name and no ContactID.
"""
from typing import Any, Dict, Tuple

from .documents import (AMOUNT, Document, customer_email, customer_name, foreign_per_base, is_credit_note, money,
                        priced_as)
from .mapping import Codes

INVOICES, CREDIT_NOTES = "Invoices", "CreditNotes"  # the endpoints, and the keys of their bodies
UNIT_PLACES = 4


def xero_body(document: Document, codes: Codes) -> Tuple[str, Dict[str, Any]]:
    """The endpoint the document goes to, and its element of that endpoint's list."""
    credit = is_credit_note(document)
    body: Dict[str, Any] = {
        "Type": "ACCRECCREDIT" if credit else "ACCREC",
        "Contact": _contact(document),
        "Date": document["issue_date"],
        "Status": "AUTHORISED",
        "LineAmountTypes": "Exclusive",
        "CurrencyCode": document["currency"],
        "LineItems": [_line_item(line, document, codes, credit) for line in document["lines"]],
    }
    rate = foreign_per_base(document)
    if rate is not None:
        body["CurrencyRate"] = rate
    if credit:
        body.update(CreditNoteNumber=document["number"], Reference=document.get("invoice_number") or "")
        return CREDIT_NOTES, body
    body.update(InvoiceNumber=document["number"], DueDate=document["due_date"])
    if document.get("reference"):
        body["Reference"] = document["reference"]
    return INVOICES, body


def _contact(document: Document) -> Dict[str, str]:
    contact = {"Name": customer_name(document)}
    if customer_email(document):
        contact["EmailAddress"] = customer_email(document)
    return contact


def _line_item(line: Dict[str, Any], document: Document, codes: Codes, credit: bool) -> Dict[str, Any]:
    priced = priced_as(line, document, None if credit else AMOUNT, UNIT_PLACES)
    item: Dict[str, Any] = {
        "Description": line.get("description") or "-",
        "Quantity": priced.quantity,
        "UnitAmount": priced.unit_amount,
        "LineAmount": money(line, "net"),
        "TaxType": codes.tax_code(line["vat_category"], line["vat_rate"]),
        "TaxAmount": money(line, "vat"),
    }
    account = codes.account(line.get("product_id"))
    if account:
        item["AccountCode"] = account
    if priced.discount is not None:
        item["DiscountAmount"] = priced.discount
    return item
