"""/payments"""

from chalice import Blueprint

from ..domain.timeframes import PRESETS
from ..domain.payments import METHODS, STATUSES
from ..lazy import lazy
from .record_routes import HISTORY_QUERY, history_page, page
from .routing import RequestContext, route
from .schema import Amount, Array, Choice, CurrencyCode, Date, Integer, Object, String

payments = Blueprint(__name__)
present_payment = lazy("chalicelib.services.payment_view", "present_payment")
delete_payment = lazy("chalicelib.services.payments", "delete_payment")
record_payment = lazy("chalicelib.services.payments", "record_payment")
PAYMENTS = lazy("chalicelib.services.sources", "PAYMENTS")
payment_page = lazy("chalicelib.services.listings", "payment_page")
allocate_from = lazy("chalicelib.services.sources", "allocate_from")
deallocate_from = lazy("chalicelib.services.sources", "deallocate_from")
refund_from = lazy("chalicelib.services.sources", "refund_from")
TAG = "Payments"

MONEY = dict(places=3, minimum=0, exclusive_minimum=True)
ALLOCATIONS = Array(Object({"invoice_id": String(required=True, max_length=40),
                            "amount": Amount(required=True, **MONEY)}), max_items=50)
PAYMENT = Object({
    "customer_id": String(required=True, max_length=40),
    "amount": Amount(required=True, **MONEY, example="120.00"),
    "currency": CurrencyCode(description="Defaults to the customer's currency"),
    "date": Date(description="When the money arrived; default today"),
    "method": Choice(METHODS),
    "reference": String(max_length=100),
    "allocations": ALLOCATIONS,
})
ALLOCATE = Object({"allocations": Array(ALLOCATIONS.item, min_items=1, max_items=50, required=True)})
REFUND = Object({"amount": Amount(required=True, **MONEY), "date": Date(), "reason": String(max_length=500)})
LIST_QUERY = {
    "status": Choice(STATUSES), "customer_id": String(max_length=40), "currency": CurrencyCode(),
    "from": Date(), "to": Date(), "timeframe": Choice(PRESETS),
    "q": String(max_length=100, description="Customer name or reference"),
    "limit": Integer(minimum=1, maximum=100, from_text=True), "cursor": String(max_length=2000),
}



@route(payments, "/payments", "POST", tag=TAG, body=PAYMENT, status=201, render=present_payment,
       response=PAYMENT, summary="Record a payment, optionally allocating it to invoices of the customer")
def create(ctx: RequestContext):
    return record_payment(ctx.uow, ctx.tenant_id, ctx.actor, ctx.body)


@route(payments, "/payments", "GET", summary="List payments, newest first", tag=TAG, query=LIST_QUERY,
       response=PAYMENT, list_response=True, render=lambda body: body)
def list_payments(ctx: RequestContext):
    return page(*payment_page(ctx.tenant_id, ctx.query))


@route(payments, "/payments/{payment_id}", "GET", summary="Get a payment", tag=TAG,
       render=present_payment, response=PAYMENT)
def get(ctx: RequestContext, payment_id):
    return PAYMENTS.get(ctx.tenant_id, payment_id)


@route(payments, "/payments/{payment_id}/allocations", "POST", tag=TAG, body=ALLOCATE,
       render=present_payment, response=PAYMENT,
       summary="Allocate what is left of a payment to invoices of the same customer")
def allocate(ctx: RequestContext, payment_id):
    return allocate_from(ctx.uow, PAYMENTS.resolve(), ctx.tenant_id, ctx.actor, payment_id, ctx.body["allocations"])


@route(payments, "/payments/{payment_id}/allocations/{invoice_id}", "DELETE", tag=TAG,
       render=present_payment, response=PAYMENT,
       summary="Take a payment's allocation off an invoice; the money becomes credit again")
def deallocate(ctx: RequestContext, payment_id, invoice_id):
    return deallocate_from(ctx.uow, PAYMENTS.resolve(), ctx.tenant_id, ctx.actor, payment_id, invoice_id)


@route(payments, "/payments/{payment_id}/refunds", "POST", tag=TAG, body=REFUND, render=present_payment,
       response=PAYMENT, summary="Refund part or all of what is unallocated")
def refund(ctx: RequestContext, payment_id):
    return refund_from(ctx.uow, PAYMENTS.resolve(), ctx.tenant_id, ctx.actor, payment_id, ctx.body)


@route(payments, "/payments/{payment_id}", "DELETE", tag=TAG, render=present_payment, response=PAYMENT,
       summary="Delete a payment: its allocations are reversed; it stays in the history")
def delete(ctx: RequestContext, payment_id):
    return delete_payment(ctx.uow, ctx.tenant_id, ctx.actor, payment_id)


@route(payments, "/payments/{payment_id}/history", "GET", summary="Every change to a payment", tag=TAG,
       query=HISTORY_QUERY, render=lambda body: body)
def history(ctx: RequestContext, payment_id):
    return history_page(PAYMENTS.pk(ctx.tenant_id, payment_id), ctx)
