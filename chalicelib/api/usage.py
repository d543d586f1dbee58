"""/usage-records: call detail records and metered events in batches; unrated records; usage totals."""
from chalice import Blueprint

from ..domain.usage_terms import DIRECTIONS, MAX_DURATION
from ..lazy import lazy
from .record_routes import HISTORY_QUERY, page
from .routing import RequestContext, route
from .schema import Amount, Array, Choice, Date, Integer, Object, OpenObject, String

usage = Blueprint(__name__)
TAG = "Usage"
MAX_RECORDS = 1000
ingest_batch = lazy("chalicelib.services.usage_records", "ingest_batch")
usage_of = lazy("chalicelib.services.usage_records", "usage_of")
list_unrated = lazy("chalicelib.store.usage_unrated", "list_unrated")
SUBSCRIPTIONS = lazy("chalicelib.services.subscriptions", "SUBSCRIPTIONS")

RECORD = Object({
    "id": String(required=True, max_length=100, description="Unique per record: sent again, it counts once",
                 example="cdr-20260301-0001"),
    "account": String(required=True, max_length=100, example="ACME-4471",
                      description="The subscription's account_reference, or the customer's id"),
    "start": String(max_length=40, example="2026-03-01T09:15:02+00:00",
                    description="A call's start, with its offset (or Z)"),
    "duration_seconds": Integer(minimum=0, maximum=MAX_DURATION, example=125),
    "destination": String(max_length=40, example="+44 7700 900123", description="The number dialled"),
    "direction": Choice(DIRECTIONS, description="outbound (default) or inbound"),
    "caller": String(max_length=100),
    "trunk": String(max_length=100),
    "metric": String(max_length=64, pattern=r"[A-Za-z0-9_.\-]+", example="sms",
                     description="A metered event's metric code (then time and quantity, not a call's fields)"),
    "quantity": Amount(places=6, description="A metered event's quantity", example="1"),
    "time": String(max_length=40, description="A metered event's time, with its offset"),
    "properties": OpenObject(max_fields=20, description="A metered event's properties, kept as given"),
})
BATCH = Object({"records": Array(RECORD, min_items=1, max_items=MAX_RECORDS, required=True,
                                 description=f"1 to {MAX_RECORDS} calls or metered events")})
USAGE_QUERY = {"period": Date(required=True, description="The period's first day (its period_start)")}


@route(usage, "/usage-records", "POST", tag=TAG, body=BATCH, render=lambda body: body,
       summary="Rate and count a batch of usage records, each once by its id; unrated ones are kept")
def create(ctx: RequestContext):
    return ingest_batch(ctx.tenant_id, ctx.body["records"])


@route(usage, "/usage-records/unrated", "GET", tag=TAG, query=HISTORY_QUERY, list_response=True,
       render=lambda body: body, summary="Usage records that could not be rated, with the reason")
def unrated(ctx: RequestContext):
    return page(*list_unrated(ctx.tenant_id, ctx.query.get("limit") or 50, ctx.query.get("cursor")))


@route(usage, "/subscriptions/{subscription_id}/usage", "GET", tag=TAG, query=USAGE_QUERY,
       render=lambda body: body, summary="A period's usage totals: per destination, per day, metered events, late")
def period_usage(ctx: RequestContext, subscription_id):
    SUBSCRIPTIONS.store.get(ctx.tenant_id, subscription_id)  # 404 for another tenant's or no subscription
    return usage_of(ctx.tenant_id, subscription_id, ctx.query["period"].isoformat())
