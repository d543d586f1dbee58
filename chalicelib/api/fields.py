"""Field declarations shared by several resources."""
from decimal import Decimal

from ..domain import vat
from ..domain.timeframes import PRESETS
from .schema import Amount, Choice, Date, Integer, Object, String

ADDRESS = Object({
    "line1": String(required=True, max_length=200),
    "line2": String(max_length=200),
    "city": String(max_length=100),
    "region": String(max_length=100),
    "postal_code": String(max_length=20),
    "country": String(min_length=2, max_length=2, pattern="[A-Za-z]{2}",
                      description="ISO 3166-1 alpha-2 country code", example="GB"),
}, description="A postal address")

VAT_NUMBER = String(min_length=4, max_length=20, pattern="[A-Za-z0-9 ]+", example="GB123456789")
PHONE = String(max_length=40, pattern=r"[0-9+()\-. ]+", example="+44 20 7946 0000")
NOTES = String(max_length=5000)
VAT_CATEGORY = Choice(vat.CATEGORIES, nullable=False, example="standard")
VAT_RATE = Amount(maximum=Decimal(100), places=3, description="Percent, e.g. \"20\"", example="20")


def list_query(statuses) -> dict:
    """Query parameters of every list of records: status, creation timeframe, search, page."""
    return {
        "status": Choice(statuses),
        "from": Date(description="Created on or after this date (UTC)"),
        "to": Date(description="Created on or before this date (UTC)"),
        "timeframe": Choice(PRESETS, description="A named period instead of from/to"),
        "q": String(max_length=100, description="Case-insensitive text search"),
        "limit": Integer(minimum=1, maximum=100, from_text=True, description="Page size, default 50"),
        "cursor": String(max_length=2000, description="next_cursor of the previous page"),
    }
