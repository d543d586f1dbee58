"""Other systems' columns our customers and products hold otherwise: a person's first and last
name as the contact name; up to five address lines as our two; a record named by its company,
person or code where the system needs no name; a product's tax code as its VAT category and rate
(the tenant's tax codes for that system, read in reverse; a code they do not give is the row's
reason). Pure: the lookups come in.
"""
from typing import Any, Callable, Dict, Optional, Tuple

from ..domain.uploads import CUSTOMERS, PRODUCTS
from .cells import CellError
from .record_layouts import TAX_CODE_DEFAULTS

_LINES = ("line0", "line1", "line2", "line3", "line4")


def customer_parts(body: Dict[str, Any]) -> None:
    """A person's name, address lines in order (blank ones left out: the first is our line1, the
    rest share line2), and, where the file has no name, the company's or the person's."""
    person = body.pop("person", None)
    if person and "contact_name" not in body:
        body["contact_name"] = " ".join(filter(None, (person.get("first"), person.get("last"))))
    for parts in (body.get("billing_address"), body.get("shipping_address")):
        lines = [parts.pop(key) for key in _LINES if key in parts] if parts else []
        if lines:
            parts["line1"] = lines[0]
            if lines[1:]:
                parts["line2"] = ", ".join(lines[1:])
    named = body.get("company") or body.get("contact_name")
    if "name" not in body and named:
        body["name"] = named


def record_parts(kind: str, layout: str, body: Dict[str, Any], tax_code: Callable[[str, str], Tuple[str, str]],
                 problem: Callable[[str, str], None]) -> None:
    """Shape a customer's or product's body; `problem(target, message)` takes a cell's refusal."""
    if kind == CUSTOMERS:
        customer_parts(body)
    if kind != PRODUCTS:
        return
    if "name" not in body and body.get("code"):
        body["name"] = body["code"]  # Xero and Sage name an item by its code
    code: Optional[str] = body.pop("tax_code", None) or TAX_CODE_DEFAULTS.get(layout)
    if code is None:
        return
    try:
        body["vat_category"], body["vat_rate"] = tax_code(layout, code)
    except CellError as error:
        problem("tax_code", str(error))

