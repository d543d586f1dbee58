"""FreshBooks: request bodies for its API, as one JSON array.

Spec: FreshBooks API reference, "Invoices" (Create an Invoice; invoice lines) and
"Credits" (Create Credit Note or Prepayment; Credit Lines), freshbooks.com/api;
the body's wrapper is the resource's single name in FreshBooks' own SDK
(freshbooks-python-sdk, freshbooks/client.py: invoices "invoice", credit_notes
"credit_note"; AccountingResource.create posts {single_name: data});
tests/fixtures/accounting/freshbooks.json.

Each element is the body of one create call: {"invoice": {...}} for
POST /accounting/account/<accountid>/invoices/invoices, {"credit_note": {...}}
for POST /accounting/account/<accountid>/credit_notes/credit_notes. Fields as
FreshBooks documents them (freshbooks.com/api/invoices, freshbooks.com/api/credits):
customerid / clientid (the tenant maps our customer ids to FreshBooks client ids;
an unmapped customer leaves it out, to be resolved by the organization name
before posting), create_date YYYY-MM-DD, due_offset_days, currency_code,
invoice_number / credit_number, and lines of name, qty, unit_cost {amount,
code}, taxName1 and taxAmount1.

- taxAmount1 is a percentage ("20"), not money: FreshBooks works out the VAT
  itself from each line's amount. The nets here are exact (qty x unit_cost is the
  line's net; FreshBooks has no line discount and two-decimal unit costs, so a
  line that cannot be written that way goes out as one unit at its net), but
  FreshBooks' VAT can differ by a penny from ours where our VAT was rounded per
  invoice; its API takes no VAT amount to override that.
- Lines without VAT (zero-rated, exempt, reverse charge, outside scope) carry no
  tax unless the tenant names one for them.
- A credit note is a "goodwill" credit whose notes name the invoice it corrects;
  its lines carry only the fields of FreshBooks' Credit Lines (no line "type").
- Text goes out as it is: this is an API payload, not a spreadsheet.
"""
from datetime import date
from typing import Any, Dict, Iterable, List, TextIO

from ...domain.currencies import minor_units
from . import exact_json
from .documents import (Document, customer_name, exportable, is_credit_note, money, plain_number, price_text,
                        priced_as)
from .mapping import Codes, codes_for


def write(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    codes = codes_for(mapping, "freshbooks")
    out.write("[")
    separator = "\n"
    for document in exportable(documents):
        out.write(separator + exact_json.dumps(payload(document, codes)))
        separator = ",\n"
    out.write("\n]\n" if separator == ",\n" else "]\n")


def payload(document: Document, codes: Codes) -> Dict[str, Any]:
    client = codes.customer_ref(document["customer_id"])
    credit = is_credit_note(document)
    common: Dict[str, Any] = {
        "create_date": document["issue_date"],
        "currency_code": document["currency"],
        "lines": _credit_lines(document, codes) if credit else _lines(document, codes),
    }
    if credit:
        if client:
            common["clientid"] = int(client)
        notes = " ".join(filter(None, [f"Credit for {document.get('invoice_number')}.", document.get("reason")]))
        return {"credit_note": {"credit_number": document["number"], "credit_type": "goodwill",
                                "notes": notes, **common}}
    if client:
        common["customerid"] = int(client)
    due_in = date.fromisoformat(document["due_date"]) - date.fromisoformat(document["issue_date"])
    invoice = {"invoice_number": document["number"], "organization": customer_name(document),
               "due_offset_days": due_in.days, **common}
    if document.get("reference"):
        invoice["po_number"] = document["reference"]
    return {"invoice": invoice}


def _lines(document: Document, codes: Codes) -> List[Dict[str, Any]]:
    currency = document["currency"]
    lines = []
    for line in document["lines"]:
        priced = priced_as(line, document, places=minor_units(currency))
        entry: Dict[str, Any] = {
            "type": 0,
            "name": line.get("description", ""),
            "qty": priced.quantity,
            "unit_cost": {"amount": price_text(priced.unit_amount, currency), "code": currency},
        }
        tax_name = codes.tax_code(line["vat_category"], line["vat_rate"])
        if tax_name:
            entry.update(taxName1=tax_name, taxAmount1=plain_number(money(line, "vat_rate")))
        lines.append(entry)
    return lines


def _credit_lines(document: Document, codes: Codes) -> List[Dict[str, Any]]:
    """Credit Lines have no "type" (invoice lines do: 0 is a normal line)."""
    return [{name: value for name, value in line.items() if name != "type"} for line in _lines(document, codes)]
