"""The lines of a subscription's invoice: package fees by the day, usage grouped, allowances deducted. Pure.

Usage comes as totals (any objects with `destination`, `prefix`, `day`, `calls`,
`seconds` (billable) and `amount_micros`, as store/usage_totals.UsageTotal).
A usage line's amount is the sum of its totals' micros rounded half-up to the
currency once; it is the line's unit price at quantity 1 (a line of calls is
not minutes x one price: increments, connection fees and minimums are per
call), and its calls and minutes are in its description. Groupings:
`destination` (one line per destination name), `day`, `destination_day`, or
`single` (one usage line). Each line carries the days it bills (EN 16931's line period, BG-26):
its day where grouped by day, else the period's.

Allowances (e.g. 1,000 minutes to destinations whose prefix starts with 44)
cover billable seconds of the earliest matching usage first (by day, then
prefix); the most specific allowance (longest prefix) is used first. The value
of the seconds covered in a total is that total's amount pro rata by seconds
(its calls' average price, fees and minimums included), rounded half-up to
micros. Each usage line shows the value covered in it as a deduction (a line
discount of that amount, rounded to the currency), and each allowance gets a
line of its own at no charge saying how many of its minutes were used. Usage
that arrives after its period was billed gets the allowance that period's
invoice left (`earlier`: the totals that invoice billed), under a label.

Package fees are charged per period; a package held for part of the period
(a start or end mid-period, a change of package) is charged the fee x days
held / days in the period, rounded half-up, its line saying so.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from itertools import groupby
from typing import Any, Dict, Iterable, List, NamedTuple, Sequence

from .errors import invalid
from .money import round_money
from .usage_terms import GROUPINGS

BY_DAY = ("day", "destination_day")  # groupings whose lines each bill one day: that day is their period
MICRO = Decimal("0.000001")


class Period(NamedTuple):
    start: date  # first day
    end: date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Tax(NamedTuple):
    category: str
    rate: Decimal


@dataclass(frozen=True)
class Allowance:
    prefix: str  # covers destinations whose prefix starts with these digits
    minutes: int
    label: str  # what the allowance covers, e.g. "UK"

    def __post_init__(self) -> None:
        if not (self.prefix.isascii() and self.prefix.isdigit()):
            raise invalid("prefix", "must be digits only, such as 44")
        if self.minutes < 1:
            raise invalid("minutes", "must be at least 1")


@dataclass(frozen=True)
class Line:
    description: str
    unit_price: Decimal  # at quantity 1: the line's amount before any deduction
    tax: Tax
    period_start: date
    period_end: date
    deducted: Decimal = Decimal(0)  # allowance deducted, a discount of this amount
    quantity: Decimal = field(default=Decimal(1))
    unit: str = ""  # the quantity's unit (metered usage)

    def as_invoice_line(self) -> Dict[str, Any]:
        line = {"description": self.description, "quantity": self.quantity, "unit_price": self.unit_price,
                "vat_category": self.tax.category, "vat_rate": self.tax.rate,
                "period": {"start": self.period_start.isoformat(), "end": self.period_end.isoformat()}}
        if self.unit:
            line["unit"] = self.unit
        if self.deducted:
            line["discount"] = {"type": "amount", "value": self.deducted}
        return line


def micros_to_money(micros: int, currency: str) -> Decimal:
    return round_money(Decimal(micros) * MICRO, currency)


def _long_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _minutes(seconds: int) -> str:
    return f"{(Decimal(seconds) / 60).quantize(Decimal('0.01'), ROUND_HALF_UP):,} min"


def with_label(label: str, phrase: str) -> str:
    return f"{label}, {phrase}" if label else phrase[0].upper() + phrase[1:]


_GROUP_KEYS = {
    "destination": (lambda t: t.destination, lambda t: t.destination),
    "day": (lambda t: t.day, lambda t: f"usage on {_long_date(date.fromisoformat(t.day))}"),
    "destination_day": (lambda t: (t.day, t.destination),
                        lambda t: f"{t.destination}, {_long_date(date.fromisoformat(t.day))}"),
    "single": (lambda t: "", lambda t: "usage"),
}


def _in_order(totals: Iterable[Any]) -> List[Any]:
    return sorted(totals, key=lambda t: (t.day, t.prefix))


def _covered_micros(totals: Sequence[Any], allowances: Sequence[Allowance], earlier: Sequence[Any]):
    """The micros of each total (by index) the allowances cover, and the seconds each allowance
    covered in `totals` (earlier totals use the allowances first)."""
    queue = list(earlier) + list(totals)
    covered_seconds = [0] * len(queue)
    used = [0] * len(allowances)
    for number in sorted(range(len(allowances)), key=lambda n: -len(allowances[n].prefix)):
        allowance = allowances[number]
        left = allowance.minutes * 60
        for index in sorted(range(len(queue)), key=lambda i: (i >= len(earlier), queue[i].day, queue[i].prefix)):
            total = queue[index]
            if left and total.prefix.startswith(allowance.prefix):
                take = min(left, total.seconds - covered_seconds[index])
                covered_seconds[index] += take
                left -= take
                if index >= len(earlier):
                    used[number] += take
    micros = {}
    for index, total in enumerate(totals, start=len(earlier)):
        if covered_seconds[index]:
            exact = Decimal(total.amount_micros * covered_seconds[index]) / total.seconds
            micros[id(total)] = int(exact.quantize(Decimal(1), ROUND_HALF_UP))
    return micros, used


def usage_lines(totals: Sequence[Any], grouping: str, allowances: Sequence[Allowance], tax: Tax, currency: str,
                period: Period, earlier: Sequence[Any] = (), label: str = "") -> List[Line]:
    if grouping not in GROUPINGS:
        raise invalid("usage_grouping", "must be one of " + ", ".join(GROUPINGS))
    covered, used = _covered_micros(totals, allowances, earlier)
    key, text = _GROUP_KEYS[grouping]
    lines = []
    for _, group in groupby(sorted(_in_order(totals), key=key), key=key):
        group = list(group)
        calls, seconds = sum(t.calls for t in group), sum(t.seconds for t in group)
        phrase = f"{text(group[0])}: {calls:,} call{'s' if calls != 1 else ''}, {_minutes(seconds)}"
        span = Period(*(date.fromisoformat(group[0].day),) * 2) if grouping in BY_DAY else period
        lines.append(Line(with_label(label, phrase), micros_to_money(sum(t.amount_micros for t in group), currency),
                          tax, span.start, span.end,
                          deducted=micros_to_money(sum(covered.get(id(t), 0) for t in group), currency)))
    for allowance, seconds in zip(allowances, used):
        phrase = f"included in the package: {allowance.minutes:,} min to {allowance.label}; {_minutes(seconds)} used"
        lines.append(Line(with_label(label, phrase), Decimal(0), tax, period.start, period.end))
    return lines


@dataclass(frozen=True)
class FeeSpan:
    name: str  # the package's name
    fee: Decimal  # per whole period
    tax: Tax
    start: date  # the first day held in the period
    end: date  # the last day held


def fee_lines(spans: Sequence[FeeSpan], period: Period, currency: str) -> List[Line]:
    """One line per package held in the period, prorated by day where held for part of it."""
    lines = []
    for index, span in enumerate(spans):
        if not period.start <= span.start <= span.end <= period.end:
            raise ValueError(f"{span} is not within {period}")
        days = (span.end - span.start).days + 1
        notes = [] if days == period.days else [f"{days} of {period.days} days"]
        if index:
            notes.append(f"changed from {spans[index - 1].name} on {_long_date(span.start)}")
        description = f"{span.name}, {_long_date(span.start)} - {_long_date(span.end)}"
        if notes:
            description += f" ({'; '.join(notes)})"
        amount = round_money(span.fee * days / period.days, currency)
        lines.append(Line(description, amount, span.tax, span.start, span.end))
    return lines
