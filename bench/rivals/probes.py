"""Probe bodies for the invoice create body: a valid one and one change each, most of them at an
edge of a rule (length, places, range, null, type, characters). Each is JSON bytes."""
import copy
import json

_BASE = {"customer_id": "cus_1", "currency": "GBP", "issue_date": "2025-03-31", "reference": "PO-1",
         "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "1000.25", "vat_rate": "20",
                    "vat_category": "standard"}]}


def _body(where: str, value) -> dict:
    """The base body with `where` ("field" or "lines.field"; value ... removes it) changed."""
    body = copy.deepcopy(_BASE)
    target = body["lines"][0] if where.startswith("lines.") else body
    name = where.split(".")[-1]
    if value is ...:
        target.pop(name, None)
    else:
        target[name] = value
    return body


_CHANGES = [
    ("lines.quantity", "2.5"), ("lines.quantity", "2.12345"), ("lines.quantity", "0"), ("lines.quantity", "-1"),
    ("lines.quantity", 2), ("lines.quantity", "1e5"), ("lines.quantity", "\u0661\u0662"),
    ("lines.quantity", " 2 "), ("lines.quantity", ...), ("lines.unit_price", "1000000000000"),
    ("lines.unit_price", "-1"), ("lines.unit_price", None), ("lines.vat_rate", "100.5"),
    ("lines.vat_rate", "20.125"), ("lines.vat_rate", "20.1234"), ("lines.description", ""),
    ("lines.description", "   "), ("lines.description", "x" * 1001), ("lines.description", " " + "x" * 1000),
    ("lines.description", "a\u202eb"), ("lines.description", "a\tb"), ("lines.description", None),
    ("lines.vat_category", None), ("lines.vat_category", "luxury"), ("lines.discount", {"type": "percent"}),
    ("lines.discount", {"type": "percent", "value": "10"}), ("lines.colour", "red"), ("customer_id", ...),
    ("customer_id", None), ("colour", "red"), ("lines", []), ("issue_date", "2025-02-30"),
    ("issue_date", "2025-1-1"), ("issue_date", None), ("payment_terms_days", 400), ("payment_terms_days", "30"),
    ("payment_terms_days", 30), ("prices_include_vat", "true"), ("currency", "gbp"), ("currency", "XQQ"),
]


def _label(where: str, value) -> str:
    shown = "absent" if value is ... else json.dumps(value, ensure_ascii=True)
    return f"{where}={shown[:20]}{'...' if len(shown) > 20 else ''}"


PROBES = [("valid", json.dumps(_BASE).encode())] + [
    (_label(where, value), json.dumps(_body(where, value)).encode()) for where, value in _CHANGES]
