"""Usage in tests: a rate card written by hand, subscriptions of monthly periods, call records.

The fake `subscription_at` answers as the catalogue's does (services/subscriptions.py):
for an account, the subscription in force at an instant, its period (calendar months
from the 1st, London time) and its card, with the span [since, until) it holds for.
"""
import csv
import io
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Dict, List, Optional
from zoneinfo import ZoneInfo

from chalicelib.domain.rating import Increment, RateCard, RateRow

LONDON = ZoneInfo("Europe/London")


def card() -> RateCard:
    return RateCard([
        RateRow("44", "UK", Decimal("0.0100"), Decimal("0"), Decimal("0"), Increment(60, 60)),
        RateRow("447", "UK mobile", Decimal("0.0850"), Decimal("0.0100"), Decimal("0.0200"), Increment(1, 1)),
        RateRow("1", "NANP", Decimal("0.0125"), Decimal("0"), Decimal("0.0050"), Increment(30, 6)),
    ])


@dataclass(frozen=True)
class Found:
    subscription_id: str
    customer_id: str
    period_start: str
    time_zone: str
    card: RateCard
    since: datetime
    until: datetime
    metrics: frozenset = frozenset()  # the metric codes its package prices (none: events are unrated)


class Subscriptions:
    """account -> subscription id, from a start date on; `calls` counts the lookups."""

    def __init__(self, accounts: Dict[str, str], start: str = "2026-01-01"):
        self.accounts, self.start, self.calls, self.card = accounts, start, 0, card()

    def __call__(self, tenant_id: str, account: str, at: datetime) -> Optional[Found]:
        self.calls += 1
        local = at.astimezone(LONDON)
        if account not in self.accounts or local.date().isoformat() < self.start:
            return None
        first = local.date().replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        since = datetime.combine(first, datetime.min.time(), LONDON)
        until = datetime.combine(following, datetime.min.time(), LONDON)
        return Found(self.accounts[account], "cus_" + account, first.isoformat(), "Europe/London", self.card,
                     since, until)


NUMBERS = ("+44 20 7946 0000", "447700900123", "0014155550100", "+12125550100", "4420794600")


def calls(count: int, accounts: List[str], seed: int = 1, month: str = "2026-03", prefix: str = "c") -> List[dict]:
    """Call records as the API takes them (strings), spread over the month, in time order."""
    rng = random.Random(seed)
    start = datetime.fromisoformat(month + "-01T00:00:00+00:00")
    step = timedelta(days=28) / max(count, 1)
    return [{"id": f"{prefix}{n}", "account": rng.choice(accounts), "start": (start + step * n).isoformat(),
             "duration_seconds": rng.choice((0, 1, 7, 31, 59, 60, 61, 125, 3600)), "destination": rng.choice(NUMBERS),
             "direction": "outbound"} for n in range(count)]


def calls_csv(records: List[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["id", "account", "start", "duration_seconds", "destination", "direction"])
    for r in records:
        writer.writerow([r["id"], r["account"], r["start"], r["duration_seconds"], r["destination"], r["direction"]])
    return out.getvalue().encode()


def expected_totals(records: List[dict]) -> Dict[tuple, List[int]]:
    """The oracle: (account, destination name) -> [calls, billable seconds, micros], worked from the
    card's published rule (first/next increments, fee, minimum, half-up per call), not from our code."""
    rows = {"447": ("UK mobile", "0.0850", "0.0100", "0.0200", 1, 1), "44": ("UK", "0.0100", "0", "0", 60, 60),
            "1": ("NANP", "0.0125", "0", "0.0050", 30, 6)}
    totals: Dict[tuple, List[int]] = {}
    for r in {r["id"]: r for r in records}.values():
        digits = r["destination"].replace(" ", "").lstrip("+")
        digits = digits[2:] if digits.startswith("00") else digits
        prefix = next(p for p in ("447", "44", "1") if digits.startswith(p))
        name, price, fee, minimum, first, nxt = rows[prefix]
        d = r["duration_seconds"]
        billable = 0 if d == 0 else first + max(0, -(-(d - first) // nxt)) * nxt
        charge = Decimal(0) if d == 0 else max(Decimal(price) * billable / 60 + Decimal(fee), Decimal(minimum))
        micros = int((charge * 1_000_000).to_integral_value(rounding="ROUND_HALF_UP"))
        entry = totals.setdefault((r["account"], name), [0, 0, 0])
        entry[0] += 1
        entry[1] += billable
        entry[2] += micros
    return totals
