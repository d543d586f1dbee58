"""/exports: any list as XLSX, CSV or PDF, with the filters the list itself takes; and the books
of a timeframe for an accounting system."""
from typing import Any, Dict

from chalice import Blueprint

from ..domain.errors import invalid
from ..domain.timeframes import PRESETS
from ..lazy import lazy
from . import credit_notes, customers, estimates, invoices, payments, products, recurring  # noqa: F401 (their lists)
from .document_routes import FILE_LINK
from .record_routes import page
from .routing import ROUTES, RequestContext, route
from .schema import Array, Choice, Date, Field, Integer, Object, OpenObject, Problems, String

exports = Blueprint(__name__)
EXPORTS = lazy("chalicelib.services.exports", "EXPORTS")
request_export = lazy("chalicelib.services.exports", "request_export")
export_link = lazy("chalicelib.services.exports", "export_link")
queue_export = lazy("chalicelib.jobs.dispatch", "queue_export")
record_query = lazy("chalicelib.services.listings", "record_query")
XERO_PUSHES = lazy("chalicelib.services.xero_pushes", "XERO_PUSHES")
request_push = lazy("chalicelib.services.xero_pushes", "request_push")
queue_xero_push = lazy("chalicelib.jobs.dispatch", "queue_xero_push")

ACCOUNTING = "accounting"
ACCOUNTING_FILTERS = {"from": Date(description="Issued on or after"), "to": Date(description="Issued on or before"),
                      "timeframe": Choice(PRESETS)}
LIST_PATHS = {"invoices": "/invoices", "credit_notes": "/credit-notes", "estimates": "/estimates",
              "recurring_invoices": "/recurring-invoices", "products": "/products", "customers": "/customers",
              "payments": "/payments"}
FILE_FORMATS = ("xlsx", "csv", "pdf")
ACCOUNTING_FORMATS = ("xero", "quickbooks", "quickbooks_credit_notes", "sage50", "sage50_xlsx", "clearbooks",
                      "freshbooks")
PAGING = ("limit", "cursor", "expand")


def list_filters(resource: str) -> Dict[str, Field]:
    """The query parameters of the resource's list route, less paging."""
    if resource == ACCOUNTING:
        return ACCOUNTING_FILTERS
    listed = next(doc for doc in ROUTES if doc.method == "GET" and doc.path == LIST_PATHS[resource])
    return {name: f for name, f in listed.query.items() if name not in PAGING}


def parse_filters(resource: str, raw: Dict[str, Any]) -> Dict[str, Any]:
    problems = Problems()
    parsed = Object(list_filters(resource)).parse(raw, "filters", problems)
    problems.raise_if_any()
    return parsed


EXPORT = Object({
    "resource": Choice(tuple(LIST_PATHS) + (ACCOUNTING,), required=True,
                       description="A list, or accounting: the issued invoices and credit notes of a timeframe"),
    "format": Choice(FILE_FORMATS + ACCOUNTING_FORMATS, required=True,
                     description="xlsx, csv or pdf (at most 5,000 rows) for a list; an accounting system's "
                                 "import file for accounting"),
    "filters": OpenObject(description="The query parameters the resource's list takes (status, from, to, "
                                      "timeframe, q, customer_id, ...), as JSON strings"),
})
EXPORT_ANSWER = Object({"id": String(), "state": Choice(("queued", "done", "failed")),
                        "rows": Integer(minimum=0, maximum=10 ** 9), "file": FILE_LINK, "error": String()})


def _render(item) -> Dict[str, Any]:
    shown = {"id": item.id, **EXPORTS.present(item.data), "created_at": item.created_at}
    link = export_link(item)
    return {**shown, "file": link} if link else shown


@route(exports, "/exports", "POST", tag="Exports", status=202, render=_render, response=EXPORT_ANSWER,
       summary="Export a list with its filters; it runs as a job, GET /exports/{id} gives the file",
       body=EXPORT)
def create(ctx: RequestContext):
    body = ctx.body
    filters = body.get("filters") or {}
    if (body["resource"] == ACCOUNTING) != (body["format"] in ACCOUNTING_FORMATS):
        raise invalid("format", f"must be one of {', '.join(ACCOUNTING_FORMATS)} for accounting, "
                                f"else one of {', '.join(FILE_FORMATS)}")
    parse_filters(body["resource"], filters)
    item = request_export(ctx.uow, ctx.tenant_id, ctx.actor, body["resource"], body["format"], filters)
    queue_export(ctx.tenant_id, item.id)
    return item


@route(exports, "/exports/{export_id}", "GET", tag="Exports", render=_render, response=EXPORT_ANSWER,
       summary="An export's state, and a link to its file once done")
def get(ctx: RequestContext, export_id):
    return EXPORTS.store.get(ctx.tenant_id, export_id)


@route(exports, "/exports", "GET", tag="Exports", list_response=True, render=lambda body: body,
       response=EXPORT_ANSWER, summary="Exports, newest first",
       query={"limit": Integer(minimum=1, maximum=100, from_text=True), "cursor": String(max_length=2000)})
def list_exports(ctx: RequestContext):
    items, cursor = EXPORTS.store.list(ctx.tenant_id, record_query(ctx.tenant_id, ctx.query))
    return page([_render(item) for item in items], cursor)


XERO_PUSH = Object({
    # Both are sent to Xero as HTTP headers: printable ASCII only.
    "access_token": String(required=True, max_length=4000, pattern=r"[!-~]+",
                           description="An OAuth 2.0 access token; kept only until the push has used it "
                                       "(at most its 30-minute life), never returned"),
    "xero_tenant_id": String(required=True, max_length=100, pattern=r"[!-~]+",
                             description="The Xero organisation (Xero-tenant-id)"),
    **ACCOUNTING_FILTERS,
})
PUSH_RESULT = Object({
    "document_id": String(), "number": String(), "outcome": Choice(("created", "failed", "skipped")),
    "xero_id": String(), "errors": Array(String(), max_items=4, description="Xero's validation errors "
                                                                           "(the first 3, then how many more)")})
XERO_PUSH_ANSWER = Object({
    "id": String(), "state": Choice(("queued", "done", "failed")), "xero_tenant_id": String(),
    **ACCOUNTING_FILTERS, "documents": Integer(minimum=0, maximum=500),
    "counts": OpenObject(description="Documents per outcome (created, failed, skipped)"),
    "results": Array(PUSH_RESULT, max_items=500, description="One per document, in the order pushed"),
    "error": String(description="Why the push as a whole failed"), "finished_at": String()})


def _render_push(item) -> Dict[str, Any]:
    return {"id": item.id, **XERO_PUSHES.present(item.data), "created_at": item.created_at}


@route(exports, "/accounting/xero-push", "POST", tag="Exports", body=XERO_PUSH, status=202, render=_render_push,
       response=XERO_PUSH_ANSWER, location=lambda body: f"xero-push/{body['id']}",
       summary="Create the timeframe's issued invoices and credit notes (at most 500) in Xero; it runs as a job, "
               "GET /accounting/xero-push/{id} gives each document's result; a repeated push creates nothing twice")
def xero_push(ctx: RequestContext):
    item = request_push(ctx.uow, ctx.tenant_id, ctx.actor, ctx.body)
    queue_xero_push(ctx.tenant_id, item.id)
    return item


@route(exports, "/accounting/xero-push/{push_id}", "GET", tag="Exports", render=_render_push,
       response=XERO_PUSH_ANSWER, summary="A Xero push's state and, once done, each document's result")
def get_xero_push(ctx: RequestContext, push_id):
    return XERO_PUSHES.store.get(ctx.tenant_id, push_id)
