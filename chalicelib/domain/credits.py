"""What credit notes may take back from the invoice they correct.

A credit note adjusts the VAT actually charged (VAT Regulations 1995 reg. 38,
HMRC manual VATREC13070): at no VAT rate may one credit note, or all of an
invoice's issued credit notes together, take back more net or more VAT than
the invoice charged at that rate. The invoice keeps what each of its issued
credit notes takes back per rate (`credited`: note id -> rates), so the limit
is checked in the transaction that issues, edits or voids a credit note.
"""
from decimal import Decimal
from typing import Any, Dict, Iterable, List, NamedTuple, Tuple

from .errors import Conflict, invalid
from .money import check_places, round_money
from .pricing import share_out

Rate = Dict[str, Any]  # a stored per-rate total: vat_category, vat_rate, net, vat (, gross)
ZERO = Decimal(0)


class RateLeft(NamedTuple):
    vat_category: str
    vat_rate: Decimal
    net: Decimal
    vat: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.vat


def rate_key(category: str, rate: Decimal) -> Tuple[str, str]:
    """20, 20.0 and 20.00 are one rate."""
    return category, format(Decimal(rate).normalize(), "f")


def left_to_credit(charged: Iterable[Rate], credited: Dict[str, List[Rate]]) -> List[RateLeft]:
    """Per rate the invoice charged (highest first), the net and VAT its credit notes have not
    taken back yet."""
    taken = _taken(credited)
    left = []
    for rate in charged:
        net, vat = taken.pop(rate_key(rate["vat_category"], rate["vat_rate"]), (ZERO, ZERO))
        left.append(RateLeft(rate["vat_category"], rate["vat_rate"], rate["net"] - net, rate["vat"] - vat))
    return left


def check_within(charged: Iterable[Rate], credited: Dict[str, List[Rate]], currency: str) -> None:
    """Refuse (409) credit notes that together take back more net or VAT at a rate than charged."""
    charged = list(charged)
    known = {rate_key(r["vat_category"], r["vat_rate"]) for r in charged}
    for (category, rate), _ in _taken(credited).items():
        if (category, rate) not in known:
            raise Conflict(f"The invoice charged nothing at {rate}% ({category})",
                           [("lines", f"credit {category} VAT at {rate}%, which the invoice does not charge")])
    for left in left_to_credit(charged, credited):
        for name, amount in (("net", left.net), ("VAT", left.vat)):
            if amount < 0:
                raise Conflict(
                    f"With this credit note the invoice's credit notes would take back {-amount:f} {currency} "
                    f"more {name} at {left.vat_rate}% ({left.vat_category}) than the invoice charged",
                    [("lines", f"credit more {name} at {left.vat_rate}% than the invoice has left to credit")])


def amount_shares(left: List[RateLeft], amount: Decimal, currency: str) -> List[Tuple[RateLeft, Decimal]]:
    """A gross amount shared over the rates in proportion to the gross each has left to credit
    (largest remainder, so the shares add up to the amount and none exceeds its rate's gross)."""
    check_places(amount, currency, "amount")
    whole = sum((r.gross for r in left), ZERO)
    if amount > whole:
        raise invalid("amount", f"is more than the {whole:f} {currency} the invoice has left to credit")
    exact = [amount * r.gross / whole for r in left]
    return list(zip(left, share_out(amount, exact, exact, currency)))


def named_shares(left: List[RateLeft], named: List[Dict[str, Any]], currency: str) -> List[Tuple[RateLeft, Decimal]]:
    """The caller's own split: a gross amount per rate, each at most what that rate has left."""
    by_key = {rate_key(r.vat_category, r.vat_rate): r for r in left}
    shares = []
    for i, share in enumerate(named):
        field = f"rates[{i}]"
        rate = by_key.pop(rate_key(share["vat_category"], share["vat_rate"]), None)
        if rate is None:
            raise invalid(f"{field}.vat_rate", "is not a rate of the invoice, or is named twice")
        check_places(share["amount"], currency, f"{field}.amount")
        if share["amount"] > rate.gross:
            raise invalid(f"{field}.amount", f"is more than the {rate.gross:f} {currency} left to credit at this rate")
        shares.append((rate, share["amount"]))
    return shares


def credit_lines(shares: List[Tuple[RateLeft, Decimal]], currency: str, label: str) -> List[Dict[str, Any]]:
    """One line per rate with a share: its VAT is the share's part of the VAT the rate has left
    (so it never exceeds it, nor its net the net left), carried as it is, never re-rounded."""
    lines = []
    for rate, gross in shares:
        if gross <= 0:
            continue
        vat = round_money(gross * rate.vat / rate.gross, currency) if rate.vat else ZERO
        lines.append({"description": label, "quantity": Decimal(1), "unit_price": gross - vat,
                      "vat_category": rate.vat_category, "vat_rate": rate.vat_rate,
                      "carried": {"net": gross - vat, "vat": vat}})
    return lines


def line_credit(line: Dict[str, Any]) -> Dict[str, Any]:
    """An invoice line credited whole: what it took from a product (which may since be archived)
    stays, and it carries the net and VAT the invoice shows for it."""
    kept = {k: v for k, v in line.items()
            if k not in ("product_id", "net", "vat", "gross", "discount_amount", "reverse_charge_vat")}
    return {**kept, "carried": {"net": line["net"], "vat": line["vat"]}}


def _taken(credited: Dict[str, List[Rate]]) -> Dict[Tuple[str, str], Tuple[Decimal, Decimal]]:
    """(category, rate) -> the net and VAT all the credit notes take back at it."""
    taken: Dict[Tuple[str, str], Tuple[Decimal, Decimal]] = {}
    for rates in credited.values():
        for rate in rates:
            key = rate_key(rate["vat_category"], rate["vat_rate"])
            net, vat = taken.get(key, (ZERO, ZERO))
            taken[key] = (net + rate["net"], vat + rate["vat"])
    return taken
