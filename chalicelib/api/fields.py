"""Field declarations shared by several resources."""
from decimal import Decimal

from ..domain import countries, vat
from ..domain.timeframes import PRESETS
from .schema import Amount, Choice, Date, Integer, Object, String


LINE_PERIOD = Object({"start": Date(required=True), "end": Date(required=True, description="On or after the start")},
                     description="The days the line bills, first and last (EN 16931's line period): a subscription's "
                                 "fee and usage lines have one; the PDF and the e-invoice show it")


class Checked(String):
    """A string that must also pass a domain rule: `check(value)` says why not, or None."""

    def __init__(self, check, upper: bool = False, published: dict = None, **kwargs):
        super().__init__(**kwargs)
        self.check, self.upper, self.published = check, upper, published or {}

    def parse(self, value, path, problems):
        before = len(problems.items)
        value = super().parse(value, path, problems)
        if value is None or len(problems.items) > before:
            return value
        value = value.upper() if self.upper else value
        problem = self.check(value.upper())
        if problem:
            problems.add(path, problem)
        return value

    def openapi(self):
        return {**super().openapi(), **self.published}  # the rule, as far as JSON Schema says it


ADDRESS = Object({
    "line1": String(required=True, max_length=200),
    "line2": String(max_length=200),
    "city": String(max_length=100),
    "region": String(max_length=100),
    "postal_code": String(max_length=20),
    "country": Checked(countries.country_problem, upper=True, min_length=2, max_length=2, pattern="[A-Za-z]{2}",
                       published={"enum": sorted(countries.COUNTRIES)},
                       description="ISO 3166-1 alpha-2 country code (GB for the United Kingdom)", example="GB"),
}, description="A postal address")

VAT_NUMBER = Checked(countries.vat_number_problem, min_length=4, max_length=20, pattern="[A-Za-z0-9 ]+",
                     published={"pattern": countries.VAT_NUMBER_PATTERN},
                     example="GB123456789",
                     description="With its country's prefix (GB, XI, EL for Greece), in that country's published form")
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
