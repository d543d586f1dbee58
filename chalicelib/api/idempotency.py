"""Idempotency-Key for POST: a retry gets the first answer; another body gets 409.

The first answer is stored in the same transaction as the effect it answers
for (see UnitOfWork.before_commit), so there is no window in which the effect
exists without its answer, or the answer without its effect.
"""
import hashlib
import json
from datetime import timedelta

from .. import config
from ..domain.errors import Conflict, DomainError, invalid
from ..store import keys
from ..store.clock import now
from ..store.models import IdempotencyItem
from ..store.unit_of_work import UnitOfWork
from .errors import json_response

# Secrets shown once are never kept in a stored answer; a replay shows null.
NEVER_STORED = ("api_key",)
_SK = "IDEMPOTENCY"


class _KeyAlreadyUsed(DomainError):
    code = "idempotency_key_used"


def run_once(identity, key, request, status, render, run):
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise invalid("Idempotency-Key", "must be 1 to 255 printable characters")
    pk = keys.idempotency_pk(identity.get("tenant_id", "admin"), key)
    request_hash = _request_hash(request)
    answer = {}

    def store_answer(result, writes):
        answer["body"] = render(result)
        writes.put(_answer_item(pk, request_hash, status, answer["body"]),
                   condition=IdempotencyItem.PK.does_not_exist() | (IdempotencyItem.expires_at < now()),
                   on_fail=_KeyAlreadyUsed("replay"))

    try:
        result = run(UnitOfWork(before_commit=store_answer))
    except DomainError:
        # A retry whose first attempt succeeded may now be refused by the new state.
        stored = _load(pk)
        if stored is None:
            raise
        return _replay(stored, request_hash)
    return json_response(status, answer["body"] if "body" in answer else render(result))


def _answer_item(pk, request_hash, status, body) -> IdempotencyItem:
    kept = {k: (None if k in NEVER_STORED else v) for k, v in body.items()} if isinstance(body, dict) else body
    return IdempotencyItem(pk, _SK, request_hash=request_hash,
                           response=json.dumps({"status": status, "body": kept}, separators=(",", ":")),
                           expires_at=now() + timedelta(seconds=config.idempotency_ttl_seconds()))


def _load(pk):
    try:
        item = IdempotencyItem.get(pk, _SK, consistent_read=True)
    except IdempotencyItem.DoesNotExist:
        return None
    return item if item.expires_at > now() else None


def _replay(item: IdempotencyItem, request_hash: str):
    if item.request_hash != request_hash:
        raise Conflict("This Idempotency-Key was already used with a different request",
                       [("Idempotency-Key", "was used before with another body or path")])
    stored = json.loads(item.response)
    return json_response(stored["status"], stored["body"], headers={"Idempotent-Replayed": "true"})


def _request_hash(request) -> str:
    digest = hashlib.sha256()
    for part in (request.method, request.path, json.dumps(request.uri_params or {}, sort_keys=True)):
        digest.update(part.encode() + b"\0")
    digest.update(request.raw_body or b"")
    return digest.hexdigest()
