"""JSON in which Decimal values are written as exact JSON numbers.

Some APIs type quantities and amounts as JSON numbers (Xero's schema does). The
json module cannot write a Decimal, and going through float could change the
digits; here a Decimal is written as its own text ("461.50", "2.5").
"""
import json
from decimal import Decimal
from typing import Any


def dumps(value: Any) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} has no JSON form")
        return str(value)
    if isinstance(value, dict):
        return "{" + ",".join(f"{json.dumps(str(key), ensure_ascii=False)}:{dumps(item)}"
                              for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(dumps(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False)
