"""Oracles written from the rules' text, in exact fractions, sharing no code with the engine.

- HMRC VAT Notice 700 section 17.5: the total VAT payable on an invoice may be
  rounded down to a whole penny; VAT worked out per line may be rounded down to
  0.1p (one digit beyond the minor unit), or to the nearest 1p.
- HMRC manual VATREC12010: no option rounds each line down to a whole penny.
- VAT Regulations 1995 reg. 38 (VATREC13070): a credit note adjusts the VAT
  actually charged, so it can never take back more net or VAT at a rate than
  the invoice charged at it.
"""
from fractions import Fraction
from math import ceil, floor
from typing import Dict, Iterable, Tuple


def exact(value) -> Fraction:
    return Fraction(str(value))


def floor_to(value: Fraction, places: int) -> Fraction:
    scale = 10 ** places
    return Fraction(floor(value * scale), scale)


def ceil_to(value: Fraction, places: int) -> Fraction:
    scale = 10 ** places
    return Fraction(ceil(value * scale), scale)


def half_up_to(value: Fraction, places: int) -> Fraction:
    """Nearest, halves away from zero (amounts here are never negative)."""
    scale = 10 ** places
    return Fraction(floor(value * scale + Fraction(1, 2)), scale)


def line_vat(base, rate, inclusive: bool) -> Fraction:
    """The exact VAT of a line: rate/100 of a net amount, rate/(100+rate) of a gross one."""
    rate = exact(rate)
    return exact(base) * (rate / (100 + rate) if inclusive else rate / 100)


def hmrc_line_down_minimum(exact_vats: Iterable[Fraction], places: int) -> Fraction:
    """The least VAT HMRC allows with VAT per line rounded down (Notice 700 17.5):
    each line down to one digit beyond the minor unit, their total down to the minor unit."""
    return floor_to(sum((floor_to(v, places + 1) for v in exact_vats), Fraction(0)), places)


def charged_per_rate(document: Dict) -> Dict[Tuple[str, str], Tuple[Fraction, Fraction]]:
    """(category, rate) -> (net, VAT) of a document as the API shows it."""
    return {(r["vat_category"], r["vat_rate"]): (exact(r["net"]), exact(r["vat"]))
            for r in document["totals"]["rates"]}
