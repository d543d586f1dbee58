"""The inputs, expectations and plumbing of the usage month scenario (tests/scenarios/test_usage_month.py):
its card, generated calls, our CSV template, each invoice as the oracle (usage_oracle.py) makes it and
the check of every figure, the records CSV behind an invoice, and the tick."""
import csv
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo

import requests

from tests.support import usage_oracle as oracle
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
VAT_PERCENT = 20  # the packages' standard rate
TEMPLATE_COLUMNS = ["id", "account", "start", "duration_seconds", "destination", "direction", "caller", "trunk",
                    "metric", "quantity"]


@dataclass(frozen=True)
class Package:
    name: str
    fee: int  # pennies a month
    prefix: str
    minutes: int
    label: str


@dataclass(frozen=True)
class Tenant:
    name: str
    zone: str
    vat_level: str
    rounding: str
    grouping: str
    midnights: tuple  # the UTC instants that end March, April and May where the tenant is


@dataclass(frozen=True)
class Subscription:
    account: str
    tenant: Tenant
    package: Package
    start: date
    grouping: Optional[str]  # its own setting, else the tenant's
    calls: int
    seed: int


def shown(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


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


def expected_month(sub: Subscription, calls: List[dict], month, late: List[dict] = (),
                   late_month=None) -> List[oracle.Line]:
    """The invoice of a month: the fee (prorated in the first), usage grouped, its allowance, and the late
    calls of `late_month` (billed before) with what its allowance left them."""
    zone, first, last = ZoneInfo(sub.tenant.zone), max(month[0], sub.start), month[1]
    fee_text = f"{sub.package.name}, {shown(first)} - {shown(last)}"
    held, days = (last - first).days + 1, (last - month[0]).days + 1
    if held < days:
        fee_text += f" ({held} of {days} days)"
    by = sub.grouping or sub.tenant.grouping
    usage = oracle.totals(CARD, calls, zone, first, last)
    value, used = oracle.covered(usage, sub.package.prefix, sub.package.minutes * 60)
    whole = (month[0].isoformat(), month[1].isoformat())
    lines = [oracle.Line(fee_text, oracle.prorated(sub.package.fee, held, days), 0, (first.isoformat(), whole[1])),
             *oracle.usage_lines(CARD, usage, value, by, whole),
             oracle.allowance_line(sub.package.minutes, sub.package.label, used, whole)]
    if late:
        billed = oracle.totals(CARD, calls, zone, max(late_month[0], sub.start), late_month[1])
        _, used_before = oracle.covered(billed, sub.package.prefix, sub.package.minutes * 60)
        late_usage = oracle.totals(CARD, late, zone, *late_month)
        left = sub.package.minutes * 60 - used_before
        value, used = oracle.covered(late_usage, sub.package.prefix, left)
        label = f"Late usage of {shown(late_month[0])} - {shown(late_month[1])}, "
        late_whole = (late_month[0].isoformat(), late_month[1].isoformat())
        lines += [*oracle.usage_lines(CARD, late_usage, value, by, late_whole, label),
                  oracle.allowance_line(sub.package.minutes, sub.package.label, used, late_whole, label)]
    return lines


def check_invoice(invoice: dict, expected: List[oracle.Line], tenant: Tenant) -> None:
    """Every figure of every line (quantity, amount, allowance deduction, net, VAT, gross, date range) and
    the totals."""
    got = [(l["description"], l["quantity"], l["unit_price"], l.get("discount_amount", "0.00"), l["net"],
            (l["period"]["start"], l["period"]["end"])) for l in invoice["lines"]]
    assert got == [(e.description, "1", oracle.money(e.amount), oracle.money(e.discount), oracle.money(e.net),
                    e.period) for e in expected]
    nets = [e.net for e in expected]
    vats = [oracle.scaled(l["vat"], 2) for l in invoice["lines"]]
    bounds = oracle.vat_per_line(nets, VAT_PERCENT, tenant.vat_level, tenant.rounding)
    assert all(low <= vat <= high for vat, (low, high) in zip(vats, bounds)), (vats, bounds)
    assert [l["gross"] for l in invoice["lines"]] == [oracle.money(n + v) for n, v in zip(nets, vats)]
    vat = oracle.vat_total(nets, VAT_PERCENT, tenant.vat_level, tenant.rounding)
    assert sum(vats) == vat
    totals = (oracle.money(sum(nets)), oracle.money(vat), oracle.money(sum(nets) + vat))
    assert (invoice["totals"]["net"], invoice["totals"]["vat"], invoice["totals"]["gross"]) == totals
    assert [(r["vat_category"], r["vat_rate"], r["net"], r["vat"], r["gross"]) for r in invoice["totals"]["rates"]] == [
        ("standard", str(VAT_PERCENT), *totals)]
