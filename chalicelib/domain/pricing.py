"""The money and VAT engine shared by invoices, credit notes and estimates.

Given a document's lines, its currency and its rounding policy, it computes
each line's net, VAT and gross and the totals per VAT rate, exactly, once.
Every renderer (API, PDF, exports) shows these numbers and never recomputes.

The policy follows HMRC VAT Notice 700 section 17:
- VAT per line: each line's VAT is rounded; a rate's VAT is the sum of its lines'.
- VAT per invoice: a rate's VAT is computed on the sum of its lines and rounded
  once; it is then shared out over the lines (largest remainder) so that lines
  still add up to the totals to the penny.
- Rounding to nearest (half up) or down, as the tenant chose.
- Prices entered tax-exclusive (VAT added on top) or tax-inclusive (VAT is the
  fraction rate / (100 + rate) of the amount).
"""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from .errors import ValidationError
from .money import MAX_AMOUNT, exponent, round_money

HUNDRED = Decimal(100)
MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_DOWN}
LINE, INVOICE = "line", "invoice"
PERCENT, AMOUNT = "percent", "amount"


class Policy(NamedTuple):
    vat_level: str = INVOICE  # "line" or "invoice"
    mode: str = "half_up"  # "half_up" or "down"
    prices_include_vat: bool = False


class LineInput(NamedTuple):
    quantity: Decimal
    unit_price: Decimal
    vat_category: str
    vat_rate: Decimal  # percent
    discount_type: Optional[str] = None  # "percent" or "amount"
    discount_value: Decimal = Decimal(0)


class LineAmounts(NamedTuple):
    discount: Decimal  # money taken off quantity x price, rounded
    net: Decimal
    vat: Decimal
    gross: Decimal


class RateTotal(NamedTuple):
    vat_category: str
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal


class Totals(NamedTuple):
    lines: Tuple[LineAmounts, ...]
    rates: Tuple[RateTotal, ...]
    net: Decimal
    vat: Decimal
    gross: Decimal


def compute(lines: Sequence[LineInput], currency: str, policy: Policy) -> Totals:
    """Exact amounts for every line and total; raises ValidationError when an amount overflows."""
    amounts = [_line_amount(line, currency, i) for i, line in enumerate(lines)]  # (discount, amount)
    bases = [amount for _, amount in amounts]
    vats = _vat_per_line(lines, bases, currency, policy)
    line_totals = []
    for (discount, base), vat in zip(amounts, vats):
        net, gross = (base - vat, base) if policy.prices_include_vat else (base, base + vat)
        line_totals.append(LineAmounts(discount, net, vat, gross))
    rates = _rate_totals(lines, line_totals)
    totals = Totals(tuple(line_totals), rates,
                    net=sum((r.net for r in rates), Decimal(0)),
                    vat=sum((r.vat for r in rates), Decimal(0)),
                    gross=sum((r.gross for r in rates), Decimal(0)))
    if totals.gross > MAX_AMOUNT:
        raise ValidationError("The document total exceeds 999,999,999,999",
                              [("lines", "add up to more than 999,999,999,999")])
    return totals


def vat_in_base_currency(rates: Sequence[RateTotal], exchange_rate: Decimal,
                         base_currency: str) -> Dict[Decimal, Decimal]:
    """VAT per rate converted at the recorded rate, for foreign-currency invoices (HMRC 16.3)."""
    converted: Dict[Decimal, Decimal] = {}
    for rate in rates:
        converted[rate.vat_rate] = converted.get(rate.vat_rate, Decimal(0)) + round_money(
            rate.vat * exchange_rate, base_currency)
    return converted


def _line_amount(line: LineInput, currency: str, index: int) -> Tuple[Decimal, Decimal]:
    """The line's discount and its amount after discount, both rounded to the currency."""
    before_discount = line.quantity * line.unit_price
    if line.discount_type == PERCENT:
        discount = round_money(before_discount * line.discount_value / HUNDRED, currency)
    elif line.discount_type == AMOUNT:
        discount = line.discount_value
    else:
        discount = Decimal(0)
    amount = round_money(before_discount, currency) - discount
    if amount < 0:
        raise ValidationError("A discount is larger than its line",
                              [(f"lines[{index}].discount.value", "is more than the line amount")])
    if amount > MAX_AMOUNT:
        raise ValidationError("A line total exceeds 999,999,999,999",
                              [(f"lines[{index}].quantity", "makes the line total exceed 999,999,999,999")])
    return discount, amount


def _vat_fraction(rate: Decimal, inclusive: bool) -> Decimal:
    return rate / (HUNDRED + rate) if inclusive else rate / HUNDRED


def _vat_per_line(lines, bases, currency, policy) -> List[Decimal]:
    rounding = MODES[policy.mode]
    if policy.vat_level == LINE:
        return [round_money(base * _vat_fraction(line.vat_rate, policy.prices_include_vat), currency, rounding)
                for line, base in zip(lines, bases)]
    vats = [Decimal(0)] * len(lines)
    for key, members in _group_by_rate(lines).items():
        group_base = sum((bases[i] for i in members), Decimal(0))
        group_vat = round_money(group_base * _vat_fraction(key[1], policy.prices_include_vat),
                                currency, rounding)
        for i, share in zip(members, _share_out(group_vat, [bases[i] for i in members], currency)):
            vats[i] = share
    return vats


def _share_out(total: Decimal, weights: List[Decimal], currency: str) -> List[Decimal]:
    """Split `total` in proportion to `weights` so the parts add up exactly (largest remainder)."""
    whole = sum(weights, Decimal(0))
    if whole == 0:
        return [Decimal(0)] * len(weights)
    quantum = exponent(currency)
    exact = [total * w / whole for w in weights]
    parts = [e.quantize(quantum, rounding=ROUND_DOWN) for e in exact]
    leftover = int((total - sum(parts, Decimal(0))) / quantum)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in by_remainder[:leftover]:
        parts[i] += quantum
    return parts


def _group_by_rate(lines) -> Dict[Tuple[str, Decimal], List[int]]:
    groups: Dict[Tuple[str, Decimal], List[int]] = {}
    for i, line in enumerate(lines):
        groups.setdefault((line.vat_category, line.vat_rate), []).append(i)
    return groups


def _rate_totals(lines, line_totals) -> Tuple[RateTotal, ...]:
    rates = []
    for (category, rate), members in _group_by_rate(lines).items():
        rates.append(RateTotal(
            category, rate,
            net=sum((line_totals[i].net for i in members), Decimal(0)),
            vat=sum((line_totals[i].vat for i in members), Decimal(0)),
            gross=sum((line_totals[i].gross for i in members), Decimal(0)),
        ))
    return tuple(sorted(rates, key=lambda r: (-r.vat_rate, r.vat_category)))
