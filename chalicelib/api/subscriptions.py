"""/subscriptions"""
from chalice import Blueprint

from ..domain.records import ACTIVE, ARCHIVED
from ..domain.usage_terms import GROUPINGS
from ..lazy import lazy
from .fields import list_query
from .document_routes import FILE_LINK
from .record_routes import HISTORY_QUERY, history_page, page, present_record
from .routing import RequestContext, route
from .schema import Array, Choice, Date, Integer, Object, String, TimeZone

subscriptions = Blueprint(__name__)
TAG = "Subscriptions"
ONE = "/subscriptions/{subscription_id}"
_SERVICE = "chalicelib.services.subscriptions"
SUBSCRIPTIONS = lazy(_SERVICE, "SUBSCRIPTIONS")
create_subscription = lazy(_SERVICE, "create_subscription")
edit_subscription = lazy(_SERVICE, "edit_subscription")
change_package = lazy(_SERVICE, "change_package")
upcoming_invoice = lazy("chalicelib.services.billing", "upcoming_invoice")
usage_csv_link = lazy("chalicelib.services.billing", "usage_csv_link")
change_status = lazy("chalicelib.services.records", "change_status")
record_page = lazy("chalicelib.services.listings", "record_page")

EDITABLE = {
    "end_date": Date(description="The last day subscribed; its period is the last billed (prorated by day)"),
    "account_reference": String(max_length=64, pattern=r"[A-Za-z0-9._:/\-]+", example="ACME-4471",
                                description="How usage records name this subscription; unique per tenant"),
    "usage_grouping": Choice(GROUPINGS, nullable=False, description="Overrides the package's grouping of usage"),
    "action": Choice(("draft", "issue", "issue_and_send"), nullable=False,
                     description="What each period's invoice does (default draft)"),
}
SUBSCRIPTION = Object({
    "customer_id": String(required=True, max_length=40),
    "package_id": String(required=True, max_length=40),
    "start_date": Date(required=True, description="The first day subscribed"),
    "day_of_month": Integer(minimum=1, maximum=31, description="Billing day for packages billed by the month or "
                                                               "year (default: the start date's day); 31 = month end"),
    **EDITABLE,
})
SUBSCRIPTION_ANSWER = Object({
    **{k: v for k, v in SUBSCRIPTION.fields.items() if k != "package_id"},
    "packages": Array(Object({"package_id": String(required=True), "from": Date(required=True)}), max_items=1000,
                      description="The packages held, each from a day"),
    "time_zone": TimeZone(required=True, description="The tenant's, when subscribed: periods end at its midnight"),
    "next_period": Integer(minimum=0, maximum=100000, description="The number of the first period not yet billed"),
    "not_billed": Object({"at": String(required=True), "period": Integer(required=True, minimum=0, maximum=100000),
                          "reason": String(required=True)},
                         description="Why the billing run could not invoice that period (it tries again daily)"),
})
CHANGE = Object({
    "package_id": String(required=True, max_length=40),
    "effective_from": Date(required=True, description="The first day on the new package; not in a billed period"),
})


def _render(item):
    return present_record(SUBSCRIPTIONS, item)


@route(subscriptions, "/subscriptions", "POST", tag=TAG, body=SUBSCRIPTION, status=201, render=_render,
       response=SUBSCRIPTION_ANSWER, summary="Subscribe a customer to a package")
def create(ctx: RequestContext):
    return create_subscription(ctx.uow, ctx.tenant_id, ctx.actor, {"action": "draft", **ctx.body})


@route(subscriptions, "/subscriptions", "GET", tag=TAG, query=list_query((ACTIVE, ARCHIVED)),
       response=SUBSCRIPTION_ANSWER, list_response=True, render=lambda body: body,
       summary="List subscriptions, newest first")
def list_subscriptions(ctx: RequestContext):
    return page(*record_page(SUBSCRIPTIONS, ctx.tenant_id, ctx.query))


@route(subscriptions, ONE, "GET", tag=TAG, render=_render, response=SUBSCRIPTION_ANSWER,
       summary="Get a subscription")
def get(ctx: RequestContext, subscription_id):
    return SUBSCRIPTIONS.store.get(ctx.tenant_id, subscription_id)


@route(subscriptions, ONE, "PATCH", tag=TAG, body=Object(EDITABLE), partial=True, render=_render,
       response=SUBSCRIPTION_ANSWER, summary="Change the end date, account reference, grouping or action")
def update(ctx: RequestContext, subscription_id):
    return edit_subscription(ctx.uow, ctx.tenant_id, ctx.actor, subscription_id, ctx.body)


@route(subscriptions, f"{ONE}/change-package", "POST", tag=TAG, body=CHANGE, render=_render,
       response=SUBSCRIPTION_ANSWER,
       summary="Move the subscription to another package from a day on (that period is prorated by day)")
def change(ctx: RequestContext, subscription_id):
    return change_package(ctx.uow, ctx.tenant_id, ctx.actor, subscription_id, ctx.body)


@route(subscriptions, f"{ONE}/upcoming", "GET", tag=TAG, render=lambda body: body,
       summary="The first period not yet billed, so far: its lines and totals as its invoice would have them")
def upcoming(ctx: RequestContext, subscription_id):
    return upcoming_invoice(ctx.tenant_id, subscription_id)


@route(subscriptions, "/invoices/{document_id}/usage-records", "GET", tag=TAG, render=lambda link: link,
       response=FILE_LINK, summary="A link to the CSV of the rated usage records a subscription invoice bills")
def usage_records(ctx: RequestContext, document_id):
    return usage_csv_link(ctx.tenant_id, document_id)


def _status_route(action: str, status: str):
    @route(subscriptions, f"{ONE}/{action}", "POST", tag=TAG, render=_render, response=SUBSCRIPTION_ANSWER,
           summary=f"{action.capitalize()} a subscription" + (" (it is no longer billed)" if action == "archive"
                                                              else ""))
    def change_state(ctx: RequestContext, subscription_id):
        return change_status(ctx.uow, SUBSCRIPTIONS.resolve(), ctx.tenant_id, ctx.actor, subscription_id, status,
                             f"{action}d")


for _action, _status in (("archive", ARCHIVED), ("restore", ACTIVE)):
    _status_route(_action, _status)


@route(subscriptions, f"{ONE}/history", "GET", tag=TAG, query=HISTORY_QUERY, render=lambda body: body,
       summary="Every change to a subscription, newest first")
def history(ctx: RequestContext, subscription_id):
    return history_page(SUBSCRIPTIONS.store.pk(ctx.tenant_id, subscription_id), ctx)
