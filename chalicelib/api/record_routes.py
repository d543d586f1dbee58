"""The routes every record kind has: create, list, get, update, archive, restore, history."""
from typing import Any, Callable, Dict, Optional

from chalice import Blueprint

from ..domain.errors import NotFound
from ..domain.records import ACTIVE, ARCHIVED
from ..lazy import lazy
from .routing import RequestContext, route
from .schema import Field, Integer, Object, String

change_status = lazy("chalicelib.services.records", "change_status")
create_record = lazy("chalicelib.services.records", "create_record")
update_record = lazy("chalicelib.services.records", "update_record")
list_history = lazy("chalicelib.store.history", "list_history")
record_query = lazy("chalicelib.services.listings", "record_query")
present_record = lazy("chalicelib.services.listings", "present_record")

HISTORY_QUERY = {
    "limit": Integer(minimum=1, maximum=100, from_text=True),
    "cursor": String(max_length=2000),
}


def page(items, next_cursor) -> Dict[str, Any]:
    return {"data": items, "next_cursor": next_cursor}


def history_page(pk: str, ctx: RequestContext) -> Dict[str, Any]:
    """A record's history; every record has at least its "created" entry, so none means 404."""
    limit = ctx.query.get("limit") or 50
    entries, next_cursor = list_history(pk, limit, ctx.query.get("cursor"))
    if not entries and not ctx.query.get("cursor"):
        raise NotFound("No record has that id")
    return page(entries, next_cursor)


def register_record_routes(bp: Blueprint, *, path: str, tag: str, label: str, rtype: lazy,
                           schema: Object, query: Dict[str, Field],
                           defaults: Callable[[RequestContext], Dict[str, Any]],
                           enrich: Callable[[RequestContext, Any], Dict[str, Any]] = lambda ctx, item: {},
                           references: Optional[Callable[[RequestContext, Optional[str], Dict[str, Any]], None]] = None
                           ) -> None:
    """Declare the seven routes of a record kind on `bp`, under `path` (e.g. /customers).

    `rtype` (a services.records.RecordType) is only resolved when a request needs it;
    `enrich` adds to the answer of GET one record (a customer's balances, say); `references`
    checks what a create (record id None) or an update names in other records (raises 4xx)."""
    one = f"{path}/{{record_id}}"

    def render(item):
        return present_record(rtype, item)

    def render_page(result):
        items, next_cursor = result
        return page([render(item) for item in items], next_cursor)

    @route(bp, path, "POST", summary=f"Create a {label}", tag=tag, body=schema, status=201,
           render=render, response=schema)
    def create(ctx: RequestContext):
        if references:
            references(ctx, None, {**defaults(ctx), **ctx.body})
        return create_record(ctx.uow, rtype.resolve(), ctx.tenant_id, ctx.actor, {**defaults(ctx), **ctx.body})

    @route(bp, path, "GET", summary=f"List {label}s, newest first", tag=tag, query=query,
           render=render_page, response=schema, list_response=True)
    def list_records(ctx: RequestContext):
        return rtype.store.list(ctx.tenant_id, record_query(ctx.tenant_id, ctx.query))

    @route(bp, one, "GET", summary=f"Get a {label}", tag=tag, render=lambda body: body, response=schema)
    def get(ctx: RequestContext, record_id):
        item = rtype.store.get(ctx.tenant_id, record_id)
        return {**render(item), **enrich(ctx, item)}

    @route(bp, one, "PATCH", summary=f"Change some fields of a {label}; null clears a field",
           tag=tag, body=schema, partial=True, render=render, response=schema)
    def update(ctx: RequestContext, record_id):
        if references:
            references(ctx, record_id, ctx.body)
        return update_record(ctx.uow, rtype.resolve(), ctx.tenant_id, ctx.actor, record_id, ctx.body)

    for action, status in (("archive", ARCHIVED), ("restore", ACTIVE)):
        _register_status_route(bp, one, action, status, rtype, label, tag, render)

    @route(bp, f"{one}/history", "GET", summary=f"Every change to a {label}, newest first",
           tag=tag, query=HISTORY_QUERY, render=lambda body: body)
    def history(ctx: RequestContext, record_id):
        return history_page(rtype.store.pk(ctx.tenant_id, record_id), ctx)


def _register_status_route(bp, one, action, status, rtype, label, tag, render):
    @route(bp, f"{one}/{action}", "POST", summary=f"{action.capitalize()} a {label}",
           tag=tag, render=render)
    def change(ctx: RequestContext, record_id):
        return change_status(ctx.uow, rtype.resolve(), ctx.tenant_id, ctx.actor, record_id, status, f"{action}d")
