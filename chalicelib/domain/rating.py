"""Rating calls against a rate card, pure.

A card's rows are priced by destination prefix; the longest prefix of the
dialled number wins (`447` UK mobile before `44` UK). Numbers are read as
digits after stripping spaces and one leading `+` or `00`; anything else in a
number (letters, dashes, brackets, a second `+`) is refused, not guessed at.
Nested prefixes are the point of a card; two rows of one card with the same
prefix are refused (the API reads `+44`, `0044` and `44` as the same prefix).

The charge of one call (the rule the README's "Usage" section shows worked):

- billable seconds: a 0-second call bills 0; otherwise the `first` increment,
  then whole `next` increments to cover the rest (`30/6`: 7 s bills 30 s,
  31 s bills 36 s, 37 s bills 42 s);
- charge = price_per_minute x billable_seconds / 60 + connection_fee, and at
  least minimum_charge (the minimum applies to the sum, the fee included);
- a 0-second call (not answered) costs nothing: no connection fee, no minimum;
- the exact charge is rounded half-up to whole micros (millionths of the
  currency unit) once per call; micros are integers, so totals add up exactly,
  and an invoice line is rounded to the currency's minor unit only from its
  summed micros.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, Iterable, Optional

from .errors import invalid

MICROS = 1_000_000
INCREMENT_FORM = 'must be "first/next" whole seconds of 1 or more, such as 60/60, 1/1 or 30/6'


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


@dataclass(frozen=True)
class Increment:
    """Telecom billing increments: the first `first` seconds, then steps of `next` seconds."""
    first: int
    next: int

    def __post_init__(self) -> None:
        if self.first < 1 or self.next < 1:
            raise invalid("increment", INCREMENT_FORM)

    @classmethod
    def parse(cls, text: str, field: str = "increment") -> "Increment":
        parts = [part.strip() for part in str(text).split("/")]
        if len(parts) != 2 or not all(_digits(part) and int(part) > 0 for part in parts):
            raise invalid(field, INCREMENT_FORM)
        return cls(int(parts[0]), int(parts[1]))

    def __str__(self) -> str:
        return f"{self.first}/{self.next}"


def _check_amount(value: Decimal, field: str) -> None:
    if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
        raise invalid(field, "must be an amount of 0 or more")


@dataclass(frozen=True)
class RateRow:
    prefix: str  # digits only
    destination: str  # e.g. "UK mobile"
    price_per_minute: Decimal  # 4+ decimals allowed
    connection_fee: Decimal
    minimum_charge: Decimal
    increment: Increment

    def __post_init__(self) -> None:
        if not _digits(self.prefix):
            raise invalid("prefix", "must be digits only, such as 44 or 447")
        if not self.destination.strip():
            raise invalid("destination", "must not be blank")
        _check_amount(self.price_per_minute, "price_per_minute")
        _check_amount(self.connection_fee, "connection_fee")
        _check_amount(self.minimum_charge, "minimum_charge")


def _places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)


class _PricedRow:
    """A row's prices as integers over one power of ten, so rating a call is integer arithmetic."""
    __slots__ = ("row", "price", "fee", "minimum", "denominator")

    def __init__(self, row: RateRow) -> None:
        scale = max(_places(row.price_per_minute), _places(row.connection_fee), _places(row.minimum_charge))
        self.row = row
        self.price = int(row.price_per_minute.scaleb(scale))
        self.fee = int(row.connection_fee.scaleb(scale)) * 60
        self.minimum = int(row.minimum_charge.scaleb(scale)) * 60
        self.denominator = 60 * 10 ** scale  # the charge is (price x seconds + fee) / denominator

    def micros(self, billable: int) -> int:
        if billable == 0:
            return 0
        charge = max(self.price * billable + self.fee, self.minimum) * MICROS
        return (2 * charge + self.denominator) // (2 * self.denominator)  # half-up, charges are >= 0


class RateCard:
    """The rows of one card version; each prefix once."""

    def __init__(self, rows: Iterable[RateRow]) -> None:
        self.rows = tuple(rows)
        self._priced: Dict[str, _PricedRow] = {}
        first_index: Dict[str, int] = {}
        for index, row in enumerate(self.rows):
            if row.prefix in first_index:
                raise invalid(f"rows[{index}].prefix",
                              f"{row.prefix} is already the prefix of rows[{first_index[row.prefix]}]")
            first_index[row.prefix] = index
            self._priced[row.prefix] = _PricedRow(row)
        self._longest = max(map(len, self._priced), default=0)

    def _lookup(self, digits: str) -> Optional[_PricedRow]:
        for length in range(min(len(digits), self._longest), 0, -1):
            found = self._priced.get(digits[:length])
            if found is not None:
                return found
        return None

    def match(self, number: str) -> Optional[RateRow]:
        """The row of the longest prefix of `number`, or None."""
        found = self._lookup(normalise_number(number))
        return found.row if found else None


def normalise_number(number: str, field: str = "number") -> str:
    """The digits of a dialled number: spaces and one leading `+` or `00` removed."""
    digits = str(number).replace(" ", "")
    if digits.startswith("+"):
        digits = digits[1:]
    elif digits.startswith("00"):
        digits = digits[2:]
    if not _digits(digits):
        raise invalid(field, "must be a telephone number: digits, optionally after + or 00, spaces allowed")
    return digits


def _check_duration(duration: int) -> None:
    if duration < 0:
        raise invalid("duration_seconds", "must not be negative")


def billable_seconds(duration: int, increment: Increment) -> int:
    _check_duration(duration)
    if duration == 0:
        return 0
    beyond_first = max(0, duration - increment.first)
    return increment.first + -(-beyond_first // increment.next) * increment.next


@dataclass(frozen=True)
class RatedCall:
    prefix: str
    destination: str
    billable_seconds: int
    amount_micros: int  # the call's charge in integer millionths of the currency unit


def rate_call(number: str, duration_seconds: int, card: RateCard) -> Optional[RatedCall]:
    """The call rated by the card's longest matching prefix; None when no prefix matches.

    Raises ValidationError (field `number` or `duration_seconds`) for a malformed number or a
    negative duration."""
    _check_duration(duration_seconds)
    priced = card._lookup(normalise_number(number))
    if priced is None:
        return None
    billable = billable_seconds(duration_seconds, priced.row.increment)
    return RatedCall(priced.row.prefix, priced.row.destination, billable, priced.micros(billable))
