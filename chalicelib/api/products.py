"""/products"""

from chalice import Blueprint

from ..domain import vat
from ..domain.records import ACTIVE, ARCHIVED
from ..lazy import lazy
from .fields import VAT_CATEGORY, VAT_RATE, list_query
from .record_routes import register_record_routes
from .schema import Amount, CurrencyCode, Object, String

products = Blueprint(__name__)
PRODUCTS = lazy("chalicelib.services.products", "PRODUCTS")

PRODUCT = Object({
    "name": String(required=True, example="Bookkeeping, monthly"),
    "description": String(max_length=2000),
    "code": String(max_length=64, pattern=r"[A-Za-z0-9._/\-]+", description="SKU, unique per tenant",
                   example="BK-MONTHLY"),
    "unit": String(max_length=20, example="hour"),
    "unit_price": Amount(required=True, places=4, description="Tax-exclusive price of one unit",
                         example="125.00"),
    "currency": CurrencyCode(nullable=False, description="Defaults to the tenant's base currency"),
    "vat_category": VAT_CATEGORY,
    "vat_rate": VAT_RATE,
})

register_record_routes(
    products, path="/products", tag="Products", label="product", rtype=PRODUCTS, schema=PRODUCT,
    query=list_query((ACTIVE, ARCHIVED)),
    # The VAT rate follows the category unless given (services/products.py).
    defaults=lambda ctx: {"currency": ctx.base_currency, "vat_category": vat.STANDARD},
)
