"""/rate-cards: cards (name, currency) and their versions of rows, each in force from a date."""
from chalice import Blueprint

from ..domain.usage_terms import MAX_RATE_CARD_ROWS as MAX_ROWS
from ..domain.records import ACTIVE, ARCHIVED
from ..lazy import lazy
from .fields import list_query
from .record_routes import register_record_routes
from .routing import RequestContext, route
from .schema import Amount, Array, CurrencyCode, Date, Integer, Object, String

rate_cards = Blueprint(__name__)
TAG = "Rate cards"
_SERVICE = "chalicelib.services.rate_cards"
RATE_CARDS = lazy(_SERVICE, "RATE_CARDS")
add_version = lazy(_SERVICE, "add_version")
list_versions = lazy(_SERVICE, "list_versions")
get_version = lazy(_SERVICE, "get_version")
check_change = lazy(_SERVICE, "check_change")

CARD = Object({
    "name": String(required=True, example="Wholesale voice 2026"),
    "description": String(max_length=2000),
    "currency": CurrencyCode(nullable=False, description="Defaults to the tenant's base currency"),
})
PRICE = dict(places=8, maximum=1000000)
ROW = Object({
    "prefix": String(required=True, max_length=20, pattern=r"\+?[0-9 ]+", example="447",
                     description="Dialled digits; +44 and 0044 are read as 44. The longest prefix of a number wins"),
    "destination": String(required=True, max_length=100, example="UK mobile"),
    "price_per_minute": Amount(required=True, **PRICE, example="0.0125"),
    "connection_fee": Amount(**PRICE, description="Charged per answered call; default 0", example="0.01"),
    "minimum_charge": Amount(**PRICE, description="The least an answered call costs, fee included; default 0"),
    "increment": String(required=True, max_length=11, pattern=r" *[0-9]+ */ *[0-9]+ *", example="30/6",
                        description="Billing increments first/next in seconds: 60/60, 1/1, 30/6"),
})
VERSION = Object({
    "effective_from": Date(required=True, description="The first day these rows price calls; after the first "
                                                      "version, today (tenant-local) or later"),
    "rows": Array(ROW, max_items=MAX_ROWS, description="The card's rows; or give `csv`"),
    "csv": String(max_length=1_000_000, description="The rows as CSV text with a header row: prefix, destination, "
                                                    "price_per_minute, connection_fee, minimum_charge, increment"),
})
VERSION_ANSWER = Object({
    "effective_from": Date(required=True),
    "row_count": Integer(minimum=1, maximum=MAX_ROWS, required=True),
    "added_at": String(required=True),
    "rows": Array(ROW, max_items=MAX_ROWS, description="Only when one version is asked for"),
})

register_record_routes(
    rate_cards, path="/rate-cards", tag=TAG, label="rate card", rtype=RATE_CARDS, schema=CARD,
    query=list_query((ACTIVE, ARCHIVED)), defaults=lambda ctx: {"currency": ctx.base_currency},
    references=lambda ctx, record_id, fields: check_change(ctx.tenant_id, record_id, fields))

VERSIONS = "/rate-cards/{record_id}/versions"


@route(rate_cards, VERSIONS, "POST", tag=TAG, body=VERSION, status=201, render=lambda body: body,
       response=VERSION_ANSWER,
       summary="Add a version of the card's rows (JSON rows or CSV text) in force from a date")
def create_version(ctx: RequestContext, record_id):
    return add_version(ctx.uow, ctx.tenant_id, ctx.actor, record_id, ctx.body)


@route(rate_cards, VERSIONS, "GET", tag=TAG, render=lambda versions: {"data": versions, "next_cursor": None},
       response=VERSION_ANSWER, list_response=True, summary="The card's versions, earliest first (without rows)")
def versions(ctx: RequestContext, record_id):
    return list_versions(ctx.tenant_id, record_id)


@route(rate_cards, VERSIONS + "/{effective_from}", "GET", tag=TAG, render=lambda body: body,
       response=VERSION_ANSWER, summary="One version of the card with its rows")
def version(ctx: RequestContext, record_id, effective_from):
    return get_version(ctx.tenant_id, record_id, effective_from)
