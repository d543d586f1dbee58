"""/packages"""
from chalice import Blueprint

from ..domain import vat
from ..domain.records import ACTIVE, ARCHIVED
from ..domain.schedules import UNITS
from ..domain.usage_terms import GROUPINGS
from ..lazy import lazy
from .fields import VAT_CATEGORY, VAT_RATE, list_query
from .record_routes import register_record_routes
from .schema import Amount, Array, Choice, CurrencyCode, Integer, Object, String

packages = Blueprint(__name__)
_SERVICE = "chalicelib.services.packages"
PACKAGES = lazy(_SERVICE, "PACKAGES")
check_references = lazy(_SERVICE, "check_references")

PERIOD = Object({
    "unit": Choice(UNITS, required=True, example="month"),
    "interval": Integer(minimum=1, maximum=365, required=True, example=1,
                        description="Every N units: month 1, quarter = month 3, year 1"),
}, description="The billing period")
ALLOWANCE = Object({
    "prefix": String(required=True, max_length=20, pattern="[0-9]+", example="44",
                     description="Covers destinations whose prefix starts with these digits"),
    "minutes": Integer(required=True, minimum=1, maximum=100_000_000, example=1000,
                       description="Billable minutes included each period"),
    "label": String(required=True, max_length=100, example="UK destinations"),
})
METRIC_PRICE = Object({
    "metric": String(required=True, max_length=64, pattern=r"[A-Za-z0-9_.\-]+", example="api_calls",
                     description="The metric code of the metered events it prices"),
    "unit_price": Amount(required=True, places=8, maximum=1000000, example="0.0015",
                         description="Tax-exclusive price per unit of quantity (up to 8 decimals)"),
    "included": Amount(places=6, maximum=999999999, example="1000",
                       description="Quantity included each period before any is charged (default 0)"),
    "unit": String(max_length=20, example="requests", description="The quantity's unit, shown on the invoice"),
    "description": String(max_length=100, example="API requests",
                          description="The invoice line's text (default: the metric code)"),
})
PACKAGE = Object({
    "name": String(required=True, example="Voice 1000"),
    "description": String(max_length=2000),
    "currency": CurrencyCode(nullable=False, description="Defaults to the tenant's base currency"),
    "fee": Amount(required=True, places=4, description="Tax-exclusive fee per whole period", example="30.00"),
    "period": Object(PERIOD.fields, required=True, description=PERIOD.description),
    "vat_category": VAT_CATEGORY,
    "vat_rate": VAT_RATE,
    "allowances": Array(ALLOWANCE, max_items=20),
    "rate_card_id": String(max_length=40, description="The rate card that prices calls, in the package's currency"),
    "metrics": Array(METRIC_PRICE, max_items=40,
                     description="Prices of metered events by metric; events of other metrics are kept unrated"),
    "usage_grouping": Choice(GROUPINGS, nullable=False,
                             description="Usage lines on the invoice: one per destination, per day, per destination "
                                         "and day, or a single line (default: the tenant's usage_grouping)"),
})

register_record_routes(
    packages, path="/packages", tag="Packages", label="package", rtype=PACKAGES, schema=PACKAGE,
    query=list_query((ACTIVE, ARCHIVED)),
    defaults=lambda ctx: {"currency": ctx.base_currency, "vat_category": vat.STANDARD},
    references=lambda ctx, record_id, fields: check_references(ctx.tenant_id, record_id, fields),
)
