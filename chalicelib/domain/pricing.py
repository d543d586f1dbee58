"""The money and VAT engine shared by invoices, credit notes and estimates.

Given a document's lines, its currency and its rounding policy, it computes
each line's net, VAT and gross and the totals per VAT rate, exactly, once.
Every renderer (API, PDF, exports) shows these numbers and never recomputes.

The policy follows HMRC VAT Notice 700 section 17.5:
- VAT per line, half up: each line's VAT is rounded to the minor unit; a rate's
  VAT is the sum of its lines'.
- VAT per line, down: each line's VAT is rounded down to one digit beyond the
  minor unit (0.1p), the invoice's total VAT then down to the minor unit
  (VATREC12010: never each line down to whole pennies).
- VAT per invoice: a rate's VAT is computed on the sum of its lines and rounded
  once, half up; or down, where the invoice's total VAT is rounded down once and
  each rate's VAT is its exact VAT rounded down or up to make that total.
Where a total is rounded once, it is shared out over its lines so that they add
up to it, each line's share its own VAT rounded down or up to the minor unit.
A line may instead carry amounts fixed by the document it derives from (a
credit note taking back an invoice line): those are used as they are. A line
imported from another system may state the VAT that system charged on it: that
VAT is kept (the net is priced as usual) when it is a rounding of the line's
exact VAT, its exact VAT rounded down or up to the minor unit, which every
honest rounding is (half up or down per line, or a per-invoice total shared
over the lines); anything further from it is refused, never replaced.
- Prices entered tax-exclusive (VAT added on top) or tax-inclusive (VAT is the
  fraction rate / (100 + rate) of the amount).
"""
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_UP, Decimal
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from .errors import OverMaximum, ValidationError
from .money import MAX_AMOUNT, exponent, round_money
from .vat import REVERSE_CHARGE

HUNDRED = Decimal(100)
ZERO = Decimal(0)
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
    carried: Optional[Tuple[Decimal, Decimal]] = None  # (net, vat) fixed by a source document
    stated_vat: Optional[Decimal] = None  # the VAT the system a line was imported from charged


class LineAmounts(NamedTuple):
    discount: Decimal  # money taken off quantity x price, rounded
    net: Decimal
    vat: Decimal
    gross: Decimal
    reverse_charge_vat: Decimal = ZERO  # the VAT the customer accounts for; not payable


class RateTotal(NamedTuple):
    vat_category: str
    vat_rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    reverse_charge_vat: Decimal = ZERO


class Totals(NamedTuple):
    lines: Tuple[LineAmounts, ...]
    rates: Tuple[RateTotal, ...]
    net: Decimal
    vat: Decimal
    gross: Decimal
    reverse_charge_vat: Decimal = ZERO


def compute(lines: Sequence[LineInput], currency: str, policy: Policy) -> Totals:
    """Exact amounts for every line and total; raises ValidationError when an amount overflows."""
    amounts = [_line_amount(line, currency, i) for i, line in enumerate(lines)]  # (discount, amount)
    bases = [amount for _, amount in amounts]
    reverse = [line.vat_category == REVERSE_CHARGE for line in lines]
    _check_stated(lines, bases, reverse, currency, policy.prices_include_vat)
    vats = _vat_per_line(lines, [ZERO if r else b for r, b in zip(reverse, bases)], currency, policy)
    customer_vats = _reverse_charge_vats(lines, bases, reverse, currency, policy)
    line_totals = []
    for line, (discount, base), vat, customer_vat in zip(lines, amounts, vats, customer_vats):
        if line.carried:
            net, vat = line.carried
            gross = net + vat
        else:
            vat = vat if line.stated_vat is None else line.stated_vat
            net, gross = (base - vat, base) if policy.prices_include_vat else (base, base + vat)
        line_totals.append(LineAmounts(discount, net, vat, gross, customer_vat))
    rates = _rate_totals(lines, line_totals)
    totals = Totals(tuple(line_totals), rates,
                    *(sum((getattr(r, name) for r in rates), ZERO)
                      for name in ("net", "vat", "gross", "reverse_charge_vat")))
    if totals.gross > MAX_AMOUNT:
        raise OverMaximum("The document total exceeds 999,999,999,999",
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
        raise OverMaximum("A line total exceeds 999,999,999,999",
                              [(f"lines[{index}].quantity", "makes the line total exceed 999,999,999,999")])
    return discount, amount


def _reverse_charge_vats(lines, bases, reverse, currency, policy) -> List[Decimal]:
    """Domestic reverse charge: the VAT the customer accounts for (HMRC VATREVCON37100), at each
    reverse-charged line's rate on its net amount, rounded as the document rounds VAT. Never
    payable: the line charges no VAT. Lines carried from an invoice are worked out again."""
    if not any(reverse):
        return [ZERO] * len(lines)
    as_charged = [line._replace(carried=None, stated_vat=None) for line in lines]
    return _vat_per_line(as_charged, [b if r else ZERO for r, b in zip(reverse, bases)], currency,
                         Policy(policy.vat_level, policy.mode, prices_include_vat=False))


def check_stated(lines: Sequence[LineInput], currency: str, inclusive: bool) -> None:
    """Only the lines' stated VATs checked (as compute checks them): raises ValidationError."""
    bases = [_line_amount(line, currency, i)[1] for i, line in enumerate(lines)]
    _check_stated(lines, bases, [line.vat_category == REVERSE_CHARGE for line in lines], currency, inclusive)


def _check_stated(lines, bases, reverse, currency, inclusive) -> None:
    """A stated VAT must be whole minor units and its line's exact VAT rounded down or up: within
    one minor unit of it, as any rounding per line or share of a rounded total is."""
    problems = []
    for i, (line, base, reversed_) in enumerate(zip(lines, bases, reverse)):
        stated = line.stated_vat
        if stated is None or line.carried:
            continue
        exact = ZERO if reversed_ else _exact_vat(base, line.vat_rate, inclusive)
        low, high = (exact.quantize(exponent(currency), rounding=way) for way in (ROUND_FLOOR, ROUND_CEILING))
        if stated != round_money(stated, currency):
            problems.append((f"lines[{i}].stated_vat", f"must be whole minor units of {currency}"))
        elif not low <= stated <= high:
            should = f"{low:f}" if low == high else f"{exact.normalize():f}: a rounding of it is {low:f} or {high:f}"
            problems.append((f"lines[{i}].stated_vat", f"is {stated:f}, but {line.vat_rate:f}% VAT on {base:f} "
                             f"is {should}"))
    if problems:
        raise ValidationError(f"{problems[0][0]}: {problems[0][1]}", problems)


def _exact_vat(base: Decimal, rate: Decimal, inclusive: bool) -> Decimal:
    """Multiplied before dividing, so a VAT that is a whole number of tenths is exactly that."""
    return base * rate / (HUNDRED + rate if inclusive else HUNDRED)


def _vat_per_line(lines, bases, currency, policy) -> List[Decimal]:
    """Each priced line's VAT (carried lines get theirs later) under the policy."""
    inclusive = policy.prices_include_vat
    exact = [Decimal(0) if _fixed(line) else _exact_vat(base, line.vat_rate, inclusive)
             for line, base in zip(lines, bases)]
    if policy.vat_level == LINE and policy.mode == "half_up":
        return [round_money(vat, currency) for vat in exact]
    if policy.vat_level == LINE:
        tenths = [vat.quantize(exponent(currency) / 10, rounding=ROUND_DOWN) for vat in exact]
        return share_out(round_money(sum(tenths, Decimal(0)), currency, ROUND_DOWN), tenths, tenths, currency)
    vats = [Decimal(0)] * len(lines)
    groups = _group_by_rate(lines)
    group_bases = [sum((bases[i] for i in members), Decimal(0)) for members in groups.values()]
    group_vats = [_exact_vat(base, rate, inclusive) for (_, rate), base in zip(groups, group_bases)]
    if policy.mode == "half_up":
        group_totals = [round_money(vat, currency) for vat in group_vats]
    else:  # Notice 700 17.5: the invoice's total VAT rounded down, shared over its rates
        whole = round_money(sum(group_vats, Decimal(0)), currency, ROUND_DOWN)
        group_totals = share_out(whole, group_vats, group_vats, currency)
    for members, group_base, total in zip(groups.values(), group_bases, group_totals):
        targets = [total * bases[i] / group_base if group_base else Decimal(0) for i in members]
        for i, share in zip(members, share_out(total, targets, [exact[i] for i in members], currency)):
            vats[i] = share
    return vats


def share_out(total: Decimal, targets: List[Decimal], exact: List[Decimal], currency: str) -> List[Decimal]:
    """Split a rounded `total` into parts near their `targets` that add up to it, each part its
    own `exact` amount rounded down or up to the minor unit (largest remainder, bounded): parts
    start at their targets rounded down, then take or give back single units, furthest from
    their target first (earlier lines first on ties). `total` lies between the sums of the
    exact amounts rounded down and rounded up, so the parts always fit their bounds."""
    quantum = exponent(currency)
    lows = [e.quantize(quantum, rounding=ROUND_DOWN) for e in exact]
    highs = [e.quantize(quantum, rounding=ROUND_UP) for e in exact]
    parts = [min(max(t.quantize(quantum, rounding=ROUND_DOWN), low), high)
             for t, low, high in zip(targets, lows, highs)]
    leftover = int((total - sum(parts, Decimal(0))) / quantum)
    step = quantum if leftover > 0 else -quantum
    movable = [i for i in range(len(parts)) if lows[i] <= parts[i] + step <= highs[i]]
    for i in sorted(movable, key=lambda i: (-(targets[i] - parts[i]) * step, i))[:abs(leftover)]:
        parts[i] += step
    return parts


def _group_by_rate(lines, priced_only: bool = True) -> Dict[Tuple[str, Decimal], List[int]]:
    groups: Dict[Tuple[str, Decimal], List[int]] = {}
    for i, line in enumerate(lines):
        if priced_only and _fixed(line):
            continue
        groups.setdefault((line.vat_category, line.vat_rate), []).append(i)
    return groups


def _fixed(line: LineInput) -> bool:
    """Its VAT is given (carried or stated), not worked out by the policy."""
    return line.carried is not None or line.stated_vat is not None


def _rate_totals(lines, line_totals) -> Tuple[RateTotal, ...]:
    rates = []
    for (category, rate), members in _group_by_rate(lines, priced_only=False).items():
        rates.append(RateTotal(
            category, rate,
            net=sum((line_totals[i].net for i in members), Decimal(0)),
            vat=sum((line_totals[i].vat for i in members), Decimal(0)),
            gross=sum((line_totals[i].gross for i in members), Decimal(0)),
            reverse_charge_vat=sum((line_totals[i].reverse_charge_vat for i in members), ZERO),
        ))
    return tuple(sorted(rates, key=lambda r: (-r.vat_rate, r.vat_category)))
