"""What each kind of upload holds: its columns in our template, Xero's invoice layout, the
invoice layouts of QuickBooks Online, Sage 50 and Clear Books (vendor_layouts.py), and other
systems' customer and product lists (vendor_layouts.py, record_layouts.py).

A column has a target: where its value goes in the API-shaped body (`lines.`
targets go to the line of their row), or None for a column we accept and
ignore (Xero's account codes, totals we compute ourselves). Headers match
whatever their case, spaces, underscores and Xero's required-field stars.
"""
import csv
import io
import re
from typing import Dict, List, NamedTuple, Optional, Tuple

from ..domain.uploads import CREDIT_NOTES, CUSTOMERS, INVOICES, PRODUCTS, USAGE
from . import usage_layouts as usage
from . import record_layouts as records, vendor_layouts as vendors

OURS, XERO = "template", "xero"


class Column(NamedTuple):
    name: str
    target: Optional[str]
    cell: str = "text"  # a reader of cells.READERS
    required: bool = False
    examples: Tuple[str, ...] = ()  # the template's sample rows


class HeaderError(ValueError):
    """The header row cannot be read as this kind; the message says what to change."""


def _lines(*first: Column) -> Tuple[Column, ...]:
    return first + (
        Column("product_code", "lines.product_code", examples=("BK-M", "")),
        Column("description", "lines.description", examples=("", "Payroll set-up")),
        Column("quantity", "lines.quantity", "amount", required=True, examples=("2", "1")),
        Column("unit", "lines.unit", examples=("month", "")),
        Column("unit_price", "lines.unit_price", "amount", examples=("", "80.00")),
        Column("discount_percent", "lines.discount_percent", "amount"),
        Column("discount_amount", "lines.discount_amount", "amount"),
        Column("vat_category", "lines.vat_category", examples=("", "standard")),
        Column("vat_rate", "lines.vat_rate", "amount", examples=("", "20")),
    )


_STATUS = Column("status", "status", examples=("issued", "issued"))
_ISSUE_DATE = Column("issue_date", "issue_date", "date", examples=("31/03/2026", "31/03/2026"))
_DOCUMENT = (
    Column("currency", "currency", examples=("GBP", "GBP")),
    Column("exchange_rate", "exchange_rate", "amount"),
    Column("reference", "reference", examples=("PO-1234", "PO-1234")),
    Column("notes", "notes"),
    Column("prices_include_vat", "prices_include_vat", "boolean"),
)
_INVOICE = _lines(
    Column("number", "number", examples=("INV-0001", "INV-0001")),
    Column("customer", "customer", required=True, examples=("Bright Bakery", "Bright Bakery")),
    _STATUS, _ISSUE_DATE,
    Column("due_date", "due_date", "date", examples=("14/04/2026", "14/04/2026")),
    Column("payment_terms_days", "payment_terms_days", "integer"),
    *_DOCUMENT,
)
_CREDIT_NOTE = _lines(
    Column("number", "number", examples=("CN-0001", "CN-0001")),
    Column("invoice", "invoice", required=True, examples=("INV-0001", "INV-0001")),
    Column("reason", "reason", required=True, examples=("Returned goods", "Returned goods")),
    _STATUS, _ISSUE_DATE, *_DOCUMENT,
)


def _address(prefix: str) -> Tuple[Column, ...]:
    parts = ("line1", "line2", "city", "region", "postal_code", "country")
    samples = {"line1": "2 Mill Lane", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"}
    return tuple(Column(f"{prefix}_{part}", f"{prefix}_address.{part}",
                        examples=(samples.get(part, "") if prefix == "billing" else "",)) for part in parts)


_CUSTOMER = (
    Column("name", "name", required=True, examples=("Bright Bakery",)),
    Column("company", "company", examples=("Bright Bakery Ltd",)),
    Column("contact_name", "contact_name", examples=("Ann Baker",)),
    Column("emails", "emails", "list", examples=("accounts@bright.example",)),
    Column("phone", "phone", examples=("+44 113 000 0000",)),
    Column("vat_number", "vat_number", examples=("GB987654321",)),
    Column("currency", "currency", examples=("GBP",)),
    Column("payment_terms_days", "payment_terms_days", "integer", examples=("14",)),
    Column("notes", "notes"),
    *_address("billing"), *_address("shipping"),
)
_PRODUCT = (
    Column("name", "name", required=True, examples=("Bookkeeping",)),
    Column("code", "code", examples=("BK-M",)),
    Column("description", "description", examples=("Monthly bookkeeping",)),
    Column("unit", "unit", examples=("month",)),
    Column("unit_price", "unit_price", "amount", required=True, examples=("250.00",)),
    Column("currency", "currency", examples=("GBP",)),
    Column("vat_category", "vat_category", examples=("standard",)),
    Column("vat_rate", "vat_rate", "amount", examples=("20",)),
)
# Xero's sales invoice import template (UK); the starred columns are required there. Its contact
# columns (email, postal and street address) give the customer an upload creates for a new name.
_XERO_IGNORED = (
    "PlannedDate Total TaxTotal InvoiceAmountPaid InvoiceAmountDue LineAmount AccountCode "
    "TrackingName1 TrackingOption1 TrackingName2 TrackingOption2 BrandingTheme Type Sent Status")
_XERO_ADDRESS_PARTS = (("AddressLine1", "line1"), ("AddressLine2", "line2"), ("AddressLine3", "line3"),
                       ("AddressLine4", "line4"), ("City", "city"), ("Region", "region"),
                       ("PostalCode", "postal_code"), ("Country", "country"))


def _xero_address(prefix: str, address: str) -> Tuple[Column, ...]:
    return tuple(Column(prefix + part, f"contact.{address}.{field}", "country" if field == "country" else "text")
                 for part, field in _XERO_ADDRESS_PARTS)


_XERO_INVOICE = (
    Column("*ContactName", "customer", required=True),
    Column("EmailAddress", "contact.emails", "list"),
    *_xero_address("PO", "billing_address"), *_xero_address("SA", "shipping_address"),
    Column("*InvoiceNumber", "number", required=True),
    Column("Reference", "reference"),
    Column("*InvoiceDate", "issue_date", "date", required=True),
    Column("*DueDate", "due_date", "date"),
    Column("InventoryItemCode", "lines.product_code"),
    Column("*Description", "lines.description", required=True),
    Column("*Quantity", "lines.quantity", "amount", required=True),
    Column("*UnitAmount", "lines.unit_price", "amount", required=True),
    Column("Discount", "lines.discount_percent", "amount"),
    Column("*TaxType", "lines.tax_type", "tax_type"),
    Column("TaxAmount", "lines.vat_amount", "amount"),  # the VAT Xero charged: kept (vendor_layouts.py)
    Column("Currency", "currency"),
    *(Column(name, None) for name in _XERO_IGNORED.split()),
)
def _columns(spec: vendors.Spec) -> Tuple[Column, ...]:
    return tuple(Column(name, target, cell, required) for name, target, cell, required in spec)


def _crediting(columns: Tuple[Column, ...], invoice_from: str) -> Tuple[Column, ...]:
    """An invoice layout read for its credit notes: `invoice_from` names the invoice corrected, whose
    customer (and contact) the credit note takes; it has no due date."""
    def target(column: Column) -> Optional[str]:
        if column.name == invoice_from:
            return "invoice"
        ignored = column.target in ("customer", "due_date") or (column.target or "").startswith("contact.")
        return None if ignored else column.target

    return tuple(c._replace(target=target(c), required=c.required and target(c) is not None) for c in columns)


_VENDOR_INVOICES = {layout: _columns(spec) for layout, spec in vendors.INVOICE_SPECS.items()}
LAYOUTS: Dict[str, Dict[str, Tuple[Column, ...]]] = {
    INVOICES: {OURS: _INVOICE, XERO: _XERO_INVOICE, **_VENDOR_INVOICES},
    CREDIT_NOTES: {OURS: _CREDIT_NOTE, vendors.QUICKBOOKS: _columns(vendors.QUICKBOOKS_CREDIT_NOTE),
                   **{layout: _crediting({XERO: _XERO_INVOICE, **_VENDOR_INVOICES}[layout], column)
                      for layout, column in vendors.CREDITED_INVOICE.items()}},
    CUSTOMERS: {OURS: _CUSTOMER, XERO: _columns(vendors.XERO_CONTACTS),
                vendors.QUICKBOOKS: _columns(vendors.QUICKBOOKS_CUSTOMERS),
                **{layout: _columns(spec) for layout, spec in records.SPECS[CUSTOMERS].items()}},
    PRODUCTS: {OURS: _PRODUCT, **{layout: _columns(spec) for layout, spec in records.SPECS[PRODUCTS].items()}},
    USAGE: {OURS: tuple(Column(name, target, required=required, examples=(sample,))
                        for name, target, required, sample in usage.OURS_COLUMNS),
            usage.ASTERISK: tuple(Column(name, target, required=required)
                                  for name, target, required in usage.ASTERISK_COLUMNS)},
}


def normal(header: str) -> str:
    return re.sub(r"[\s_*]", "", header).lower()


class ColumnMap(NamedTuple):
    layout: str
    headers: List[str]  # as written in the file
    columns: List[Optional[Column]]  # per position; None for a blank header

    def header_of(self, target: str) -> Optional[str]:
        """The file's own header for a target, for messages."""
        return next((self.headers[i] for i, c in enumerate(self.columns) if c and c.target == target), None)


SIGNATURES = {XERO: frozenset({"contactname", "invoicenumber"}), **vendors.SIGNATURES, **usage.SIGNATURES}
LAYOUT_NAMES = {OURS: "template", XERO: "Xero layout", records.FRESHBOOKS: "FreshBooks layout",
                **{layout: f"{name} layout" for layout, name in {**vendors.NAMES, **usage.NAMES}.items()}}


# Each kind's own identifying headers, where they are not those of the invoice layouts.
_KIND_SIGNATURES = {
    CREDIT_NOTES: vendors.CREDIT_NOTE_SIGNATURES,
    CUSTOMERS: {XERO: vendors.XERO_CONTACTS_SIGNATURE, vendors.QUICKBOOKS: vendors.QUICKBOOKS_CUSTOMERS_SIGNATURE,
                **records.SIGNATURES[CUSTOMERS]},
    PRODUCTS: records.SIGNATURES[PRODUCTS],
}


def map_header(kind: str, headers: List[str]) -> ColumnMap:
    """Match a header row to one of the kind's layouts; HeaderError names what is wrong."""
    given = [normal(h) for h in headers]
    layout = _layout_of(kind, dict(zip(given, headers)))
    known = {normal(c.name): c for c in LAYOUTS[kind][layout]}
    problems = []
    repeated = sorted({h for h, n in zip(headers, given) if n and given.count(n) > 1})
    if repeated:
        problems.append("repeated column(s): " + ", ".join(repeated))
    unknown = [h for h, n in zip(headers, given) if n and n not in known]
    for header in unknown:
        import difflib  # only a refused header needs it

        guess = difflib.get_close_matches(normal(header), list(known), n=1, cutoff=0.6)
        other = next((name for other, name in LAYOUT_NAMES.items() if other not in (layout, OURS)
                      and other in LAYOUTS[kind] and normal(header) in map(normal, _names(kind, other))), None)
        hint = (f" (a column of the {other}: a file holds one layout)" if other
                else f" (did you mean {known[guess[0]].name}?)" if guess else "")
        problems.append(f"unknown column {header!r}{hint}")
    missing = [c.name for c in LAYOUTS[kind][layout] if c.required and normal(c.name) not in given]
    if missing:
        problems.append("missing required column(s): " + ", ".join(missing))
    if problems:
        raise HeaderError("The header row does not fit the " + kind.replace("_", " ") + " "
                          + LAYOUT_NAMES[layout] + ": " + "; ".join(problems))
    return ColumnMap(layout, list(headers), [known.get(n) if n else None for n in given])


def _names(kind: str, layout: str) -> List[str]:
    return [c.name for c in LAYOUTS[kind][layout]]


def _layout_of(kind: str, given: Dict[str, str]) -> str:
    """The one layout of the kind whose identifying headers the file has (`given`: the file's headers
    by their normal form); ours when none. The identifying headers of two layouts mix formats."""
    signatures = {**SIGNATURES, **_KIND_SIGNATURES.get(kind, {})}
    found = [layout for layout in LAYOUTS[kind] if layout in signatures and signatures[layout] <= set(given)]
    if len(found) > 1:
        raise HeaderError("The header row mixes the " + " and the ".join(LAYOUT_NAMES[f] for f in found)
                          + " (" + "; ".join(", ".join(sorted(given[n] for n in signatures[f])) for f in found)
                          + "); a file holds one layout")
    return found[0] if found else OURS


def template_csv(kind: str) -> str:
    """Our template for a kind: the header row and sample rows."""
    columns = LAYOUTS[kind][OURS]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    for i in range(max(len(c.examples) for c in columns)):
        writer.writerow([c.examples[i] if i < len(c.examples) else "" for c in columns])
    return out.getvalue()
