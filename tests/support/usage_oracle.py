"""What a month of calls should bill, worked from the rules' text (README "Rating a call", "Packages and
subscriptions", "The billing run") in integers only: seconds, micros (millionths) and pennies.
Nothing here calls the product's rating or billing code: it is the scenario's independent oracle.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Dict, List, Optional, Tuple
from zoneinfo import ZoneInfo

PRICE_PLACES = 8  # a card's prices have at most 8 decimal places


def half_up_div(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half-up (both not negative)."""
    return (2 * numerator + denominator) // (2 * denominator)


def scaled(text: str, places: int) -> int:
    """A decimal string as an integer count of 10**-places ("0.0850", 8 -> 8,500,000)."""
    whole, _, fraction = text.partition(".")
    assert len(fraction) <= places, text
    return int(whole + fraction.ljust(places, "0"))


def money(pennies: int) -> str:
    return f"{pennies // 100}.{pennies % 100:02d}"


def hundredths(value: int) -> str:
    """An amount in hundredths with thousands separators (minutes as descriptions show them)."""
    return f"{value // 100:,}.{value % 100:02d}"


@dataclass(frozen=True)
class Row:
    prefix: str
    destination: str
    price_per_minute: str
    connection_fee: str
    minimum_charge: str
    first: int
    next: int

    def as_sent(self) -> dict:
        return {"prefix": self.prefix, "destination": self.destination, "price_per_minute": self.price_per_minute,
                "connection_fee": self.connection_fee, "minimum_charge": self.minimum_charge,
                "increment": f"{self.first}/{self.next}"}


def dialled_digits(number: str) -> str:
    digits = number.replace(" ", "")
    return digits[1:] if digits.startswith("+") else digits[2:] if digits.startswith("00") else digits


def billable_seconds(seconds: int, first: int, step: int) -> int:
    """`first` seconds, then whole `step`s for the rest; a 0-second call bills nothing."""
    if seconds == 0:
        return 0
    rest = max(0, seconds - first)
    return first + (rest + step - 1) // step * step


def rate(card: List[Row], number: str, seconds: int) -> Optional[Tuple[Row, int, int]]:
    """(the row of the longest matching prefix, billable seconds, charge in micros), or None."""
    return _rate(tuple(card), number, seconds)


@lru_cache(maxsize=None)  # the scenario asks for its 10,000 calls' rates several times
def _rate(card: Tuple[Row, ...], number: str, seconds: int) -> Optional[Tuple[Row, int, int]]:
    digits = dialled_digits(number)
    matching = [row for row in card if digits.startswith(row.prefix)]
    if not matching:
        return None
    row = max(matching, key=lambda r: len(r.prefix))
    billable = billable_seconds(seconds, row.first, row.next)
    if billable == 0:
        return row, 0, 0
    # in 10**-8 / 60 of the currency: price x billable / 60 + fee, at least the minimum
    charge = max(scaled(row.price_per_minute, PRICE_PLACES) * billable + 60 * scaled(row.connection_fee, PRICE_PLACES),
                 60 * scaled(row.minimum_charge, PRICE_PLACES))
    return row, billable, half_up_div(charge, 60 * 10 ** (PRICE_PLACES - 6))


@dataclass
class Usage:
    """Calls, billable seconds and micros of one (local day, prefix)."""
    calls: int = 0
    seconds: int = 0
    micros: int = 0

    def add(self, seconds: int, micros: int) -> None:
        self.calls, self.seconds, self.micros = self.calls + 1, self.seconds + seconds, self.micros + micros


Totals = Dict[Tuple[str, str], Usage]  # (ISO local day, prefix) -> usage


def rated_calls(card: List[Row], calls: List[dict], zone: ZoneInfo, first_day: date,
                last_day: date) -> Dict[str, Tuple[str, str, int, int]]:
    """id -> (ISO local day, prefix, billable seconds, micros) of the rated calls of the local days given."""
    found = {}
    for call in calls:
        day = datetime.fromisoformat(call["start"]).astimezone(zone).date()
        rated = rate(card, call["destination"], int(call["duration_seconds"]))
        if rated is not None and first_day <= day <= last_day:
            found[call["id"]] = (day.isoformat(), rated[0].prefix, rated[1], rated[2])
    return found


def totals(card: List[Row], calls: List[dict], zone: ZoneInfo, first_day: date, last_day: date) -> Totals:
    """The rated calls that start on the local days given, per (day, prefix)."""
    found: Totals = defaultdict(Usage)
    for day, prefix, seconds, micros in rated_calls(card, calls, zone, first_day, last_day).values():
        found[(day, prefix)].add(seconds, micros)
    return dict(found)


def covered(usage: Totals, prefix: str, allowance_seconds: int) -> Tuple[Dict[Tuple[str, str], int], int]:
    """Micros of each (day, prefix) the allowance covers, earliest day first, then prefix, each valued at
    its own average price; and the seconds used of the allowance."""
    left, value = allowance_seconds, {}
    for key in sorted(usage):
        take = min(left, usage[key].seconds) if key[1].startswith(prefix) else 0
        if take:
            left -= take
            value[key] = half_up_div(usage[key].micros * take, usage[key].seconds)
    return value, allowance_seconds - left


def prorated(fee_pennies: int, days_held: int, days_in_period: int) -> int:
    return half_up_div(fee_pennies * days_held, days_in_period)


@dataclass(frozen=True)
class Line:
    """An invoice line as the rules say it should be: description, amount and discount in pennies, and the
    (first, last) ISO days of its date range."""
    description: str
    amount: int
    discount: int
    period: Tuple[str, str]

    @property
    def net(self) -> int:
        return self.amount - self.discount


def day_label(day: str) -> str:
    shown = date.fromisoformat(day)
    return f"Usage on {shown.day} {shown:%b %Y}"


def usage_lines(card: List[Row], usage: Totals, value_covered: Dict[Tuple[str, str], int], by: str,
                period: Tuple[str, str], label: str = "") -> List[Line]:
    """One line per destination name or per day, in that order: its calls and minutes described, its
    summed micros to the penny, the allowance's value of it as discount (rounded once from its sum); a
    day's line dated that day, a destination's the whole `period`."""
    names = {row.prefix: row.destination for row in card}
    groups: Dict[str, List[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (day, prefix), found in usage.items():
        group = groups[day if by == "day" else names[prefix]]
        for i, value in enumerate((found.calls, found.seconds, found.micros, value_covered.get((day, prefix), 0))):
            group[i] += value
    lines = []
    for key in sorted(groups):
        calls, seconds, micros, discount = groups[key]
        name = day_label(key) if by == "day" else key
        if label and by == "day":  # mid-sentence after the label
            name = name[0].lower() + name[1:]
        text = f"{label}{name}: {calls:,} call{'' if calls == 1 else 's'}, {hundredths(half_up_div(seconds * 100, 60))} min"
        lines.append(Line(text, half_up_div(micros, 10_000), half_up_div(discount, 10_000),
                          (key, key) if by == "day" else period))
    return lines


def allowance_line(minutes: int, label: str, used_seconds: int, period: Tuple[str, str],
                   prefix_label: str = "") -> Line:
    """At no charge, dated the whole period."""
    used = hundredths(half_up_div(used_seconds * 100, 60))
    return Line(f"{prefix_label}{'i' if prefix_label else 'I'}ncluded in the package: {minutes:,} min to {label}; "
                f"{used} min used", 0, 0, period)


def vat_per_line(nets: List[int], percent: int, level: str, mode: str) -> List[Tuple[int, int]]:
    """(lowest, highest) VAT pennies each line may show: per line half-up, its own VAT rounded; else its
    share of a total rounded once, between its own exact VAT rounded down and rounded up."""
    if (level, mode) == ("line", "half_up"):
        return [(half_up_div(n * percent, 100),) * 2 for n in nets]
    return [(n * percent // 100, -(-n * percent // 100)) for n in nets]


def vat_total(nets: List[int], percent: int, level: str, mode: str) -> int:
    """The invoice's VAT (one rate) by HMRC Notice 700 s.17.5 as README states the four policies."""
    if level == "line" and mode == "half_up":
        return sum(half_up_div(n * percent, 100) for n in nets)
    if level == "line":  # each line down to a tenth of a penny, then the total down to the penny
        return sum(n * percent // 10 for n in nets) // 10
    exact = sum(nets) * percent
    return half_up_div(exact, 100) if mode == "half_up" else exact // 100
