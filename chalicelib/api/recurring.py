"""/recurring-invoices"""
from chalice import Blueprint

from ..domain.schedules import UNITS
from ..lazy import lazy
from .fields import list_query
from .invoices import COMMON, TEMPLATE_LINE, lines_of
from .record_routes import HISTORY_QUERY, history_page, page, present_record
from .routing import RequestContext, route
from .schema import Choice, Date, Integer, Object, String, TimeZone

recurring = Blueprint(__name__)
TAG = "Recurring invoices"
ONE = "/recurring-invoices/{template_id}"
_SERVICE = "chalicelib.services.recurring"
TEMPLATES = lazy(_SERVICE, "TEMPLATES")
create_template = lazy(_SERVICE, "create_template")
edit_template = lazy(_SERVICE, "edit_template")
delete_template = lazy(_SERVICE, "delete_template")
preview_dates = lazy(_SERVICE, "preview")
generated_invoices = lazy(_SERVICE, "generated_invoices")
STATUSES = ("active", "paused", "ended")
record_page = lazy("chalicelib.services.listings", "record_page")

SCHEDULE = Object({
    "unit": Choice(UNITS, required=True),
    "interval": Integer(minimum=1, maximum=365, required=True, description="Every N units"),
    "start_date": Date(required=True, description="The first occurrence"),
    "day_of_month": Integer(minimum=1, maximum=31, description="Monthly/yearly; 31 means the month's end"),
    "end_date": Date(description="No occurrence after this date"),
    "count": Integer(minimum=1, maximum=1000, description="At most this many invoices"),
    "time_of_day": String(min_length=5, max_length=5, pattern=r"([01][0-9]|2[0-3]):[0-5][0-9]", nullable=False,
                          description="Local time in the tenant's time zone; default 09:00"),
})
TEMPLATE = Object({
    "name": String(required=True, example="Monthly bookkeeping retainer"),
    "customer_id": String(required=True, max_length=40),
    **{k: v for k, v in COMMON.items() if k != "issue_date"},
    "lines": lines_of(TEMPLATE_LINE),
    "payment_terms_days": Integer(minimum=0, maximum=365),
    "schedule": Object(SCHEDULE.fields, required=True),
    "action": Choice(("draft", "issue", "issue_and_send"), nullable=False,
                     description="What each occurrence does (default draft); issue_and_send emails the PDF "
                                 "to the customer's addresses"),
    "missed": Choice(("generate_each", "skip"), nullable=False,
                     description="Occurrences missed (tick down, or paused): generate each, or only the latest"),
})

# As answered: the schedule with the time zone it runs in (the tenant's when it was made), how far
# it has got, and each line as given (a template is priced when each invoice is made).
TEMPLATE_ANSWER = Object({
    **TEMPLATE.fields,
    "schedule": Object({**SCHEDULE.fields, "time_zone": TimeZone(required=True)}, required=True),
    "next_occurrence": Integer(minimum=0, maximum=100000, description="The occurrence number generated next"),
    "generated": Integer(minimum=0, maximum=100000, description="Invoices generated so far"),
    "not_generated": Object({"at": String(required=True), "occurrence": Integer(required=True, minimum=0,
                                                                              maximum=100000),
                             "reason": String(required=True)},
                            description="Why the scheduler paused the template (cleared on resume)"),
})

def _render(item):
    return present_record(TEMPLATES, item)


@route(recurring, "/recurring-invoices", "POST", tag=TAG, body=TEMPLATE, status=201, render=_render,
       response=TEMPLATE_ANSWER, summary="Create a recurring invoice: a template and a schedule")
def create(ctx: RequestContext):
    return create_template(ctx.uow, ctx.tenant_id, ctx.actor,
                           {"action": "draft", "missed": "generate_each", **ctx.body})


@route(recurring, "/recurring-invoices", "GET", tag=TAG, query=list_query(STATUSES), response=TEMPLATE_ANSWER,
       list_response=True, render=lambda body: body, summary="List recurring invoices, newest first")
def list_templates(ctx: RequestContext):
    return page(*record_page(TEMPLATES, ctx.tenant_id, ctx.query))


@route(recurring, ONE, "GET", tag=TAG, render=_render, response=TEMPLATE_ANSWER, summary="Get a recurring invoice")
def get(ctx: RequestContext, template_id):
    return TEMPLATES.store.get(ctx.tenant_id, template_id)


@route(recurring, ONE, "PATCH", tag=TAG, body=TEMPLATE, partial=True, render=_render, response=TEMPLATE_ANSWER,
       summary="Edit a recurring invoice; only occurrences not yet generated change")
def edit(ctx: RequestContext, template_id):
    return edit_template(ctx.uow, ctx.tenant_id, ctx.actor, template_id, ctx.body)


def _action(name: str, summary: str):
    service = lazy(_SERVICE, f"{name}_template")

    @route(recurring, f"{ONE}/{name}", "POST", tag=TAG, render=_render, response=TEMPLATE_ANSWER, summary=summary)
    def act(ctx: RequestContext, template_id):
        return service(ctx.uow, ctx.tenant_id, ctx.actor, template_id)


_action("pause", "Pause: nothing is generated until resumed")
_action("resume", "Resume; what fell due meanwhile follows the template's `missed` setting")
_action("end", "End: nothing more is generated (the invoices made stay)")


@route(recurring, ONE, "DELETE", tag=TAG, render=lambda item: {"id": item.id, "deleted": True},
       summary="Delete a recurring invoice that never generated one (else end it)")
def delete(ctx: RequestContext, template_id):
    return delete_template(ctx.uow, ctx.tenant_id, ctx.actor, template_id)


@route(recurring, f"{ONE}/preview", "GET", tag=TAG, render=lambda body: body,
       query={"count": Integer(minimum=1, maximum=100, from_text=True)},
       summary="The dates of the next invoices it will generate")
def preview(ctx: RequestContext, template_id):
    item = TEMPLATES.store.get(ctx.tenant_id, template_id)
    return {"dates": preview_dates(item, ctx.query.get("count") or 12)}


@route(recurring, f"{ONE}/invoices", "GET", tag=TAG, render=lambda body: body,
       summary="The invoices this recurring invoice generated, one per occurrence")
def invoices(ctx: RequestContext, template_id):
    TEMPLATES.store.get(ctx.tenant_id, template_id)
    return {"data": generated_invoices(ctx.tenant_id, template_id)}


@route(recurring, f"{ONE}/history", "GET", tag=TAG, query=HISTORY_QUERY, render=lambda body: body,
       summary="Every change to a recurring invoice")
def history(ctx: RequestContext, template_id):
    return history_page(TEMPLATES.store.pk(ctx.tenant_id, template_id), ctx)
