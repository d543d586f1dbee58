"""/invoices and /dashboard"""
from chalice import Blueprint

from ..domain.documents import INVOICE_STATUSES, MAX_LINES, OVERDUE
from ..domain.timeframes import PRESETS
from ..lazy import lazy
from .document_routes import register_document_routes, tenant_timeframe
from .fields import LINE_PERIOD, NOTES, VAT_CATEGORY, VAT_RATE
from .routing import RequestContext, route
from .schema import Amount, Array, Boolean, Choice, CurrencyCode, Date, Integer, Object, String

invoices = Blueprint(__name__)
INVOICE = lazy("chalicelib.services.document_types", "INVOICE")
dashboard = lazy("chalicelib.services.dashboard", "dashboard")

# A recurring template's line has no period: each invoice it makes bills other days.
TEMPLATE_LINE = Object({
    "product_id": String(max_length=40, description="Copies the product's name, price, unit and VAT "
                                                    "into the line; the line may override each"),
    "description": String(max_length=1000),
    "quantity": Amount(required=True, places=4, minimum=0, exclusive_minimum=True, maximum=999999999,
                       example="2"),
    "unit": String(max_length=20),
    "unit_price": Amount(places=4, example="95.00"),
    "discount": Object({"type": Choice(("percent", "amount"), required=True),
                        "value": Amount(required=True, places=4, example="10")}),
    "vat_category": VAT_CATEGORY,
    "vat_rate": VAT_RATE,
})
LINE = Object({**TEMPLATE_LINE.fields, "period": LINE_PERIOD})


def lines_of(line: Object) -> Array:
    return Array(line, min_items=1, max_items=MAX_LINES, required=True)


COMMON = {
    "currency": CurrencyCode(description="Defaults to the customer's currency"),
    "issue_date": Date(description="Set when issued if left out (today, tenant's time zone)"),
    "reference": String(max_length=100, description="Purchase order or other reference"),
    "notes": NOTES,
    "prices_include_vat": Boolean(description="Unit prices include VAT (default false)"),
    "lines": lines_of(LINE),
}
INVOICE_BODY = Object({
    "customer_id": String(required=True, max_length=40),
    **COMMON,
    "due_date": Date(description="Defaults to the issue date plus the payment terms"),
    "payment_terms_days": Integer(minimum=0, maximum=365, description="Defaults to the customer's"),
})


def list_query(statuses, dated_by_due: bool) -> dict:
    return {
        "status": Choice(statuses),
        "from": Date(), "to": Date(), "timeframe": Choice(PRESETS),
        **({"date_field": Choice(("issue", "due"), description="Which date from/to apply to (default issue)")}
           if dated_by_due else {}),
        "customer_id": String(max_length=40), "currency": CurrencyCode(),
        "q": String(max_length=100, description="Number, customer name or reference"),
        "expand": Choice(("lines",), description="Include each document's lines"),
        "limit": Integer(minimum=1, maximum=100, from_text=True), "cursor": String(max_length=2000),
    }


register_document_routes(invoices, path="/invoices", tag="Invoices", label="invoice", dtype=INVOICE,
                         schema=INVOICE_BODY,
                         query=list_query(INVOICE_STATUSES + (OVERDUE,), dated_by_due=True))

DASHBOARD_QUERY = {"from": Date(), "to": Date(), "timeframe": Choice(PRESETS)}


@route(invoices, "/dashboard", "GET", tag="Dashboard", query=DASHBOARD_QUERY, render=lambda body: body,
       summary="Customers, invoices, amount raised, received and outstanding, per currency")
def show_dashboard(ctx: RequestContext):
    start, end = tenant_timeframe(ctx.tenant_id, ctx.query)
    return dashboard(ctx.tenant_id, start and start.isoformat(), end and end.isoformat())
