"""Lines a generated invoice cannot carry at their price, put at no charge for a person to correct. Pure.

No document may carry more than money.MAX_AMOUNT (a line, or the total with its
VAT). An invoice the scheduler makes (a subscription's usage from a meter gone
wrong, a recurring template whose product's price grew) can come to more:
instead of failing on every retry, its largest line is put at no charge, then
the next largest, until the invoice fits. Each such line keeps its quantity and
says what it came to; the scheduler holds the invoice back (not_issued) with
those sentences as the reason.
"""
from decimal import Decimal
from typing import Any, Dict, List, Sequence, Tuple

from .documents import price
from .errors import OverMaximum
from .money import MAX_AMOUNT, round_money
from .pricing import Policy, Totals

ZERO = Decimal(0)


def within_maximum(lines: Sequence[Dict[str, Any]], currency: str,
                   policy: Policy) -> Tuple[List[Dict[str, Any]], Totals, List[str]]:
    """The lines (completed), those over the maximum at no charge; their totals; a sentence for each held."""
    lines, held = list(lines), []
    while True:
        try:
            return lines, price(lines, currency, policy), held
        except OverMaximum:
            index = max(range(len(lines)), key=lambda i: _amount(lines[i]))
            amount = _amount(lines[index])
            if not amount:
                raise
            reason = (f"{lines[index]['description']}: {round_money(amount, currency):,} {currency} would take the "
                      f"invoice over the {MAX_AMOUNT:,} a document may carry; at no charge")
            held.append(reason)
            lines[index] = {**{k: v for k, v in lines[index].items() if k != "discount"},
                            "description": reason, "unit_price": ZERO}


def _amount(line: Dict[str, Any]) -> Decimal:
    return line["quantity"] * line["unit_price"]
