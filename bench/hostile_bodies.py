"""Bodies up to 1 MB built to cost CPU: how long the API takes to refuse each (issue 12, item 3).

Each body goes through the same parsing the routes use (routing._parse_json_body: JSON decoding
with bounded numbers, the nesting limit, then the schema), against the customer create schema.
Prints the CPU time per body (median of 5) beside a floor: json.loads of a plain 1 MB body of the
same size. No DynamoDB is needed. Run: .venv/bin/python bench/hostile_bodies.py
"""
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import json  # noqa: E402

from chalicelib.api.customers import CUSTOMER  # noqa: E402
from chalicelib.api.routing import _parse_json_body  # noqa: E402
from chalicelib.domain.errors import ValidationError  # noqa: E402

MEGABYTE = 1024 * 1024
ROOM = MEGABYTE - 100  # the largest body the API reads is 1 MB
BODIES = {
    "one number 1e200000": b'{"name": "Ann", "payment_terms_days": 1e200000}',
    "1 MB of one digit string": b'{"name": "Ann", "payment_terms_days": ' + b"1" * ROOM + b"}",
    "1 MB of 1e200000s in a list": b'{"name": "Ann", "emails": [' + b",".join([b"1e200000"] * (ROOM // 9)) + b"]}",
    "1 MB nested 524,000 deep": b'{"name": "Ann", "notes": ' + b"[" * (ROOM // 2) + b"]" * (ROOM // 2) + b"}",
    "1 MB of lone surrogates": b'{"name": "' + b"\\ud800" * (ROOM // 6) + b'"}',
    "1 MB unknown field name": b'{"name": "Ann", "' + b"z" * ROOM + b'": 1}',
}


def cpu_ms(work) -> float:
    times = []
    for _ in range(5):
        start = time.process_time()
        work()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def refuse(raw: bytes) -> None:
    request = SimpleNamespace(raw_body=raw, headers={"content-type": "application/json"})
    try:
        _parse_json_body(request, CUSTOMER, partial=False)
    except ValidationError:
        return
    raise AssertionError("the body was accepted")


def main() -> None:
    plain = json.dumps({"name": "Ann", "notes": "x" * (MEGABYTE - 30)}).encode()
    floor = cpu_ms(lambda: json.loads(plain))
    print(f"floor: json.loads of a plain 1 MB body: {floor:.2f} ms CPU")
    for name, raw in BODIES.items():
        spent = cpu_ms(lambda: refuse(raw))
        print(f"{name:32} {len(raw) / MEGABYTE:5.2f} MB  refused in {spent:8.2f} ms CPU  ({spent / floor:6.1f}x floor)")


if __name__ == "__main__":
    main()
