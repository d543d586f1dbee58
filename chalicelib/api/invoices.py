"""/invoices and /dashboard"""
from datetime import datetime, timezone

from chalice import Blueprint

from ..domain.documents import INVOICE_STATUSES, OVERDUE
from ..domain.timeframes import PRESETS, resolve
from ..services.dashboard import dashboard
from ..services.invoice_status import mark_sent, void_invoice
from ..services.invoice_view import present_invoice
from ..services.invoices import INVOICES, create_invoice, delete_draft, update_invoice
from ..services.issue_invoice import issue_invoice
from ..store.documents import DocumentQuery
from .fields import NOTES, VAT_CATEGORY, VAT_RATE
from .record_routes import HISTORY_QUERY, history_page, page
from .routing import RequestContext, route
from .schema import Amount, Array, Boolean, Choice, CurrencyCode, Date, Integer, Object, String

invoices = Blueprint(__name__)

LINE = Object({
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
INVOICE = Object({
    "customer_id": String(required=True, max_length=40),
    "currency": CurrencyCode(description="Defaults to the customer's currency"),
    "issue_date": Date(description="Set when issued if left out (today, tenant's time zone)"),
    "due_date": Date(description="Defaults to the issue date plus the payment terms"),
    "payment_terms_days": Integer(minimum=0, maximum=365, description="Defaults to the customer's"),
    "reference": String(max_length=100, description="Purchase order or other reference"),
    "notes": NOTES,
    "prices_include_vat": Boolean(description="Unit prices include VAT (default false)"),
    "lines": Array(LINE, min_items=1, max_items=500, required=True),
})
ISSUE = Object({
    "issue_date": Date(),
    "exchange_rate": Amount(places=8, minimum=0, exclusive_minimum=True, maximum=1000000,
                            description="Base-currency units per invoice-currency unit; "
                                        "required for an invoice not in the base currency"),
})
VOID = Object({"reason": String(required=True, max_length=500)})
LIST_QUERY = {
    "status": Choice(INVOICE_STATUSES + (OVERDUE,)),
    "from": Date(), "to": Date(), "timeframe": Choice(PRESETS),
    "date_field": Choice(("issue", "due"), description="Which date from/to apply to (default issue)"),
    "customer_id": String(max_length=40), "currency": CurrencyCode(),
    "q": String(max_length=100, description="Number, customer name or reference"),
    "expand": Choice(("lines",), description="Include each invoice's lines"),
    "limit": Integer(minimum=1, maximum=100, from_text=True), "cursor": String(max_length=2000),
}
DASHBOARD_QUERY = {"from": Date(), "to": Date(), "timeframe": Choice(PRESETS)}
TAG = "Invoices"


def _today():
    return datetime.now(timezone.utc).date()


@route(invoices, "/invoices", "POST", summary="Create a draft invoice", tag=TAG, body=INVOICE,
       status=201, render=present_invoice, response=INVOICE)
def create(ctx: RequestContext):
    return create_invoice(ctx.uow, ctx.tenant_id, ctx.actor, ctx.body)


@route(invoices, "/invoices", "GET", summary="List invoices, newest first", tag=TAG, query=LIST_QUERY,
       response=INVOICE, list_response=True, render=lambda body: body)
def list_invoices(ctx: RequestContext):
    q = ctx.query
    start, end = resolve(q.get("from"), q.get("to"), q.get("timeframe"), _today())
    items, cursor = INVOICES.list(ctx.tenant_id, DocumentQuery(
        status=q.get("status"), date_from=start and start.isoformat(), date_to=end and end.isoformat(),
        date_field=q.get("date_field") or "issue", customer_id=q.get("customer_id"),
        currency=q.get("currency"), text=" ".join(q["q"].lower().split()) if q.get("q") else None,
        limit=q.get("limit") or 50, cursor=q.get("cursor"), today=_today().isoformat()))
    return page([present_invoice(item, with_lines=q.get("expand") == "lines") for item in items], cursor)


@route(invoices, "/invoices/{invoice_id}", "GET", summary="Get an invoice with its lines", tag=TAG,
       render=present_invoice, response=INVOICE)
def get(ctx: RequestContext, invoice_id):
    return INVOICES.get(ctx.tenant_id, invoice_id)


@route(invoices, "/invoices/{invoice_id}", "PATCH", tag=TAG, body=INVOICE, partial=True,
       summary="Edit a draft, or an issued invoice not yet sent or paid (every edit is in its history)",
       render=present_invoice, response=INVOICE)
def update(ctx: RequestContext, invoice_id):
    return update_invoice(ctx.uow, ctx.tenant_id, ctx.actor, invoice_id, ctx.body)


@route(invoices, "/invoices/{invoice_id}", "DELETE", summary="Delete a draft (it has no number)",
       tag=TAG, render=lambda item: {"id": item.id, "deleted": True})
def delete(ctx: RequestContext, invoice_id):
    return delete_draft(ctx.uow, ctx.tenant_id, ctx.actor, invoice_id)


@route(invoices, "/invoices/{invoice_id}/issue", "POST", tag=TAG, body=ISSUE,
       summary="Issue a draft: it takes the next number of the series", render=present_invoice,
       response=INVOICE)
def issue(ctx: RequestContext, invoice_id):
    return issue_invoice(ctx.uow, ctx.tenant_id, ctx.actor, invoice_id, ctx.body)


@route(invoices, "/invoices/{invoice_id}/mark-sent", "POST", tag=TAG, render=present_invoice,
       summary="Record that the customer has the invoice; its amounts lock", response=INVOICE)
def sent(ctx: RequestContext, invoice_id):
    return mark_sent(ctx.uow, ctx.tenant_id, ctx.actor, invoice_id)


@route(invoices, "/invoices/{invoice_id}/void", "POST", tag=TAG, body=VOID, render=present_invoice,
       summary="Void an issued invoice; it keeps its number", response=INVOICE)
def void(ctx: RequestContext, invoice_id):
    return void_invoice(ctx.uow, ctx.tenant_id, ctx.actor, invoice_id, ctx.body["reason"])


@route(invoices, "/invoices/{invoice_id}/history", "GET", summary="Every change to an invoice",
       tag=TAG, query=HISTORY_QUERY, render=lambda body: body)
def history(ctx: RequestContext, invoice_id):
    return history_page(INVOICES.pk(ctx.tenant_id, invoice_id), ctx)


@route(invoices, "/dashboard", "GET", tag="Dashboard", query=DASHBOARD_QUERY, render=lambda body: body,
       summary="Customers, invoices, amount raised, received and outstanding, per currency")
def show_dashboard(ctx: RequestContext):
    start, end = resolve(ctx.query.get("from"), ctx.query.get("to"), ctx.query.get("timeframe"), _today())
    return dashboard(ctx.tenant_id, start and start.isoformat(), end and end.isoformat())
