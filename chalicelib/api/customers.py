"""/customers"""
from chalice import Blueprint

from ..services.customers import CUSTOMERS, DEFAULT_PAYMENT_TERMS_DAYS
from ..services.records import ACTIVE, ARCHIVED
from .fields import ADDRESS, NOTES, PHONE, VAT_NUMBER, list_query
from .record_routes import register_record_routes
from .schema import Array, CurrencyCode, Email, Integer, Object, String

customers = Blueprint(__name__)

CUSTOMER = Object({
    "name": String(required=True, description="How the customer appears on documents",
                   example="Acme Trading"),
    "company": String(),
    "contact_name": String(),
    "emails": Array(Email(), max_items=10, description="Documents are sent to these addresses"),
    "phone": PHONE,
    "billing_address": ADDRESS,
    "shipping_address": ADDRESS,
    "vat_number": VAT_NUMBER,
    "currency": CurrencyCode(description="Defaults to the tenant's base currency"),
    "payment_terms_days": Integer(minimum=0, maximum=365, description="Default 30"),
    "notes": NOTES,
})

register_record_routes(
    customers, path="/customers", tag="Customers", rtype=CUSTOMERS, schema=CUSTOMER,
    query=list_query((ACTIVE, ARCHIVED)),
    defaults=lambda ctx: {"currency": ctx.base_currency,
                          "payment_terms_days": DEFAULT_PAYMENT_TERMS_DAYS},
)
