"""The inputs and the plumbing of the usage month scenario (tests/scenarios/test_usage_month.py):
its card, generated calls, our CSV template, the records CSV behind an invoice, and the tick."""
import csv
import io
import random
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List

import requests

from tests.support.usage_oracle import Row, Totals, Usage, scaled

CARD = [
    Row("44", "UK", "0.0150", "0", "0", 60, 60),
    Row("447", "UK mobile", "0.0850", "0.0100", "0.0700", 30, 6),
    Row("1", "NANP", "0.00755", "0", "0.0050", 1, 1),
]
# Each number format as often as its weight; +81 (Japan) matches no prefix of the card.
NUMBERS = [("+44 20 7946 {:04d}", 4), ("0044 7700 9{:05d}", 2), ("447700 9{:05d}", 1), ("+1 212 555 {:04d}", 3),
           ("001 415 555 {:04d}", 1), ("+81 3 1234 {:04d}", 1)]
DURATIONS = [0, 1, 3, 7, 9, 29, 30, 31, 36, 37, 45, 59, 60, 61, 95, 125, 600, 1201, 3600]
TEMPLATE_COLUMNS = ["id", "account", "start", "duration_seconds", "destination", "direction", "caller", "trunk",
                    "metric", "quantity"]


def generated_calls(account: str, count: int, seed: int, start: date) -> List[dict]:
    """`count` calls of the account from the day before `start` to 06:00 UTC on 1 April, as the API takes them."""
    chooser = random.Random(seed)
    first = datetime.combine(start - timedelta(days=1), datetime.min.time(), timezone.utc)
    span = int((datetime(2026, 4, 1, 6, tzinfo=timezone.utc) - first).total_seconds())
    formats, weights = zip(*NUMBERS)
    calls = []
    for n in range(count):
        begins = first + timedelta(seconds=chooser.randrange(span))
        number = chooser.choices(formats, weights)[0].format(chooser.randrange(10000))
        calls.append({"id": f"{account}-{n:05d}", "account": account, "start": begins.isoformat(),
                      "duration_seconds": chooser.choice(DURATIONS), "destination": number,
                      "direction": "outbound"})
    return calls


def template_csv(calls: List[dict]) -> bytes:
    """The calls in our CSV template's columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, TEMPLATE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for call in calls:
        writer.writerow(call)
    return out.getvalue().encode()


def post_in_batches(api, calls: List[dict], size: int = 1000) -> List[List[dict]]:
    """POST /usage-records in batches of `size`; returns the batches sent."""
    batches = [calls[i:i + size] for i in range(0, len(calls), size)]
    for batch in batches:
        answer = api.post("/usage-records", {"records": batch})
        assert answer.status == 200 and answer.body["received"] == len(batch), answer.body
    return batches


def paged(api, path: str) -> List[dict]:
    """Every item of a list route, following its cursor."""
    found, cursor = [], None
    while True:
        answer = api.get(path + "?limit=100" + (f"&cursor={cursor}" if cursor else ""))
        assert answer.status == 200, answer.body
        found += answer.body["data"]
        cursor = answer.body["next_cursor"]
        if not cursor:
            return found


def records_csv(api, invoice_id: str) -> List[Dict[str, str]]:
    """The rows of the invoice's rated-records CSV in S3, from its link."""
    link = api.get(f"/invoices/{invoice_id}/usage-records")
    assert link.status == 200, link.body
    answer = requests.get(link.body["url"], timeout=30)
    answer.raise_for_status()
    return list(csv.DictReader(io.StringIO(answer.text)))


def csv_records(rows: List[Dict[str, str]]) -> Dict[str, tuple]:
    """id -> (day, prefix, billable seconds, micros) of the CSV's rows, as oracle.rated_calls gives them."""
    return {row["id"]: (row["day"], row["prefix"], int(row["billable_seconds"]), scaled(row["amount"], 6))
            for row in rows}


def csv_totals(rows: List[Dict[str, str]]) -> Totals:
    """The CSV's calls per (day, prefix), the way the oracle counts them."""
    found: Totals = {}
    for row in rows:
        found.setdefault((row["day"], row["prefix"]), Usage()).add(int(row["billable_seconds"]),
                                                                   scaled(row["amount"], 6))
    return found


def tick_and_work(as_of: datetime) -> None:
    """The scheduled tick at `as_of` (the function the schedule runs, as the operator's `make tick` does),
    its messages worked by the app's queue handlers; the tick again, as a repeated schedule would."""
    from chalicelib.jobs.dispatch import tick
    from tests.support.jobs import drain_jobs_queue

    for _ in range(2):
        tick(as_of)
        drain_jobs_queue()
