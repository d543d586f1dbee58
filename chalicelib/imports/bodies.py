"""A document or record of an upload as the API's request body, or why it cannot be one.

Cells are read (cells.py), a document's rows are put together (its
document-level cells must agree; each row is a line), the names it uses are
turned into ids (customer, product code, invoice number), and the result is
validated by the very schema the API validates requests with. Every problem
comes back with the line and the column (as headed in the file) it is about.
"""
import re
from decimal import Decimal
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Protocol, Tuple

from ..api.credit_notes import CREDIT_NOTE_BODY
from ..api.customers import CUSTOMER
from ..api.document_routes import ISSUE
from ..api.invoices import INVOICE_BODY
from ..api.products import PRODUCT
from ..api.schema import Choice, Object, Problems, String
from ..domain.errors import DomainError, ValidationError
from ..domain.uploads import CREDIT_NOTES, CUSTOMERS, DOCUMENT_KINDS, INVOICES, PRODUCTS
from .cells import CellError
from .kinds import ColumnMap
from .mixed_files import sort_out
from .record_parts import customer_parts, record_parts
from .row_reader import read_rows
from .vendor_layouts import LINE_DEFAULTS

SCHEMAS = {INVOICES: INVOICE_BODY, CREDIT_NOTES: CREDIT_NOTE_BODY, CUSTOMERS: CUSTOMER, PRODUCTS: PRODUCT}
DRAFT, ISSUED = "draft", "issued"
# How a document is imported; not part of the API's document bodies.
IMPORT_FIELDS = Object({
    "number": String(max_length=40, description="The issued document keeps this number"),
    "status": Choice((DRAFT, ISSUED), description="Default issued"),
    "exchange_rate": ISSUE.fields["exchange_rate"],
})
# Which columns an API field comes from, when its name differs.
_SOURCES = {"name": ("name", "company"), "customer_id": ("customer",), "invoice_id": ("invoice",),
            "product_id": ("product_code",),
            "discount": ("discount_percent", "discount_amount"), "vat_category": ("vat_category", "tax_type"),
            "vat_rate": ("vat_rate", "tax_type"), "stated_vat": ("vat_amount",)}
# Line columns that are not the API's field of the same name (_line).
_COMBINED = frozenset({"product_code", "discount_percent", "discount_amount", "tax_type", "vat_amount", "tax_code"})


class Problem(NamedTuple):
    line: int
    column: Optional[str]  # the file's header, or a JSON field path; None: the whole row
    message: str


class Rejected(Exception):
    def __init__(self, problems: List[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


class Prepared(NamedTuple):
    fields: Dict[str, Any]  # what the API's route would hand the service
    issue: bool = False
    number: Optional[str] = None
    exchange_rate: Any = None
    new_customer: Optional[Dict[str, Any]] = None  # to create first (the fields' customer_id is NEW_CUSTOMER)
    new_customer_columns: Dict[str, str] = {}  # the file's header of each of its fields
    account_ref: Optional[str] = None  # a customer's account in the system its file comes from


NEW_CUSTOMER = "cus_new"  # stands for the customer still to be made while the document is checked


class UnknownCustomer(CellError):
    """The name was no customer's (nor an archived one's) before this upload: one it may create."""


class Lookups(Protocol):
    """Names in a file to ids; each raises CellError saying why a name fits nothing
    (UnknownCustomer for a name no customer has)."""
    creates_customers: bool

    def customer(self, text: str) -> str: ...
    def tax_code(self, system: str, code: str) -> Tuple[str, str]: ...
    def product(self, code: str) -> str: ...
    def invoice(self, text: str) -> str: ...


Locate = Callable[[str], Tuple[int, Optional[str]]]  # API field path -> (line, column)


def from_rows(kind: str, columns: ColumnMap, rows: List[Any], lookups: Lookups) -> Tuple[Prepared, Locate]:
    """The document (or record) that `rows` of a CSV/XLSX file make; raises Rejected."""
    values, document, found = read_rows(columns, rows, LINE_DEFAULTS.get(columns.layout, {}))
    problems = [Problem(*problem) for problem in found]
    locate = _row_locator(columns, rows, values)
    body, extra = _nest(document), {}
    wrong_type = sort_out(kind, columns, body, values)
    if wrong_type:
        problems.append(Problem(rows[0].line, *wrong_type))
    for name in ("number", "status", "exchange_rate"):
        if name in body:
            extra[name] = body.pop(name)
    if isinstance(extra.get("status"), str):
        extra["status"] = extra["status"].lower()
    record_parts(kind, columns.layout, body, lambda system, code: lookups.tax_code(system, code),
                 lambda target, message: problems.append(Problem(rows[0].line, columns.header_of(target), message)))
    account_ref = body.pop("account_ref", None)
    contact = body.pop("contact", {})
    new_customer = None
    if "customer" in body:
        name, column = body.pop("customer"), columns.header_of("customer")
        try:
            body["customer_id"] = lookups.customer(name)
        except UnknownCustomer as unknown:
            if not lookups.creates_customers:
                problems.append(Problem(rows[0].line, column, str(unknown)))
            else:
                contact_at = _row_locator(columns, rows, values, "contact.")
                new_customer = _new_customer(name, contact, contact_at, problems)
                body["customer_id"] = NEW_CUSTOMER
        except CellError as error:
            problems.append(Problem(rows[0].line, column, str(error)))
    if "invoice" in body:
        body["invoice_id"] = _looked_up(lookups.invoice, body.pop("invoice"), rows[0].line,
                                        columns.header_of("invoice"), problems)
    if kind in DOCUMENT_KINDS:
        body["lines"] = [_line(row_values, row.line, columns, lookups, problems)
                         for row, row_values in zip(rows, values)]
    stated = [line.pop("stated_vat", None) for line in body.get("lines", [])]  # not a field of the API's
    prepared = _validated(kind, body, extra, locate, problems)._replace(account_ref=account_ref)
    for line, vat in zip(prepared.fields.get("lines", []), stated):
        if vat is not None:
            line["stated_vat"] = Decimal(vat)  # the VAT the file charged: pricing keeps it or refuses it
    if new_customer is None:
        return prepared, locate
    headers = {field: contact_at(field)[1] for field in flat(new_customer)}
    return prepared._replace(new_customer=new_customer, new_customer_columns=headers), locate


def _new_customer(name: str, contact: Dict[str, Any], locate: Locate, problems: List[Problem]) -> Dict[str, Any]:
    """The customer a new contact name makes, from the document's contact columns, checked as the API
    checks a new customer; its problems join the document's (on the contact's columns)."""
    customer_parts(contact)
    found = Problems()
    fields = CUSTOMER.parse({"name": name, **contact}, "", found)
    if found.items:
        refused = {(p.line, p.column) for p in problems}
        problems.extend(p for p in problems_of(ValidationError("", found.items), locate)
                        if (p.line, p.column) not in refused)
    return fields


def flat(fields: Dict[str, Any]) -> Dict[str, Any]:
    """{"billing_address": {"city": ...}} -> {"billing_address.city": ...}."""
    return {f"{key}.{part}" if isinstance(value, dict) else key: inner
            for key, value in fields.items()
            for part, inner in (value.items() if isinstance(value, dict) else [(None, value)])}


def from_json(kind: str, document: Any, line: int) -> Tuple[Prepared, Locate]:
    """A JSON document shaped as the API's request body (plus number, status, exchange_rate)."""
    def locate(path: str) -> Tuple[int, Optional[str]]:
        return line, path or None

    if not isinstance(document, dict):
        raise Rejected([Problem(line, None, "each document must be a JSON object")])
    extra = {name: document[name] for name in ("number", "status", "exchange_rate")
             if name in document and kind in DOCUMENT_KINDS}
    body = {k: v for k, v in document.items() if k not in extra}
    return _validated(kind, body, extra, locate, []), locate


def problems_of(error: DomainError, locate: Locate) -> List[Problem]:
    """A refusal (from a schema or a service) as problems on lines and columns."""
    problems = []
    for field, message in error.details or [("", error.message)]:
        line, column = locate(field)
        problems.append(Problem(line, column, message if column or not field else f"{field} {message}"))
    return problems


def _validated(kind: str, body: Dict[str, Any], extra: Dict[str, Any], locate: Locate,
               problems: List[Problem]) -> Prepared:
    """Check the body with the API's schema; raise Rejected with every problem found so far and the
    schema's own, leaving out what the schema says of a cell already refused."""
    found = Problems()
    fields = SCHEMAS[kind].parse(body, "", found)
    how = IMPORT_FIELDS.parse(extra, "", found)
    if found.items:
        refused = {(p.line, p.column) for p in problems}
        problems = problems + [p for p in problems_of(ValidationError("", found.items), locate)
                               if (p.line, p.column) not in refused]
    if problems:
        raise Rejected(problems)
    return Prepared(fields, how.get("status", ISSUED) == ISSUED, how.get("number"), how.get("exchange_rate"))


def _line(values: Dict[str, Any], line: int, columns: ColumnMap, lookups: Lookups,
          problems: List[Problem]) -> Dict[str, Any]:
    result: Dict[str, Any] = {}
    for target, value in values.items():
        if not target.startswith("lines."):
            continue
        name = target[len("lines."):]
        if name not in _COMBINED:  # most line fields are the API's own, as named
            result[name] = value
        elif name == "product_code":
            result["product_id"] = _looked_up(lookups.product, value, line, columns.header_of(target), problems)
        elif name in ("discount_percent", "discount_amount"):
            if "discount" in result:
                problems.append(Problem(line, columns.header_of(target),
                                        "give a discount as a percent or an amount, not both"))
            result["discount"] = {"type": name[len("discount_"):], "value": value}
        elif name == "tax_type":
            result["vat_category"], result["vat_rate"] = value
        elif name == "vat_amount":
            result["stated_vat"] = value  # kept beside the body the API checks (_validated)
        elif name == "tax_code":
            vat_of = _looked_up(lambda code: lookups.tax_code(columns.layout, code), value, line,
                                columns.header_of(target), problems)
            if vat_of:
                result["vat_category"], result["vat_rate"] = vat_of
    return result


def _looked_up(finder, text, line, column, problems) -> Optional[str]:
    try:
        return finder(text)
    except CellError as error:
        problems.append(Problem(line, column, str(error)))
        return None


def _nest(values: Dict[str, Any]) -> Dict[str, Any]:
    """"contact.billing_address.city" -> {"contact": {"billing_address": {"city": ...}}}."""
    body: Dict[str, Any] = {}
    for target, value in values.items():
        *heads, last = target.split(".")
        place = body
        for head in heads:
            place = place.setdefault(head, {})
        place[last] = value
    return body


def _row_locator(columns: ColumnMap, rows: List[Any], values: List[Dict[str, Any]], prefix: str = "") -> Locate:
    """API field paths (of the document, or with `prefix` of the customer a new contact makes) to the
    line and the file's column they came from."""
    def locate(path: str) -> Tuple[int, Optional[str]]:
        line_field = re.match(r"lines\[(\d+)\]\.?(\w*)", path)
        if line_field and int(line_field[1]) < len(rows):
            index = int(line_field[1])
            return rows[index].line, _column(line_field[2], "lines.", values[index])
        nested = re.match(r"(\w+_address)\.(\w+)", path)
        name = nested[0] if nested else re.split(r"[.\[]", path)[0]
        return rows[0].line, _column(name, prefix, values[0])

    def _column(field: str, prefix: str, given: Dict[str, Any]) -> Optional[str]:
        if prefix == "contact.":
            targets = ["customer"] if field == "name" else [prefix + field]
        else:
            targets = [prefix + source for source in _SOURCES.get(field, (field,))]
        present = [t for t in targets if t in given] or targets
        return next((h for h in map(columns.header_of, present) if h), None)

    return locate
