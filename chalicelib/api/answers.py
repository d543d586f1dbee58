"""Schemas of answers that hold more than their request: what the server computes for them."""
from decimal import Decimal

from .schema import Amount, Array, Object

_COMPUTED_LINE_FIELDS = {
    "discount_amount": "The discount taken off the line, in the document's currency",
    "net": "The line's net amount",
    "vat": "The line's VAT (its share of the invoice's VAT where VAT is rounded per invoice)",
    "gross": "Net plus VAT",
    "reverse_charge_vat": "Reverse charge with a stated rate: the VAT the customer accounts for (not payable)",
}


def priced(body: Object, with_lines: bool = True) -> Object:
    """A document as answered: its request's fields, each line with the amounts priced from it.
    Lists leave the lines out unless asked to include them (`with_lines` False)."""
    lines = body.fields["lines"]
    line = Object({**lines.item.fields, **{
        name: Amount(minimum=-Decimal("999999999999"), places=4, description=text)
        for name, text in _COMPUTED_LINE_FIELDS.items()}}, description=lines.item.description)
    answered_lines = Array(line, min_items=lines.min_items, max_items=lines.max_items, required=with_lines)
    return Object({**body.fields, "lines": answered_lines}, description=body.description)
