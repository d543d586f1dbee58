"""API keys: created for a tenant, shown once, stored only as a hash, revocable.

A key reads `<tenant id>.<key id>.<secret>`; the ids let the authorizer fetch
the one record to compare against, with a single GetItem.
"""
import hashlib
import hmac
import secrets
from typing import NamedTuple, Optional, Tuple

from ..domain.errors import NotFound
from ..domain.records import REVOKED, SCOPES
from ..store import keys
from ..store.models import RecordItem
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork
from .records import ACTIVE, Actor, RecordType, change_status, create_record


API_KEYS = RecordType(
    store=RecordStore("APIKEY", "API key"),
    id_prefix="key",
    present=lambda data: {"name": data.get("name"), "scopes": data["scopes"]},
)


# Our keys have 85 characters. A longer token is none of ours, and its ids could pass DynamoDB's
# key size limits (2,048 bytes for a partition key, 1,024 for a sort key): the read would fail.
MAX_TOKEN_CHARS = 200


class KeyIdentity(NamedTuple):
    tenant_id: str
    key_id: str
    scopes: Tuple[str, ...]
    base_currency: str


def create_api_key(uow: UnitOfWork, tenant: RecordItem, actor: Actor, fields: dict) -> Tuple[RecordItem, str]:
    """The new key's record and its secret form, which is never stored."""
    key_id = keys.new_id("key")
    secret = secrets.token_urlsafe(32)
    record = {
        "name": fields.get("name"),
        "scopes": sorted(set(fields.get("scopes") or SCOPES)),
        "secret_hash": _hash(secret),
        # Copied so that the authorizer needs one read; a tenant's base currency never changes.
        "base_currency": tenant.data["base_currency"],
    }
    token = f"{tenant.id}.{key_id}.{secret}"
    return create_record(uow, API_KEYS, tenant.id, actor, record, record_id=key_id,
                         result=lambda item: (item, token))


def revoke_api_key(uow: UnitOfWork, tenant_id: str, actor: Actor, key_id: str) -> RecordItem:
    return change_status(uow, API_KEYS, tenant_id, actor, key_id, REVOKED, "revoked")


def resolve_api_key(token: str) -> Optional[KeyIdentity]:
    if len(token) > MAX_TOKEN_CHARS:
        return None
    parts = token.split(".")
    if len(parts) != 3 or not all(parts):
        return None
    tenant_id, key_id, secret = parts
    try:
        item = API_KEYS.store.get(tenant_id, key_id)
    except NotFound:
        return None
    if item.status != ACTIVE or not hmac.compare_digest(item.data["secret_hash"], _hash(secret)):
        return None
    return KeyIdentity(tenant_id, key_id, tuple(item.data["scopes"]), item.data["base_currency"])


def _hash(secret: str) -> str:
    # The secret is 256 random bits, so a fast hash is as safe as a slow one.
    return hashlib.sha256(secret.encode()).hexdigest()
