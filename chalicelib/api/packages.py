"""/packages"""
from chalice import Blueprint

from ..domain import vat
from ..domain.records import ACTIVE, ARCHIVED
from ..domain.schedules import UNITS
from ..domain.usage_lines import GROUPINGS
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
PACKAGE = Object({
    "name": String(required=True, example="Voice 1000"),
    "description": String(max_length=2000),
    "currency": CurrencyCode(nullable=False, description="Defaults to the tenant's base currency"),
    "fee": Amount(required=True, places=4, description="Tax-exclusive fee per whole period", example="30.00"),
    "period": Object(PERIOD.fields, required=True, description=PERIOD.description),
    "vat_category": VAT_CATEGORY,
    "vat_rate": VAT_RATE,
    "allowances": Array(ALLOWANCE, max_items=20),
    "rate_card_id": String(max_length=40, description="The rate card that prices usage, in the package's currency"),
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
