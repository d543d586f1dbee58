"""Portal links in the table: a token item keyed by the token's SHA-256, read before the tenant is
known, and beside it the tenant's own record of the link (services/portal_links.py).

A token reads `<tenant id>.<document or customer id>.<secret>`: the ids say which item the page
shows, so the token item and that item are read together in one TransactGetItems.
"""
import hashlib
from typing import Optional, Tuple

from pynamodb.attributes import UnicodeAttribute

from . import keys
from .models import DocumentItem, Item, RecordItem
from .reads import Snapshot

# The item a link's target id names, by the id's prefix (services/document_types.py, customers).
TARGET_KINDS = {"inv": "INVOICE", "cn": "CREDIT_NOTE", "est": "ESTIMATE", "cus": "CUSTOMER"}


class PortalTokenItem(Item):
    """One link's secret, as its hash: who it is for, until when, and whether it was revoked."""
    tenant_id = UnicodeAttribute()
    link_id = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    document_id = UnicodeAttribute(null=True)  # None: the customer's link to all their documents
    expires_at = UnicodeAttribute()  # ISO instant, UTC
    revoked_at = UnicodeAttribute(null=True)
    form_secret = UnicodeAttribute()  # keys the page's CSRF tokens (api/portal_forms.py)


def token_hash(token: str) -> str:
    # The secret is 192 random bits, so a fast hash is as safe as a slow one.
    return hashlib.sha256(token.encode()).hexdigest()


def token_pk(digest: str) -> str:
    # Looked up before the tenant is known, so it cannot carry the tenant prefix.
    return f"PORTAL#{digest}"


def target_pk(tenant_id: str, target_id: str) -> Optional[str]:
    kind = TARGET_KINDS.get(target_id.partition("_")[0])
    return keys.record_pk(tenant_id, kind, target_id) if kind else None


def read_token_and_target(token: str, tenant_id: str, target_id: str) -> Tuple[Optional[PortalTokenItem], object]:
    """The token's item and the document (or customer) `target_id` names, in one call; None where absent."""
    model = RecordItem if target_id.startswith("cus_") else DocumentItem
    found = Snapshot({"token": (PortalTokenItem, token_pk(token_hash(token)), keys.RECORD_SK),
                      "target": (model, target_pk(tenant_id, target_id), keys.RECORD_SK)}, use_cache=False)
    return found["token"], found["target"]
