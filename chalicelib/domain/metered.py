"""Metered usage priced by the package: one line per metric, the included quantity deducted. Pure.

A package prices a metric (a metered event's metric code) at a unit price per
unit of quantity (up to 8 decimals), optionally with a quantity included each
period. Usage comes as totals (objects with `metric`, `day`, `events` and
`quantity`, as store/usage_totals.MetricTotal), each priced by the package held
on its day (`price_of`). A metric's line bills its summed quantity at the unit
price: the amount is quantity x unit price, exact, rounded half-up to the
currency once per line, as a line of calls is rounded once from its summed
charge (a metric has no increments, fees or minimums, so nothing is rounded per
event).

The included quantity (of the package held at the period's end, as for call
allowances) covers the metric's earliest usage first; its value, the quantity
covered x the unit price rounded half-up, is deducted from the line as a
discount, and a line at no charge says how much of it was used. Usage of a
period that arrives after the period was billed gets what the included quantity
left on the invoices before (`earlier`), under a label.

A total no package prices (the package held on its day stopped pricing the
metric after its events were counted) is not dropped: it gets a line at no
charge saying so, and is listed in `unpriced` for the invoice to be held back.
"""
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from .errors import invalid
from .money import round_money
from .usage_lines import Line, Period, Tax, with_label
from .usage_records import METRIC

ZERO = Decimal(0)


def _quantity(value: Decimal) -> str:
    return f"{value.normalize():,f}"


@dataclass(frozen=True)
class MetricPrice:
    metric: str  # the events' metric code
    unit_price: Decimal  # per unit of quantity
    included: Decimal = ZERO  # quantity included each period
    unit: str = ""  # the unit's name, e.g. "GB" or "requests"
    description: str = ""  # the line's text, e.g. "Storage"

    def __post_init__(self) -> None:
        if not METRIC.fullmatch(self.metric):
            raise invalid("metric", "must be a metric code: letters, digits, '_', '-' or '.'")
        for name in ("unit_price", "included"):
            value = getattr(self, name)
            if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
                raise invalid(name, "must be a number of 0 or more")

    @property
    def name(self) -> str:
        return self.description or self.metric

    def amount(self, quantity: Decimal) -> str:
        return f"{_quantity(quantity)} {self.unit}".rstrip()


PriceOf = Callable[[Any], Tuple[str, Optional[MetricPrice]]]  # a total -> (its package's name, its price)


def metric_lines(totals: Sequence[Any], price_of: PriceOf, included: Dict[str, MetricPrice], tax: Tax,
                 currency: str, period: Period, earlier: Sequence[Any] = (),
                 label: str = "") -> Tuple[List[Line], List[str]]:
    """The lines of the metrics' usage, and a sentence for each total no package prices."""
    covered = _covered(totals, included, earlier)
    lines, unpriced = [], []
    by_metric = sorted(totals, key=lambda t: (t.metric, t.day))
    for metric, group in groupby(by_metric, key=lambda t: t.metric):
        group = list(group)
        priced = [(price_of(t), t) for t in group]
        for (package, price), same in groupby(priced, key=lambda p: p[0]):
            same = [t for _, t in same]
            quantity = sum((t.quantity for t in same), ZERO)
            if price is None:
                reason = f"{metric}: {_quantity(quantity)} not priced by the package {package}; at no charge"
                unpriced.append(reason)
                lines.append(Line(with_label(label, reason), ZERO, tax, period.start, period.end,
                                  quantity=quantity))
                continue
            deducted = round_money(sum((covered.get(id(t), ZERO) for t in same), ZERO) * price.unit_price, currency)
            lines.append(Line(with_label(label, f"{price.name}: {price.amount(quantity)}"), price.unit_price, tax,
                              period.start, period.end, deducted=deducted, quantity=quantity, unit=price.unit))
    for price in included.values():
        if price.included:
            used = sum((covered.get(id(t), ZERO) for t in totals if t.metric == price.metric), ZERO)
            phrase = f"included in the package: {price.amount(price.included)} of {price.name}; " \
                     f"{price.amount(used)} used"
            lines.append(Line(with_label(label, phrase), ZERO, tax, period.start, period.end))
    return lines, unpriced


def _covered(totals: Sequence[Any], included: Dict[str, MetricPrice], earlier: Sequence[Any]) -> Dict[int, Decimal]:
    """The quantity of each total (by id) the included quantities cover, earlier totals first."""
    covered: Dict[int, Decimal] = {}
    for metric, price in included.items():
        left = price.included - min(price.included, sum((t.quantity for t in earlier if t.metric == metric), ZERO))
        for total in sorted((t for t in totals if t.metric == metric), key=lambda t: t.day):
            take = min(left, total.quantity)
            if take:
                covered[id(total)] = take
                left -= take
    return covered
