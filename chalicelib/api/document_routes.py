"""The routes invoices and credit notes share: drafts, issue, send, void, list, history."""
from typing import Dict

from chalice import Blueprint

from ..lazy import lazy
from .record_routes import HISTORY_QUERY, history_page, page
from .routing import RequestContext, route
from .answers import priced
from .schema import Amount, Array, Date, Email, Field, Integer, Object, String

mark_sent = lazy("chalicelib.services.document_status", "mark_sent")
void_document = lazy("chalicelib.services.document_status", "void_document")
present_document = lazy("chalicelib.services.document_view", "present_document")
create_document = lazy("chalicelib.services.drafts", "create_document")
delete_draft = lazy("chalicelib.services.drafts", "delete_draft")
update_document = lazy("chalicelib.services.drafts", "update_document")
issue_document = lazy("chalicelib.services.issuing", "issue_document")
document_page = lazy("chalicelib.services.listings", "document_page")
pdf_link = lazy("chalicelib.services.document_files", "pdf_link")
ubl_link = lazy("chalicelib.services.document_files", "ubl_link")
email_document = lazy("chalicelib.services.sending", "email_document")
queue_pdf = lazy("chalicelib.jobs.dispatch", "queue_pdf")
tenant_timeframe = lazy("chalicelib.services.local_dates", "tenant_timeframe")

ISSUE = Object({
    "issue_date": Date(),
    "exchange_rate": Amount(places=8, minimum=0, exclusive_minimum=True, maximum=1000000,
                            description="Base-currency units per document-currency unit; "
                                        "required for a document not in the base currency"),
    "exchange_rate_source": String(max_length=100, description="Where the rate comes from, printed with it "
                                                               "(e.g. \"HMRC period rate\")"),
})
VOID = Object({"reason": String(required=True, max_length=500)})
SEND = Object({
    "to": Array(Email(), min_items=1, max_items=10, description="Default: the customer's addresses"),
    "cc": Array(Email(), max_items=10),
    "message": String(max_length=2000, description="Added below the tenant's email text"),
})
FILE_LINK = Object({"url": String(max_length=8000, description="Presigned GET, valid for expires_in seconds"),
                    "expires_in": Integer(minimum=1, maximum=604800), "file_name": String()})


def with_pdf(ctx: RequestContext, item):
    """Issued documents get their PDF rendered in the background, ready to send."""
    if item.status != "draft":
        queue_pdf(ctx.tenant_id, item)
    return item


def register_document_routes(bp: Blueprint, *, path: str, tag: str, label: str, dtype: lazy, schema: Object,
                             query: Dict[str, Field], actions=("issue", "mark-sent", "void"),
                             e_invoice: bool = True) -> None:
    """The shared routes of a document kind (`dtype`, a services.document_types.DocumentType,
    resolved when a request needs it); `actions` picks the lifecycle routes it has, `e_invoice`
    whether it has a UBL form."""
    one = f"{path}/{{document_id}}"
    answer = priced(schema)

    @route(bp, path, "POST", summary=f"Create a draft {label}", tag=tag, body=schema, status=201,
           render=present_document, response=answer)
    def create(ctx: RequestContext):
        return create_document(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, ctx.body)

    @route(bp, path, "GET", summary=f"List {label}s, newest first", tag=tag, query=query,
           response=priced(schema, with_lines=False),
           list_response=True, render=lambda body: body)
    def list_documents(ctx: RequestContext):
        return page(*document_page(dtype.resolve(), ctx.tenant_id, ctx.query))

    @route(bp, one, "GET", summary=f"Get a {label} with its lines", tag=tag, render=present_document,
           response=answer)
    def get(ctx: RequestContext, document_id):
        return dtype.store.get(ctx.tenant_id, document_id)

    @route(bp, one, "PATCH", tag=tag, body=schema, partial=True, render=present_document, response=answer,
           summary=f"Edit a draft, or an issued {label} not yet sent or allocated (every edit is in its history)")
    def update(ctx: RequestContext, document_id):
        return with_pdf(ctx, update_document(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, document_id,
                                             ctx.body))

    @route(bp, f"{one}/pdf", "GET", tag=tag, render=lambda link: link, response=FILE_LINK,
           summary=f"A link to the {label}'s PDF as it is now (DRAFT or VOID marked)")
    def pdf(ctx: RequestContext, document_id):
        return pdf_link(ctx.tenant_id, dtype.store.get(ctx.tenant_id, document_id))

    if e_invoice:
        @route(bp, f"{one}/ubl", "GET", tag=tag, render=lambda link: link, response=FILE_LINK,
               summary=f"A link to the {label} as a UBL 2.1 e-invoice (EN 16931, Peppol BIS Billing 3.0)")
        def ubl(ctx: RequestContext, document_id):
            return ubl_link(ctx.tenant_id, dtype.store.get(ctx.tenant_id, document_id))

    @route(bp, f"{one}/send", "POST", tag=tag, body=SEND, render=present_document, response=answer,
           summary=f"Email the {label}'s PDF to the customer (from the tenant's template) and record it")
    def send(ctx: RequestContext, document_id):
        return email_document(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, document_id, ctx.body)

    @route(bp, one, "DELETE", summary=f"Delete a draft {label} (it has no number)", tag=tag,
           render=lambda item: {"id": item.id, "deleted": True})
    def delete(ctx: RequestContext, document_id):
        return delete_draft(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, document_id)

    _register_actions(bp, one, tag, label, dtype, answer, actions)

    @route(bp, f"{one}/history", "GET", summary=f"Every change to a {label}", tag=tag, query=HISTORY_QUERY,
           render=lambda body: body)
    def history(ctx: RequestContext, document_id):
        return history_page(dtype.store.pk(ctx.tenant_id, document_id), ctx)


def _register_actions(bp, one, tag, label, dtype, answer, actions):
    registrars = {"issue": _issue_route, "mark-sent": _sent_route, "void": _void_route}
    for action in actions:
        registrars[action](bp, one, tag, label, dtype, answer)


def _issue_route(bp, one, tag, label, dtype, answer):

    @route(bp, f"{one}/issue", "POST", tag=tag, body=ISSUE, render=present_document, response=answer,
           summary=f"Issue a draft {label}: it takes the next number of its series")
    def issue(ctx: RequestContext, document_id):
        return with_pdf(ctx, issue_document(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, document_id,
                                            ctx.body))


def _sent_route(bp, one, tag, label, dtype, answer):

    @route(bp, f"{one}/mark-sent", "POST", tag=tag, render=present_document, response=answer,
           summary=f"Record that the customer has the {label}; its amounts lock")
    def sent(ctx: RequestContext, document_id):
        return mark_sent(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, document_id)


def _void_route(bp, one, tag, label, dtype, answer):

    @route(bp, f"{one}/void", "POST", tag=tag, body=VOID, render=present_document, response=answer,
           summary=f"Void an issued {label}; it keeps its number")
    def void(ctx: RequestContext, document_id):
        return void_document(ctx.uow, dtype.resolve(), ctx.tenant_id, ctx.actor, document_id, ctx.body["reason"])
