"""A rate card version's rows from JSON objects or CSV text, every problem named by row and field. Pure.

`rows[i]` names the i-th row (counted from 0): the i-th object of a JSON `rows`
array, or the i-th data row of a CSV (line i + 2, after its header). A prefix
may be written as a number is dialled (`+44`, `0044`, `44`): all three are 44,
so two of them in one card are a duplicate.
"""
import csv
import io
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Mapping

from .errors import FieldProblem, ValidationError, invalid
from .rating import Increment, RateCard, RateRow, normalise_number
from .usage_terms import MAX_RATE_CARD_ROWS as MAX_ROWS

COLUMNS = ("prefix", "destination", "price_per_minute", "connection_fee", "minimum_charge", "increment")
REQUIRED = ("prefix", "destination", "price_per_minute", "increment")
MAX_PLACES = 8
MAX_PRICE = Decimal(1_000_000)
_REPORTED = 50  # problems listed at most; the first are enough to fix a file


def _amount(value: Any, field: str) -> Decimal:
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip() or "0")
    except InvalidOperation:
        raise invalid(field, "must be a decimal number such as 0.0125") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_PRICE:
        raise invalid(field, "must be an amount from 0 to 1,000,000")
    if -amount.as_tuple().exponent > MAX_PLACES:
        raise invalid(field, f"must have at most {MAX_PLACES} decimal places")
    return amount


def _row(values: Mapping[str, Any]) -> RateRow:
    missing = [name for name in REQUIRED if values.get(name) in (None, "")]
    if missing:
        raise ValidationError(f"{missing[0]}: is required", [(name, "is required") for name in missing])
    return RateRow(normalise_number(str(values["prefix"]), field="prefix"), str(values["destination"]).strip(),
                   _amount(values["price_per_minute"], "price_per_minute"),
                   _amount(values.get("connection_fee") or 0, "connection_fee"),
                   _amount(values.get("minimum_charge") or 0, "minimum_charge"),
                   Increment.parse(str(values["increment"])))


def card_from_rows(rows: List[Mapping[str, Any]]) -> RateCard:
    """The card the rows make; raises ValidationError listing each bad row's fields."""
    if not rows:
        raise invalid("rows", "must hold at least one row")
    if len(rows) > MAX_ROWS:
        raise invalid("rows", f"may hold at most {MAX_ROWS:,} rows")
    made, problems = [], []
    for index, values in enumerate(rows):
        try:
            made.append(_row(values))
        except ValidationError as error:
            problems += [(f"rows[{index}].{field}", message) for field, message in error.details]
    if problems:
        _refuse(problems)
    return RateCard(made)


def card_from_csv(text: str) -> RateCard:
    """The card of a CSV with a header row naming the COLUMNS (connection_fee and minimum_charge
    may be left out); columns are matched without regard to case or surrounding spaces."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip().lower() for name in next(reader, [])]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ValidationError(f"csv: the header lacks {', '.join(missing)}",
                              [("csv", f"the header row must name the column {name}") for name in missing])
    rows = [dict(zip(header, cells)) for cells in reader if any(cell.strip() for cell in cells)]
    return card_from_rows(rows)


def rows_as_dicts(card: RateCard) -> List[Dict[str, str]]:
    """The card's rows as the API shows them (and stores them): every value a string."""
    return [{"prefix": row.prefix, "destination": row.destination, "price_per_minute": str(row.price_per_minute),
             "connection_fee": str(row.connection_fee), "minimum_charge": str(row.minimum_charge),
             "increment": str(row.increment)} for row in card.rows]


def _refuse(problems: List[FieldProblem]) -> None:
    shown = problems[:_REPORTED]
    more = f" (and {len(problems) - len(shown)} more problems)" if len(problems) > len(shown) else ""
    raise ValidationError(f"{shown[0][0]}: {shown[0][1]}{more}", shown)
