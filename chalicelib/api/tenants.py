"""/tenants (admin key) and /tenant (a tenant's own settings)."""
from chalice import Blueprint

from ..domain.email_templates import KINDS as EMAIL_KINDS
from ..domain.records import SCOPES
from ..domain.usage_terms import GROUPINGS
from ..lazy import lazy
from .fields import ADDRESS, PHONE, VAT_NUMBER
from .peppol_field import PEPPOL_ID
from .record_routes import HISTORY_QUERY, history_page, page, present_record
from .routing import ADMIN, READ, RequestContext, route
from .schema import Array, Boolean, Choice, CurrencyCode, Email, Integer, Object, OpenObject, String, TimeZone

tenants = Blueprint(__name__)
API_KEYS = lazy("chalicelib.services.api_keys", "API_KEYS")
create_api_key = lazy("chalicelib.services.api_keys", "create_api_key")
revoke_api_key = lazy("chalicelib.services.api_keys", "revoke_api_key")
TENANTS = lazy("chalicelib.services.tenants", "TENANTS")
create_tenant = lazy("chalicelib.services.tenants", "create_tenant")
update_tenant = lazy("chalicelib.services.tenants", "update_tenant")
set_logo = lazy("chalicelib.services.logos", "set_logo")
remove_logo = lazy("chalicelib.services.logos", "remove_logo")
logo_link = lazy("chalicelib.services.logos", "logo_link")
ListQuery = lazy("chalicelib.store.records", "ListQuery")

SERIES = Object({
    "prefix": String(min_length=0, max_length=20, nullable=False, pattern=r"[A-Za-z0-9/_\-]*", example="INV-"),
    "padding": Integer(minimum=1, maximum=10, nullable=False, description="Digits of the number, zero-padded"),
    "yearly_reset": Boolean(nullable=False, description="Restart at 1 each year; the year joins the prefix"),
})
PAYMENT_DETAILS = Object({
    "account_name": String(max_length=100),
    "sort_code": String(min_length=6, max_length=8, pattern=r"[0-9]{2}-?[0-9]{2}-?[0-9]{2}", example="12-34-56"),
    "account_number": String(min_length=8, max_length=8, pattern="[0-9]{8}", example="12345678"),
    "iban": String(min_length=15, max_length=34, pattern="[A-Z]{2}[0-9]{2}[A-Z0-9]+", example="GB33BUKB20201555555555"),
    "bic": String(min_length=8, max_length=11, pattern="[A-Z0-9]{8}([A-Z0-9]{3})?", example="BUKBGB22"),
    "instructions": String(max_length=500),
}, description="Printed on invoices; replaced as a whole")
EMAIL_TEMPLATE = Object({"subject": String(max_length=200, nullable=False),
                         "body": String(max_length=5000, nullable=False)}, nullable=False)
_SETTINGS = {
    "legal_name": String(required=True, example="Acme Accounting Ltd"),
    "trading_name": String(),
    "address": ADDRESS,
    "vat_number": VAT_NUMBER,
    "email": Email(),
    "phone": PHONE,
    "contact_name": String(max_length=100, description="The person to contact about invoices (e-invoices)"),
    "peppol_id": PEPPOL_ID,
    "timezone": TimeZone(nullable=False, description="IANA zone; default Europe/London"),
    "rounding": Object({
        "vat_level": Choice(("line", "invoice"), nullable=False,
                            description="Round VAT per line or per invoice (per rate)"),
        "mode": Choice(("half_up", "down"), nullable=False, description="HMRC allows rounding to nearest or down"),
    }, nullable=False, description="VAT rounding policy, stored on each document; replaced as a whole"),
    "numbering": Object({"invoice": SERIES, "credit_note": SERIES, "estimate": SERIES}, nullable=False,
                        description="Document number series; replaced as a whole"),
    "company_number": String(max_length=20, pattern="[A-Za-z0-9]+", description="Shown in the PDFs' footer"),
    "payment_details": PAYMENT_DETAILS,
    "email_templates": Object({kind: EMAIL_TEMPLATE for kind in EMAIL_KINDS}, nullable=False,
                              description="Subject and body per kind, with {placeholders}; replaced as a whole"),
    "accounting_mapping": OpenObject(description="Tax codes, sales accounts and customer references in Xero, "
                                                 "QuickBooks, Sage 50, Clear Books and FreshBooks (README)",
                                     example={"tax_codes": {"xero": {"standard": "20% (VAT on Income)",
                                                                     "reduced:5": "5% (VAT on Income)"}},
                                              "accounts": {"sage50": {"default": "4000"}}}),
    "reminder_days": Array(Integer(minimum=1, maximum=365), max_items=5,
                           description="Email a reminder this many days after an invoice's due date, once each"),
    "portal_link_days": Integer(minimum=1, maximum=3650, nullable=False,
                                description="Days an emailed portal link works; default 90"),
    "usage_grouping": Choice(GROUPINGS, nullable=False,
                             description="Usage lines on subscription invoices, unless the package or subscription "
                                         "says otherwise: per destination (default), day, destination and day, or one"),
}
TENANT = Object({**_SETTINGS, "base_currency": CurrencyCode(nullable=False, description="Default GBP; never changes")})
TENANT_CHANGES = Object(_SETTINGS)
API_KEY = Object({
    "name": String(max_length=100, example="Portal"),
    "scopes": Array(Choice(SCOPES), min_items=1, max_items=2, nullable=False, description="Default read and write"),
})


def _tenant(item):
    return present_record(TENANTS, item)


def _api_key(result):
    item, secret = result
    return {**present_record(API_KEYS, item), "api_key": secret}


@route(tenants, "/tenants", "POST", summary="Create a tenant", tag="Tenants", access=ADMIN,
       body=TENANT, status=201, render=_tenant, response=TENANT)
def create(ctx: RequestContext):
    return create_tenant(ctx.uow, ctx.actor, ctx.body)


@route(tenants, "/tenants/{tenant_id}", "GET", summary="Get a tenant", tag="Tenants", access=ADMIN,
       render=_tenant, response=TENANT)
def get(ctx: RequestContext, tenant_id):
    return TENANTS.store.get(tenant_id, tenant_id)


@route(tenants, "/tenants/{tenant_id}", "PATCH", summary="Change a tenant's settings", tag="Tenants",
       access=ADMIN, body=TENANT_CHANGES, partial=True, render=_tenant, response=TENANT)
def update(ctx: RequestContext, tenant_id):
    return update_tenant(ctx.uow, tenant_id, ctx.actor, ctx.body)


@route(tenants, "/tenants/{tenant_id}/history", "GET", summary="Every change to a tenant",
       tag="Tenants", access=ADMIN, query=HISTORY_QUERY, render=lambda body: body)
def history(ctx: RequestContext, tenant_id):
    return history_page(TENANTS.store.pk(tenant_id, tenant_id), ctx)


@route(tenants, "/tenants/{tenant_id}/api-keys", "POST", tag="Tenants", access=ADMIN,
       summary="Create an API key; the key is shown in this answer only", body=API_KEY,
       status=201, render=_api_key, response=API_KEY)
def create_key(ctx: RequestContext, tenant_id):
    return create_api_key(ctx.uow, TENANTS.store.get(tenant_id, tenant_id), ctx.actor, ctx.body)


@route(tenants, "/tenants/{tenant_id}/api-keys", "GET", summary="List a tenant's API keys",
       tag="Tenants", access=ADMIN, query=HISTORY_QUERY, response=API_KEY, list_response=True,
       render=lambda result: page([present_record(API_KEYS, item) for item in result[0]], result[1]))
def list_keys(ctx: RequestContext, tenant_id):
    TENANTS.store.get(tenant_id, tenant_id)
    return API_KEYS.store.list(tenant_id, ListQuery(limit=ctx.query.get("limit") or 50,
                                                    cursor=ctx.query.get("cursor")))


@route(tenants, "/tenants/{tenant_id}/api-keys/{key_id}", "DELETE", summary="Revoke an API key",
       tag="Tenants", access=ADMIN, response=API_KEY,
       render=lambda item: present_record(API_KEYS, item))
def revoke_key(ctx: RequestContext, tenant_id, key_id):
    return revoke_api_key(ctx.uow, tenant_id, ctx.actor, key_id)


@route(tenants, "/tenant", "GET", summary="The calling tenant's own settings", tag="Tenants",
       access=READ, render=_tenant, response=TENANT)
def own(ctx: RequestContext):
    return TENANTS.store.get(ctx.tenant_id, ctx.tenant_id)


@route(tenants, "/tenant", "PATCH", summary="Change the calling tenant's own settings", tag="Tenants",
       body=TENANT_CHANGES, partial=True, render=_tenant, response=TENANT)
def update_own(ctx: RequestContext):
    return update_tenant(ctx.uow, ctx.tenant_id, ctx.actor, ctx.body)


LOGO = Object({"content_base64": String(required=True, max_length=300000,
                                        description="The PNG or JPEG file, base64; at most 200 KB")})


@route(tenants, "/tenant/logo", "PUT", summary="Upload the logo printed on every PDF (PNG or JPEG, 200 KB)",
       tag="Tenants", body=LOGO, render=_tenant, response=TENANT)
def put_logo(ctx: RequestContext):
    return set_logo(ctx.uow, ctx.tenant_id, ctx.actor, ctx.body["content_base64"])


@route(tenants, "/tenant/logo", "GET", summary="A link to the logo", tag="Tenants", render=lambda link: link)
def get_logo(ctx: RequestContext):
    return logo_link(ctx.tenant_id)


@route(tenants, "/tenant/logo", "DELETE", summary="Remove the logo from future PDFs", tag="Tenants",
       render=_tenant, response=TENANT)
def delete_logo(ctx: RequestContext):
    return remove_logo(ctx.uow, ctx.tenant_id, ctx.actor)
