"""Clear Books: the sales invoice import file (Tools > Import > Sales invoices).

Spec: Clear Books support, "How to import sales invoices" and "How to import
multi-currency invoices" (the fields its import maps); tests/fixtures/accounting/clearbooks.json.

Clear Books maps the file's columns to its fields on import, and keeps that
mapping for the next file. What it needs, from its support articles "How to
import sales invoices" and "How to import multi-currency invoices"
(support.clearbooks.co.uk, articles 33000203084 and 33000203177): one row per
line with the same Invoice number, Customer name and Invoice date on each row of
an invoice; Line description; Line unit price or Line net price; Line VAT rate
or Line VAT amount; and, for an invoice in another currency, its Currency code
with the amounts converted into the home currency in the Multi-currency columns
(net price and VAT amount). Those names are our headers; the rest (Due date,
Reference, Line quantity, Line account code) are fields of its invoice form.

- Line quantity x Line unit price is the line's net to the penny (a discounted
  or tax-inclusive line that cannot be written so goes out as one unit at its
  net); Line net price is the net itself, so either can be mapped.
- Line VAT amount is our VAT (map it rather than the rate, and Clear Books keeps
  our VAT); Line VAT rate is the tenant's Clear Books rate ("0.2" for 20%, as
  Clear Books' own API writes it).
- Text goes out exactly as it is (csv_file.py).
- Credit notes are written as negative invoices with their own number, the
  invoice they correct as Reference and no due date.
- Multi-currency amounts use the document's exchange rate: net converted line by
  line, and VAT such that each rate's lines add up to the document's VAT in the
  base currency (HMRC 16.3), the rounding left on a rate's last line.
"""
from decimal import Decimal
from typing import Any, Dict, Iterable, Iterator, List, Optional, TextIO, Tuple

from ...domain.money import round_money
from .csv_file import text, write_csv
from .documents import (Document, amount_text, customer_name, exportable, is_credit_note, money, plain_number,
                        price_text, priced_as, uk_date)
from .mapping import Codes, codes_for, rate_key

HEADER = ["Invoice number", "Invoice date", "Due date", "Customer name", "Reference", "Line description",
          "Line quantity", "Line unit price", "Line net price", "Line VAT rate", "Line VAT amount",
          "Line account code", "Currency code", "Multi-currency net price", "Multi-currency VAT amount"]


def write(documents: Iterable[Document], mapping: Dict[str, Any], out: TextIO) -> None:
    codes = codes_for(mapping, "clearbooks")
    write_csv(out, HEADER, (row for document in exportable(documents) for row in _rows(document, codes)))


def _rows(document: Document, codes: Codes) -> Iterator[List[str]]:
    credit = is_credit_note(document)
    sign = -1 if credit else 1
    currency = document["currency"]
    head = [
        text(document["number"]), uk_date(document["issue_date"]),
        "" if credit else uk_date(document.get("due_date")), text(customer_name(document)),
        text(document.get("invoice_number") if credit else document.get("reference")),
    ]
    converted = _in_base_currency(document)
    for index, line in enumerate(document["lines"]):
        priced = priced_as(line, document)
        base = ["", ""] if converted is None else [
            amount_text(sign * amount, document["base_currency"]) for amount in converted[index]]
        yield head + [
            text(line.get("description")),
            plain_number(priced.quantity),
            price_text(sign * priced.unit_amount, currency),
            amount_text(sign * money(line, "net"), currency),
            text(codes.tax_code(line["vat_category"], line["vat_rate"])),
            amount_text(sign * money(line, "vat"), currency),
            text(codes.account(line.get("product_id"))),
            currency,
            *base,
        ]


def _in_base_currency(document: Document) -> Optional[List[Tuple[Decimal, Decimal]]]:
    """(net, VAT) of each line in the tenant's base currency, or None for a document in it."""
    if not document.get("exchange_rate"):
        return None
    rate, base, lines = Decimal(document["exchange_rate"]), document["base_currency"], document["lines"]
    vat_left = {rate_key(key): Decimal(value) for key, value in document["vat_in_base_currency"].items()}
    # A reverse-charged line may state its customer's rate, but charges no VAT to share out.
    charging = [line["vat_category"] != "reverse_charge" for line in lines]
    last_line_of = {rate_key(line["vat_rate"]): index for index, line in enumerate(lines) if charging[index]}
    amounts = []
    for index, line in enumerate(lines):
        key = rate_key(line["vat_rate"])
        if not charging[index]:
            vat = Decimal(0)
        else:
            vat = vat_left[key] if last_line_of[key] == index else round_money(money(line, "vat") * rate, base)
        vat_left[key] -= vat
        amounts.append((round_money(money(line, "net") * rate, base), vat))
    return amounts
