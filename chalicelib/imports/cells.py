"""One spreadsheet cell read as the value the API expects, or a reason it cannot be.

Cells arrive as text (CSV, or XLSX values already turned into text). Amounts
become decimal strings, dates ISO dates; the API's own schemas then check
ranges and decimal places, exactly as for a request.
"""
import re
from datetime import date
from decimal import Decimal
from typing import Any, Callable, List, Tuple

from ..domain import vat


class CellError(ValueError):
    """Why a cell cannot be read; the message names no column (the caller adds it)."""


_FORMULA_START = ("=", "@")
_SIGNED_NUMBER = re.compile(r"[+-]\d[\d,]*(\.\d+)?")
_PHONE_LIKE = re.compile(r"\+[\d ()\-.]+")
_PLAIN_AMOUNT = re.compile(r"-?\d+(\.\d+)?")
_GROUPED_AMOUNT = re.compile(r"-?\d{1,3}(,\d{3})+(\.\d+)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_TRUE, _FALSE = ("true", "yes", "y", "1"), ("false", "no", "n", "0")


def looks_like_formula(text: str) -> bool:
    """Spreadsheet programs run cells that start with =, @, + or - (CSV injection).

    A signed number (-12.50) or a phone number (+44 20 ...) is data, not a formula."""
    if not text:
        return False
    if text[0] in _FORMULA_START:
        return True
    if text[0] in "+-":
        return not (_SIGNED_NUMBER.fullmatch(text) or _PHONE_LIKE.fullmatch(text))
    return False


def read_text(text: str) -> str:
    return text


def read_amount(text: str) -> str:
    """1234.50 or 1,234.50 (comma-grouped thousands) -> "1234.50"; anything else is refused."""
    if _PLAIN_AMOUNT.fullmatch(text):
        return text
    if _GROUPED_AMOUNT.fullmatch(text):
        return text.replace(",", "")
    if re.fullmatch(r"-?\d+,\d{1,2}", text) or re.fullmatch(r"-?\d{1,3}(\.\d{3})+,\d+", text):
        raise CellError("uses a comma as the decimal mark; write 1234.50")
    if re.search(r"[£$€¥]", text):
        raise CellError("must be a number without a currency sign, such as 1234.50")
    raise CellError("must be a number such as 1234.50")


def read_date(text: str) -> str:
    """An ISO date (2026-03-31) or a UK one (31/03/2026); the ISO form comes back."""
    iso, uk = _ISO_DATE.fullmatch(text), _UK_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3])).isoformat()
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1])).isoformat()
    except ValueError:
        raise CellError("is not a real date") from None
    raise CellError("must be a date as YYYY-MM-DD or DD/MM/YYYY")


def read_integer(text: str) -> int:
    if not re.fullmatch(r"-?\d{1,9}", text):
        raise CellError("must be a whole number")
    return int(text)


def read_boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CellError("must be true or false (yes/no)")


def read_list(text: str) -> List[str]:
    """Several values in one cell (emails), separated by ; or , or spaces."""
    return [part for part in re.split(r"[;,\s]+", text) if part]


def read_tax_type(text: str) -> Tuple[str, str]:
    """Xero's tax rate names (UK) as (VAT category, rate)."""
    lowered = text.lower()
    for words, category in (("zero", vat.ZERO), ("exempt", vat.EXEMPT), ("no vat", vat.OUTSIDE_SCOPE),
                            ("reverse charge", vat.REVERSE_CHARGE)):
        if words in lowered:
            return category, "0"
    percent = re.match(r"\s*(\d{1,3}(\.\d+)?)\s*%", text)
    if percent:
        rate = Decimal(percent[1])
        return (vat.REDUCED if rate == vat.default_rate(vat.REDUCED) else vat.STANDARD), percent[1]
    raise CellError("is not a tax rate we know, such as \"20% (VAT on Income)\", \"Zero Rated Income\" "
                    "or \"No VAT\"")


# Country names other systems write for the United Kingdom; any other country as its ISO code.
_UK_NAMES = ("united kingdom", "uk", "great britain", "england", "scotland", "wales", "northern ireland")


def read_country(text: str) -> str:
    """The United Kingdom by name as GB; anything else as written, for the address's own check (it
    matters only on a customer the upload creates)."""
    return "GB" if " ".join(text.lower().split()) in _UK_NAMES else text.strip()


READERS = {
    "text": read_text, "amount": read_amount, "date": read_date, "integer": read_integer,
    "boolean": read_boolean, "list": read_list, "tax_type": read_tax_type, "country": read_country,
}


def read_cell(kind: str, text: str) -> Any:
    """The value of a non-empty cell for a column read as `kind`; CellError says why not."""
    if looks_like_formula(text):
        raise CellError("looks like a spreadsheet formula (starts with "
                        f"{text[0]!r}); formulas are never imported")
    return READERS[kind](text)


def column_reader(kind: str) -> Callable[[str], Any]:
    """read_cell for the cells of one column. Text is checked for a formula's first character only;
    other kinds keep the last cell's answer (a document's own cells repeat on each of its rows, a VAT
    rate on most), except lists, which the caller may change."""
    if kind == "text":
        return _read_text_cell
    if kind == "list":
        return lambda text: read_cell(kind, text)
    last: Tuple[str, Any, Any] = ("", None, None)  # a cell's text, its value, its error's message

    def read(text: str) -> Any:
        nonlocal last
        seen, value, error = last
        if text != seen:
            try:
                value, error = read_cell(kind, text), None
            except CellError as refused:
                value, error = None, str(refused)
            last = (text, value, error)
        if error is not None:
            raise CellError(error)
        return value

    return read


def _read_text_cell(text: str) -> str:
    if text[0] in "=@+-":
        return read_cell("text", text)
    return text
