"""Generated upload rows and request bodies, good and bad, for the parse equivalence test.

`write_fixture` ran the parse path as committed before its speed-up (commit
694ff9d, api/schema.py as of 871aa4f) over these cases and stored each case with what came out (the
document, or every problem on its line and column, in order): the fixture is
those known answers. Regenerate it only when a rule changes on purpose, with
the code as committed (not a working tree others are changing):

    .venv/bin/python -m tests.support.parse_cases
"""
import json
import random
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, List, NamedTuple

from chalicelib.api.schema import Problems
from chalicelib.imports import bodies
from chalicelib.imports.cells import CellError
from chalicelib.imports.kinds import LAYOUTS, OURS, XERO, Column, map_header
from chalicelib.imports.mixed_files import Skip

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "parse_equivalence.json"
PROBED_PATHS = ("lines[0].quantity", "lines[1].unit_price", "lines[2].discount", "lines[0].vat_rate",
                "lines[0]", "customer_id", "issue_date", "invoice_id", "billing_address.city", "emails[0]", "")


class Row(NamedTuple):
    line: int
    cells: List[str]


class Names:
    """Lookups without a table: two known customers, one ambiguous name, one product, one invoice."""

    def __init__(self, creates_customers: bool):
        self.creates_customers = creates_customers

    def customer(self, text):
        known = {"Bright Bakery": "cus_bright", "Mill Lane Ltd": "cus_mill"}
        if text in known:
            return known[text]
        if text == "Twin Name":
            raise CellError("names 2 customers; give the customer's id instead")
        raise bodies.UnknownCustomer("is not the name or id of one of your customers")

    def product(self, code):
        if code == "BK-M":
            return "prd_bk"
        raise CellError("is not the code of one of your products")

    def invoice(self, text):
        if text == "INV-0001":
            return "inv_one"
        raise CellError("is not the number or id of one of your invoices")

    def tax_code(self, system, code):
        raise CellError("is not a tax code of your mapping")


_LONG = "x" * 1001
# (good, bad) values of each kind of cell; a cell is bad now and then (BAD_SHARE).
_TEXT = (["Consulting", "  spaced  ", "Line, with comma", "é ünïcode", "", "", "+44 20 7946 0000", "tab\there"],
         [_LONG, "bad\x01control", "bidi\u202etext", "=cmd|' /C calc'!A0", "@SUM(A1)", "-minus text"])
_AMOUNTS = (["1", "2", "12.5", "1,007.25", "1,000,000.00", "0.0001", "-12.50", "100", "20", "5.5", "", "",
             "0", "-0", "+12.5"],
            ["-1", "12.34567", "1e5", "abc", "£12", "12,50", "1.234,50", "١٢", "99999999999999999",
             "1000000000", "100.001", "=1+2", "1 000", ".5", "5."])
_DATES = (["31/03/2026", "2026-03-31", "1/4/2026", ""], ["31/02/2026", "2026-13-01", "tomorrow", "2026-3-1"])
_POOLS = {
    "customer": (["Bright Bakery", "Mill Lane Ltd", "Bright Bakery", "New Shop Ltd", "cus_given"], ["Twin Name", ""]),
    "status": (["issued", "Draft", "ISSUED", ""], ["bogus"]),
    "currency": (["GBP", "gbp", "EUR", ""], ["XXX", "pounds"]),
    "payment_terms_days": (["30", "0", ""], ["-1", "400", "x", "12.5"]),
    "prices_include_vat": (["yes", "no", "TRUE", ""], ["maybe"]),
    "product_code": (["BK-M", "", ""], ["NOPE"]),
    "vat_category": (["standard", "zero", "exempt", "reduced", "", "", ""], ["bogus", "zero_rated"]),
    "quantity": (["1", "2", "12.5", "0.0001", "1,007.25", "3"], ["0", "-1", "", "x"]),
    "vat_rate": (["20", "5", "0", "", ""], ["-1", "101", "20.0001"]),
    "exchange_rate": (["", "", "", "1.1", "0.85"], ["0", "-1"]),
    "phone": (["+44 20 7946 0000", "0113 000 0000", ""], ["call me"]),
    "vat_number": (["GB123456789", "", ""], ["GB12", "XX!"]),
    "code": (["BK-M", "SKU-1", ""], ["bad code!"]),
    "name": (["Ann", "Bright Bakery", "Mill Lane Ltd"], ["", "bad\x01name"]),
    "number": (["INV-1", "INV-0002", "CN-7"], ["", "=1+2", "x" * 41]),
    "unit": (["month", "hour", ""], ["a unit far longer than twenty characters"]),
    "invoice": (["INV-0001", "inv_direct"], ["INV-9999", ""]),
    "emails": (["a@b.co", "a@b.co; c@d.io", ""], ["not-an-email"]),
    "country": (["GB", "United Kingdom", "fr", ""], ["XX", "Narnia"]),
    "tax_type": (["20% (VAT on Income)", "Zero Rated Income", "No VAT", "5%", ""], ["Mystery"]),
    "discount_amount": (["", "", "", "", "5.00"], ["-1", "x"]),
    "discount_percent": (["", "", "", "", "10"], ["101", "x"]),
}
BAD_SHARE = 0.04


def _cell(column: Column, rng: random.Random) -> str:
    field = (column.target or "").rsplit(".", 1)[-1]
    pools = _POOLS.get(field) or {"amount": _AMOUNTS, "date": _DATES, "integer": _POOLS["payment_terms_days"],
                                  "boolean": _POOLS["prices_include_vat"], "list": _POOLS["emails"],
                                  "country": _POOLS["country"], "tax_type": _POOLS["tax_type"]}.get(column.cell, _TEXT)
    return rng.choice(pools[rng.random() < BAD_SHARE])


def _document_rows(kind: str, layout: str, rng: random.Random, line: int) -> List[Row]:
    columns = [c for c in LAYOUTS[kind][layout] if c.target]
    first = [_cell(c, rng) for c in columns]
    rows = [first]
    for _ in range(rng.choice([0, 0, 1, 2, 3]) if any((c.target or "").startswith("lines.") for c in columns)
                   else 0):
        row = []
        for c, given in zip(columns, first):
            if (c.target or "").startswith("lines."):
                row.append(_cell(c, rng))
            else:  # a document's cells: repeated, left blank, or (now and then) different
                row.append(rng.choice([given, given, given, "", _cell(c, rng)]))
        rows.append(row)
    for row in rows:
        if rng.random() < 0.05:
            row.append(rng.choice(["stray", ""]))  # a cell past the last header
        if rng.random() < 0.05:
            del row[-rng.randint(1, 3):]  # a short row
    return [Row(line + i, cells) for i, cells in enumerate(rows)]


def tagged(value: Any) -> Any:
    """A parsed value as JSON that keeps its type (12.50 and 12.5 differ)."""
    if isinstance(value, dict):
        return {k: tagged(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [tagged(v) for v in value]
    if isinstance(value, (Decimal, date)):
        return f"{type(value).__name__}:{value}"
    return value


def upload_outcome(case: Dict[str, Any]) -> Dict[str, Any]:
    """What the upload path makes of a case's rows: the prepared document, or why not."""
    columns = map_header(case["kind"], case["header"])
    rows = [Row(line, cells) for line, cells in case["rows"]]
    try:
        prepared, locate = bodies.from_rows(case["kind"], columns, rows, Names(case["creates"]))
    except bodies.Rejected as rejected:
        return {"rejected": [list(p) for p in rejected.problems]}
    except Skip as skip:
        return {"skipped": str(skip)}
    return {"prepared": tagged(prepared._asdict()), "located": [list(locate(p)) for p in PROBED_PATHS]}


def upload_cases(count: int, seed: int = 19) -> List[Dict[str, Any]]:
    rng, cases = random.Random(seed), []
    layouts = [("invoices", OURS, False), ("invoices", OURS, True), ("credit_notes", OURS, False),
               ("invoices", XERO, True), ("invoices", XERO, False), ("customers", OURS, False),
               ("products", OURS, False)]
    for n in range(count):
        kind, layout, creates = layouts[n % len(layouts)]
        header = [c.name for c in LAYOUTS[kind][layout] if c.target]  # no ignored columns: a layout
        # may come to read one (issue 20 reads the VAT amounts other systems write)
        rows = _document_rows(kind, layout, rng, 2)
        cases.append({"kind": kind, "header": header, "creates": creates,
                      "rows": [[r.line, r.cells] for r in rows]})
    return cases


# --- request bodies as the API receives them (JSON, numbers as Decimal) ---

_BODY_VALUES = ['"12.50"', '" 7 "', "12.5", "1E+2", "-0", '"-0"', '"-0.00"', "1e400", "1e-7", '"1e5"', "true",
                "null", '"NaN"', '"Infinity"', "NaN", '"١٢"', '"12."', '".5"', '"1_000"', '"0"', '"-1"',
                '"999999999999"', '"1000000000000"', '"12.123456789012"', "[]", "{}", '""', '"  "',
                '"2026-03-31"', '"2026-02-30"', '"31/03/2026"', '"abc"', '"x\\u0001y"', '"\\ud800"',
                '"GBP"', '"gbp"', "30", "30.0", "3.5", '"30"', "-5", "400", '"a@b.co"', '"A@B.CO"']
_LINE_FIELDS = ("product_id", "description", "quantity", "unit", "unit_price", "discount", "vat_category",
                "vat_rate", "surprise")
_TOP_FIELDS = ("customer_id", "currency", "issue_date", "due_date", "reference", "notes", "prices_include_vat",
               "payment_terms_days", "invoice_id", "reason", "name", "emails", "unit_price", "vat_rate",
               "billing_address", "extra")
_BASES = {  # a valid body of each kind
    "invoices": {"customer_id": '"cus_1"', "issue_date": '"2026-03-31"', "currency": '"GBP"'},
    "credit_notes": {"invoice_id": '"inv_1"', "reason": '"Returned"'},
    "customers": {"name": '"Ann"', "emails": '["a@b.co"]', "billing_address": '{"line1": "1 Mill Lane"}'},
    "products": {"name": '"Bookkeeping"', "unit_price": '"250.00"', "vat_rate": '"20"'},
}


def _json_body(kind: str, rng: random.Random) -> str:
    def value() -> str:
        return rng.choice(_BODY_VALUES)

    def line() -> str:
        fields = {"quantity": '"2"', "unit_price": '"95.00"', "description": '"Work"', "vat_rate": '"20"'}
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            name = rng.choice(_LINE_FIELDS)
            fields[name] = ('{"type": "%s", "value": %s}' % (rng.choice(["percent", "amount", "x"]), value())
                            if name == "discount" else value())
        return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"

    fields = dict(_BASES[kind])
    for _ in range(rng.choice([0, 0, 1, 2])):
        name = rng.choice(_TOP_FIELDS)
        fields[name] = ('{"line1": %s, "city": %s}' % (value(), value()) if name == "billing_address"
                        else "[" + value() + "]" if name == "emails" else value())
    if kind in ("invoices", "credit_notes") and rng.random() < 0.95:
        fields["lines"] = "[" + ", ".join(line() for _ in range(rng.randint(0, 4))) + "]"
    return "{" + ", ".join(f'"{k}": {v}' for k, v in fields.items()) + "}"


def body_cases(count: int, seed: int = 12) -> List[Dict[str, Any]]:
    rng = random.Random(seed)
    kinds = list(bodies.SCHEMAS)
    return [{"kind": kinds[n % len(kinds)], "body": _json_body(kinds[n % len(kinds)], rng)} for n in range(count)]


def body_outcome(case: Dict[str, Any]) -> Dict[str, Any]:
    problems = Problems()
    body = json.loads(case["body"], parse_float=Decimal, parse_int=Decimal)
    clean = bodies.SCHEMAS[case["kind"]].parse(body, "", problems)
    return {"problems": [list(p) for p in problems.items], "more": problems.more} if problems.items \
        else {"clean": tagged(clean)}


def write_fixture() -> None:
    cases = {"uploads": [{**case, "expect": upload_outcome(case)} for case in upload_cases(500)],
             "bodies": [{**case, "expect": body_outcome(case)} for case in body_cases(1000)]}
    FIXTURE.write_text(json.dumps(cases, ensure_ascii=True, indent=None, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    write_fixture()
