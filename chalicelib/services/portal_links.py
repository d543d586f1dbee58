"""Portal links: what a tenant's customer opens from an email, without an API key.

A link is `<base>/portal/<token>`, the token `<tenant id>.<document or customer id>.<secret>`
with 192 random bits of secret. Only the token's SHA-256 is stored (store/portal_links.py), with
the tenant, the customer, the document (or none: the customer's list of documents), the expiry
and whether it was revoked. The tenant's record of the link (kind PORTALLINK, id pl_...) holds
the same and its history, so it can be revoked by id; both are written in one transaction.
"""
import secrets
from datetime import timedelta
from typing import Any, Dict, NamedTuple, Optional, Tuple

from .. import config
from ..domain.errors import NotFound
from ..domain.records import ACTIVE, REVOKED
from ..store import keys
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import RecordItem
from ..store.portal_links import PortalTokenItem, read_token_and_target, token_hash, token_pk
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from .document_types import CREDIT_NOTE, ESTIMATE, INVOICE, DocumentType
from .records import Actor, RecordType

DEFAULT_LINK_DAYS = 90
PORTAL_LINKS = RecordType(store=RecordStore("PORTALLINK", "portal link"), id_prefix="pl",
                          present=lambda data: {k: v for k, v in data.items() if k != "token_hash"})


class Opened(NamedTuple):
    """A link that works, and the document or customer record it was opened on."""
    link: PortalTokenItem
    target: Any  # DocumentItem, or the customer's RecordItem


def document_type_of(document_id: str) -> Optional[DocumentType]:
    """The kind of document an id names, by its prefix (inv_, cn_, est_)."""
    return {d.id_prefix: d for d in (INVOICE, CREDIT_NOTE, ESTIMATE)}.get(document_id.partition("_")[0])


def link_days(tenant_data: Dict[str, Any]) -> int:
    return int(tenant_data.get("portal_link_days") or DEFAULT_LINK_DAYS)


def create_link(uow: UnitOfWork, tenant_id: str, actor: Actor, customer_id: str, document: Optional[Any],
                days: int) -> Tuple[RecordItem, str]:
    """The link's record and its URL, which holds the token and is never stored."""
    at, link_id = now(), keys.new_id("pl")
    token = f"{tenant_id}.{document.id if document else customer_id}.{secrets.token_urlsafe(24)}"
    expires_at = stamp(at + timedelta(days=days))
    data = {"customer_id": customer_id, "document_id": document.id if document else None,
            "document_kind": document.kind if document else None, "expires_at": expires_at,
            "token_hash": token_hash(token)}
    record = PORTAL_LINKS.store.new_item(tenant_id, link_id, stamp(at))
    PORTAL_LINKS.store.set_status(record, tenant_id, ACTIVE)
    record.data, record.updated_at = {k: v for k, v in data.items() if v is not None}, stamp(at)
    token_item = PortalTokenItem(token_pk(data["token_hash"]), keys.RECORD_SK, tenant_id=tenant_id,
                                 link_id=link_id, customer_id=customer_id, document_id=data["document_id"],
                                 expires_at=expires_at, form_secret=secrets.token_hex(32))
    writes = Writes().put(record).put(token_item, condition=PortalTokenItem.PK.does_not_exist())
    writes.put(history_entry(record.PK, stamp(at), actor.id, "created",
                             {"link": {"before": None, "after": PORTAL_LINKS.present(record.data)}}))
    return uow.commit(writes, (record, link_url(token)))


def link_url(token: str) -> str:
    """The page's address; only its path where the stack was given no portal URL."""
    return f"{(config.portal_base_url() or '').rstrip('/')}/portal/{token}"


def revoke_link(uow: UnitOfWork, tenant_id: str, actor: Actor, customer_id: str, link_id: str) -> RecordItem:
    """The token stops working on its next use; revoking twice changes nothing."""
    record = PORTAL_LINKS.store.get(tenant_id, link_id)
    if record.data["customer_id"] != customer_id:
        raise NotFound(f"No portal link of this customer has the id {link_id}")
    if record.status == REVOKED:
        return record
    at = stamp(now())
    PORTAL_LINKS.store.set_status(record, tenant_id, REVOKED)
    record.updated_at = at
    token_item = PortalTokenItem(token_pk(record.data["token_hash"]), keys.RECORD_SK)
    writes = Writes().put(record).update(token_item, [PortalTokenItem.revoked_at.set(at)],
                                         condition=PortalTokenItem.PK.exists())
    writes.put(history_entry(record.PK, at, actor.id, "revoked", {"status": {"before": ACTIVE, "after": REVOKED}}))
    return uow.commit(writes, record)


def present_link(record: RecordItem) -> Dict[str, Any]:
    return {"id": record.id, "status": record.status, "document_id": None, "document_kind": None,
            **PORTAL_LINKS.present(record.data),
            "created_at": record.created_at, "updated_at": record.updated_at}


def open_link(token: str, target_id: Optional[str] = None) -> Optional[Opened]:
    """The link and what it shows (its own document or customer, or `target_id`, a document of
    the link's customer), if the link works and may show it; None otherwise, whatever the reason."""
    tenant_id, link_target, _ = token.split(".")
    link, target = read_token_and_target(token, tenant_id, target_id or link_target)
    if link is None or target is None or link.revoked_at or link.expires_at <= stamp(now()):
        return None
    if link.tenant_id != tenant_id or not _may_show(link, target):
        return None
    return Opened(link, target)


def _may_show(link: PortalTokenItem, target: Any) -> bool:
    if isinstance(target, RecordItem):  # the customer's own list
        return link.document_id is None and target.id == link.customer_id
    if link.document_id is not None and target.id != link.document_id:
        return False
    return target.customer_id == link.customer_id and target.status != "draft"


def record_use(opened: Opened, file: Optional[str] = None) -> None:
    """Each use, in the history of the document (or customer) shown: when, by which link, and for a
    download (`portal_downloaded`) which file (pdf, ubl, statement); a page is `portal_viewed`."""
    at, what = stamp(now()), "downloaded" if file else "viewed"
    after = {"at": at, "link_id": opened.link.link_id, **({"file": file} if file else {})}
    history_entry(opened.target.PK, at, f"portal:{opened.link.link_id}", f"portal_{what}",
                  {what: {"before": None, "after": after}}).save()
