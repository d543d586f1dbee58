"""/uploads: bulk uploads of invoices, credit notes, customers and products from files."""
from chalice import Blueprint, Response

from ..domain.uploads import KINDS, MAX_BATCH_BYTES, MAX_FILES
from ..lazy import lazy
from .record_routes import HISTORY_QUERY, page
from .routing import RequestContext, route
from .schema import Array, Choice, Integer, Object, String

uploads = Blueprint(__name__)
open_batch = lazy("chalicelib.services.uploads", "open_batch")
show_batch = lazy("chalicelib.services.uploads", "show_batch")
list_batches = lazy("chalicelib.services.uploads", "list_batches")
template = lazy("chalicelib.services.uploads", "template")
TAG = "Uploads"

UPLOAD = Object({
    "kind": Choice(KINDS, required=True, description="What every file of the batch holds"),
    "files": Array(Object({
        "name": String(required=True, max_length=255, description="Ends in .csv, .xlsx, .json or .jsonl",
                       example="invoices-2025.csv"),
        "size": Integer(required=True, minimum=1, maximum=MAX_BATCH_BYTES, description="Bytes"),
        "content_type": String(max_length=100, example="text/csv"),
    }), min_items=1, max_items=1000, required=True,
        description=f"At most {MAX_FILES} files and 60 MB in all; each gets a presigned POST form"),
    "options": Object({
        "numbering": Choice(("keep", "series"), description="Issued documents keep the file's numbers "
                                                            "(default), or take the next of the series"),
        "customers": Choice(("match", "create"), description="A document's customer name must match one of "
                                                             "yours (default), or a new name creates a customer "
                                                             "from the file's contact columns, once per batch"),
    }),
})


@route(uploads, "/uploads", "POST", tag=TAG, body=UPLOAD, status=201, render=lambda body: body,
       summary="Open a batch: a presigned POST form per file, into the uploads bucket")
def create(ctx: RequestContext):
    return open_batch(ctx.uow, ctx.tenant_id, ctx.actor, ctx.body)


@route(uploads, "/uploads", "GET", tag=TAG, query=HISTORY_QUERY, list_response=True, render=lambda body: body,
       summary="List batches (opened here or dropped into the bucket), newest first")
def list_uploads(ctx: RequestContext):
    items, cursor = list_batches(ctx.tenant_id, ctx.query.get("limit") or 50, ctx.query.get("cursor"))
    return page(items, cursor)


@route(uploads, "/uploads/{upload_id}", "GET", tag=TAG, render=lambda body: body,
       summary="A batch: each file's status and counts, and links to its reports")
def get(ctx: RequestContext, upload_id):
    return show_batch(ctx.tenant_id, upload_id)


@route(uploads, "/uploads/templates/{kind}", "GET", tag=TAG, render=lambda body: body,
       summary="Our CSV template for a kind: invoices, credit_notes, customers or products")
def csv_template(ctx: RequestContext, kind):
    return Response(body=template(kind), status_code=200, headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="{kind}-template.csv"'})
