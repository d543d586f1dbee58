"""/customers"""
from chalice import Blueprint

from ..domain.timeframes import PRESETS
from ..domain.records import ACTIVE, ARCHIVED, DEFAULT_PAYMENT_TERMS_DAYS
from ..lazy import lazy
from .document_routes import FILE_LINK, SEND
from .fields import ADDRESS, NOTES, PHONE, VAT_NUMBER, list_query
from .peppol_field import PEPPOL_ID
from .record_routes import register_record_routes
from .routing import RequestContext, route
from .schema import Array, Choice, CurrencyCode, Date, Email, Integer, Object, String

customers = Blueprint(__name__)
CUSTOMERS = lazy("chalicelib.services.customers", "CUSTOMERS")
account_summary = lazy("chalicelib.services.customer_accounts", "account_summary")
statement = lazy("chalicelib.services.customer_accounts", "statement")
statement_link = lazy("chalicelib.services.statements", "statement_link")
email_statement = lazy("chalicelib.services.statements", "email_statement")
tenant_today = lazy("chalicelib.services.local_dates", "tenant_today")
tenant_timeframe = lazy("chalicelib.services.local_dates", "tenant_timeframe")

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
    "peppol_id": PEPPOL_ID,
    "currency": CurrencyCode(nullable=False, description="Defaults to the tenant's base currency"),
    "payment_terms_days": Integer(minimum=0, maximum=365, nullable=False, description="Default 30"),
    "notes": NOTES,
})

register_record_routes(
    customers, path="/customers", tag="Customers", label="customer", rtype=CUSTOMERS, schema=CUSTOMER,
    query=list_query((ACTIVE, ARCHIVED)),
    defaults=lambda ctx: {"currency": ctx.base_currency,
                          "payment_terms_days": DEFAULT_PAYMENT_TERMS_DAYS},
    enrich=lambda ctx, item: {"balances": account_summary(ctx.tenant_id, item.id, tenant_today(ctx.tenant_id))},
)

STATEMENT_QUERY = {"from": Date(), "to": Date(description="Default today (the tenant's time zone)"),
                   "timeframe": Choice(PRESETS),
                   "currency": CurrencyCode(description="Default the customer's currency")}


@route(customers, "/customers/{customer_id}/statement", "GET", tag="Customers", query=STATEMENT_QUERY,
       render=lambda body: body,
       summary="Opening balance, every invoice, credit note, payment, allocation and refund with a "
               "running balance, the closing balance, and aged debt")
def customer_statement(ctx: RequestContext, customer_id):
    return statement(*_statement_arguments(ctx, customer_id, ctx.query))


@route(customers, "/customers/{customer_id}/statement/pdf", "GET", tag="Customers", query=STATEMENT_QUERY,
       render=lambda link: link, response=FILE_LINK, summary="A link to the statement as a PDF")
def customer_statement_pdf(ctx: RequestContext, customer_id):
    return statement_link(*_statement_arguments(ctx, customer_id, ctx.query))


@route(customers, "/customers/{customer_id}/statement/send", "POST", tag="Customers",
       body=Object({"statement": Object(STATEMENT_QUERY, description="Which statement (default: to today)"),
                    **SEND.fields}), render=lambda body: body,
       summary="Email the statement's PDF to the customer, noted in the customer's history")
def send_customer_statement(ctx: RequestContext, customer_id):
    period = ctx.body.get("statement") or {}
    return email_statement(ctx.tenant_id, ctx.actor, *_statement_arguments(ctx, customer_id, period)[1:],
                           options=ctx.body)


def _statement_arguments(ctx: RequestContext, customer_id: str, given: dict):
    first, last = tenant_timeframe(ctx.tenant_id, given)
    return (ctx.tenant_id, CUSTOMERS.store.get(ctx.tenant_id, customer_id), first,
            last or tenant_today(ctx.tenant_id), given.get("currency"))
