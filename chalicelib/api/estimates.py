"""/estimates"""
from chalice import Blueprint

from ..domain.estimates import STATUSES
from ..domain.timeframes import PRESETS
from ..lazy import lazy
from .answers import priced
from .document_routes import ISSUE, present_document, register_document_routes, tenant_timeframe
from .invoices import COMMON, list_query
from .routing import RequestContext, route
from .schema import Boolean, Choice, Date, Object, String

estimates = Blueprint(__name__)
ESTIMATE = lazy("chalicelib.services.document_types", "ESTIMATE")
_SERVICE = "chalicelib.services.estimates"
answer_estimate = lazy(_SERVICE, "answer_estimate")
convert_to_invoice = lazy(_SERVICE, "convert_to_invoice")
estimate_summary = lazy(_SERVICE, "estimate_summary")
mark_print_ready = lazy(_SERVICE, "mark_print_ready")
send_estimate = lazy(_SERVICE, "send_estimate")
TAG = "Estimates"
ONE = "/estimates/{document_id}"

ESTIMATE_BODY = Object({
    "customer_id": String(required=True, max_length=40),
    **COMMON,
    "expiry_date": Date(description="After this day the estimate can no longer be accepted"),
})
DECLINE = Object({"reason": String(max_length=500)})
PRINT_READY = Object({"print_ready": Boolean(required=True)})
CONVERT = Object({"issue": Boolean(description="Issue the new invoice at once (default: leave a draft)"),
                  **{name: field for name, field in ISSUE.fields.items() if name != "issue_date"}})

# Estimates are never voided, only declined; sending one is what gives it its number (below).
ESTIMATE_BODY_ANSWER = priced(ESTIMATE_BODY)
register_document_routes(estimates, path="/estimates", tag=TAG, label="estimate", dtype=ESTIMATE,
                         schema=ESTIMATE_BODY,
                         query=list_query(STATUSES, dated_by_due=False), actions=(), e_invoice=False)


@route(estimates, f"{ONE}/mark-sent", "POST", tag=TAG, body=ISSUE, render=present_document,
       response=ESTIMATE_BODY_ANSWER, summary="Send a draft: it takes the next estimate number (EST-0001)")
def sent(ctx: RequestContext, document_id):
    return send_estimate(ctx.uow, ctx.tenant_id, ctx.actor, document_id, ctx.body)


@route(estimates, f"{ONE}/accept", "POST", tag=TAG, render=present_document, response=ESTIMATE_BODY_ANSWER,
       summary="The customer accepted the estimate (refused once it has expired)")
def accept(ctx: RequestContext, document_id):
    return answer_estimate(ctx.uow, ctx.tenant_id, ctx.actor, document_id, accepted=True)


@route(estimates, f"{ONE}/decline", "POST", tag=TAG, body=DECLINE, render=present_document,
       response=ESTIMATE_BODY_ANSWER, summary="The customer declined the estimate")
def decline(ctx: RequestContext, document_id):
    return answer_estimate(ctx.uow, ctx.tenant_id, ctx.actor, document_id, accepted=False,
                           reason=ctx.body.get("reason"))


@route(estimates, f"{ONE}/print-ready", "POST", tag=TAG, body=PRINT_READY, render=present_document,
       response=ESTIMATE_BODY_ANSWER, summary="Flag (or unflag) the estimate as ready to print; kept in every state")
def print_ready(ctx: RequestContext, document_id):
    return mark_print_ready(ctx.uow, ctx.tenant_id, ctx.actor, document_id, ctx.body["print_ready"])


@route(estimates, f"{ONE}/convert", "POST", tag=TAG, body=CONVERT, status=201, render=present_document,
       summary="Turn an accepted estimate into an invoice (draft, or issued), linked both ways")
def convert(ctx: RequestContext, document_id):
    issue = {k: v for k, v in ctx.body.items() if k != "issue" and v is not None} if ctx.body.get("issue") else None
    return convert_to_invoice(ctx.uow, ctx.tenant_id, ctx.actor, document_id, issue)


@route(estimates, "/estimates/summary", "GET", tag=TAG, render=lambda body: body,
       query={"from": Date(), "to": Date(), "timeframe": Choice(PRESETS)},
       summary="Count and value of estimates per state, within a timeframe (by estimate date)")
def summary(ctx: RequestContext):
    start, end = tenant_timeframe(ctx.tenant_id, ctx.query)
    return estimate_summary(ctx.tenant_id, start and start.isoformat(), end and end.isoformat())
