"""/customers/{customer_id}/portal-links: the tenant makes and revokes its customers' portal links."""
from chalice import Blueprint

from ..domain.errors import InvalidReference, NotFound, invalid
from ..lazy import lazy
from .routing import RequestContext, route
from .schema import Integer, Object, String

portal_links = Blueprint(__name__)
CUSTOMERS = lazy("chalicelib.services.customers", "CUSTOMERS")
TENANTS = lazy("chalicelib.services.tenants", "TENANTS")
document_type_of = lazy("chalicelib.services.portal_links", "document_type_of")
create_link = lazy("chalicelib.services.portal_links", "create_link")
revoke_link = lazy("chalicelib.services.portal_links", "revoke_link")
link_days = lazy("chalicelib.services.portal_links", "link_days")
present_link = lazy("chalicelib.services.portal_links", "present_link")
TAG = "Customers"
LINKS = "/customers/{customer_id}/portal-links"

NEW_LINK = Object({
    "document_id": String(max_length=40, description="An issued invoice, credit note or estimate of the "
                                                     "customer; without it, the link lists all their documents"),
    "valid_days": Integer(minimum=1, maximum=3650, nullable=False,
                          description="Default: the tenant's portal_link_days (90 unless set)"),
})
LINK = Object({
    "customer_id": String(), "document_id": String(), "document_kind": String(),
    "expires_at": String(description="When the link stops working (UTC)"),
    "url": String(max_length=2000, description="Shown once: only the token's hash is stored"),
})


@route(portal_links, LINKS, "POST", tag=TAG, body=NEW_LINK, status=201, response=LINK,
       render=lambda made: {**present_link(made[0]), "url": made[1]},
       summary="Make a portal link for the customer: their page of documents, or one document's page")
def create(ctx: RequestContext, customer_id):
    customer = CUSTOMERS.store.get(ctx.tenant_id, customer_id)
    document = _document(ctx, customer.id, ctx.body.get("document_id"))
    days = ctx.body.get("valid_days") or link_days(TENANTS.store.get(ctx.tenant_id, ctx.tenant_id).data)
    return create_link(ctx.uow, ctx.tenant_id, ctx.actor, customer.id, document, days)


@route(portal_links, LINKS + "/{link_id}", "DELETE", tag=TAG, response=LINK, render=present_link,
       summary="Revoke a portal link: it stops working at once (revoking twice changes nothing)")
def revoke(ctx: RequestContext, customer_id, link_id):
    return revoke_link(ctx.uow, ctx.tenant_id, ctx.actor, customer_id, link_id)


def _document(ctx: RequestContext, customer_id: str, document_id):
    if not document_id:
        return None
    dtype = document_type_of(document_id)
    if dtype is None:
        raise invalid("document_id", "names no invoice, credit note or estimate")
    try:
        document = dtype.store.get(ctx.tenant_id, document_id)
    except NotFound:
        raise InvalidReference(f"No document has the id {document_id}", [("document_id", "names no document")])
    if document.customer_id != customer_id:
        raise invalid("document_id", "is a document of another customer")
    if document.status == "draft":
        raise invalid("document_id", "is a draft; issue it (or send the estimate) first")
    return document
