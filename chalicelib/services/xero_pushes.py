"""Pushes of the books to Xero, as jobs: the API stores the request and answers 202; a job on the
exports queue pushes (services/xero_push.py) and writes each document's result on the push record.

The caller's Xero access token never travels in the SQS message: a message may wait 14 days in the
dead-letter queue, and bodies reach logs when a job fails. It is stored in an item of its own beside
the push record (store.models.ExpiringSecretItem), written in the transaction that creates the
record, with a DynamoDB TTL at the token's own expiry (Xero's access tokens last 30 minutes; its
JWT `exp` when it has one). The job reads it, ignores it once expired (TTL deletes lazily), and
deletes it in the transaction that records the result; no route returns it.

Exactly once: a redelivered message finds the push done or failed and does nothing; two deliveries
at once take a lease on the push and only its holder pushes. A worker that dies mid-push leaves the
push queued; the next delivery pushes again with the same Idempotency-Keys (services/xero_push.py),
so Xero answers what it answered first instead of creating the documents twice.
"""
import base64
import json
from datetime import date, datetime, timedelta, timezone
from itertools import islice
from typing import Any, Dict, List, Optional

from .. import config
from ..domain.errors import DomainError, invalid
from ..store import keys
from ..store.clock import now, stamp
from ..store.leases import LeaseHeld, take_lease
from ..store.models import ExpiringSecretItem
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from .exports import booked_documents
from .records import Actor, RecordType, create_record
from .tenants import TENANTS

QUEUED, DONE, FAILED = "queued", "done", "failed"
MAX_PUSHED = 500  # documents per push: ten calls of 50, well inside the exports worker's 900 s
TOKEN_SK = "XERO_ACCESS_TOKEN"
TOKEN_LIFE = timedelta(minutes=30)  # Xero's access tokens expire 30 minutes after they are issued
LEASE_SECONDS = 900  # the exports worker's timeout (infra/stacks): no second worker while one may push
ERRORS_KEPT, ERROR_CHARACTERS = 3, 200  # per document: keeps the record far below DynamoDB's 400 KB
TOKEN_GONE = "The Xero access token expired before the push ran; push again with a fresh token"
NOT_DONE = "The push could not be completed; push again (documents Xero already holds are not created twice)"
FILTERS = ("from", "to", "timeframe")


def _present(data: Dict[str, Any]) -> Dict[str, Any]:
    """Numbers come back from the table as Decimal: the counts are whole."""
    counts = {"counts": {name: int(n) for name, n in data["counts"].items()}} if "counts" in data else {}
    documents = {"documents": int(data["documents"])} if "documents" in data else {}
    return {**data, **counts, **documents}


XERO_PUSHES = RecordType(store=RecordStore("XEROPUSH", "Xero push"), id_prefix="xps", present=_present)


def request_push(uow: UnitOfWork, tenant_id: str, actor: Actor, request: Dict[str, Any]):
    """Checks the timeframe, then stores the push and its token in one transaction."""
    _documents(tenant_id, request)
    push_id = keys.new_id(XERO_PUSHES.id_prefix)
    token = ExpiringSecretItem(XERO_PUSHES.store.pk(tenant_id, push_id), TOKEN_SK,
                               secret=request["access_token"], expires_at=token_expiry(request["access_token"]))
    fields = {"state": QUEUED, "xero_tenant_id": request["xero_tenant_id"],
              **{name: str(request[name]) for name in FILTERS if request.get(name)}}
    return create_record(_WithToken(uow, token), XERO_PUSHES, tenant_id, actor, fields, record_id=push_id)


class _WithToken:
    """The request's unit of work, with the token item added to the transaction it commits."""

    def __init__(self, uow: UnitOfWork, token: ExpiringSecretItem):
        self._uow, self._token = uow, token

    def commit(self, writes: Writes, result: Any = None) -> Any:
        return self._uow.commit(writes.put(self._token, condition=ExpiringSecretItem.PK.does_not_exist()), result)


def token_expiry(token: str, issued: Optional[datetime] = None) -> datetime:
    """When the token stops working: 30 minutes from now at most, sooner if its JWT says so."""
    latest = (issued or now()) + TOKEN_LIFE
    try:
        payload = token.split(".")[1]
        expires = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["exp"]
        return min(latest, datetime.fromtimestamp(int(expires), timezone.utc))
    except (IndexError, ValueError, KeyError, TypeError, OverflowError):
        return latest


def run_push(tenant_id: str, push_id: str, last_delivery: bool) -> None:
    """The job. `last_delivery`: the queue will not deliver it again if it fails."""
    item = XERO_PUSHES.store.get(tenant_id, push_id)
    if item.data["state"] != QUEUED:
        return  # a repeated delivery
    if not take_lease(item.PK, "xero-push", LEASE_SECONDS):
        raise LeaseHeld(f"Xero push {push_id} is being pushed")
    item = XERO_PUSHES.store.get(tenant_id, push_id)  # another worker may have finished it meanwhile
    if item.data["state"] != QUEUED:
        return
    token = _token(item.PK)
    if token is None:
        return _finish(item, FAILED, error=TOKEN_GONE)
    try:
        results = _push(tenant_id, item.data, token)
    except DomainError as error:  # the books cannot be pushed as asked: nothing to retry
        return _finish(item, FAILED, error=error.message)
    except Exception:  # AWS: raised for the queue to retry; Xero's own failures are results
        if last_delivery:
            _finish(item, FAILED, error=NOT_DONE)
        raise
    _finish(item, DONE, documents=len(results), counts=_counts(results), results=results)


def _push(tenant_id: str, data: Dict[str, Any], token: str) -> List[Dict[str, Any]]:
    from .xero_push import push_documents

    tenant = TENANTS.store.get(tenant_id, tenant_id).data
    stored = {name: data[name] for name in FILTERS if data.get(name)}  # dates as ISO text
    query = {**stored, **{name: date.fromisoformat(stored[name]) for name in ("from", "to") if name in stored}}
    results = push_documents(_documents(tenant_id, query), tenant.get("accounting_mapping"), token,
                             data["xero_tenant_id"], base_url=config.xero_base_url())
    return [{**result._asdict(), "errors": _kept(result.errors)} for result in results]


def _documents(tenant_id: str, request: Dict[str, Any]) -> List[Dict[str, Any]]:
    query = {name: request[name] for name in FILTERS if request.get(name)}
    documents = list(islice(booked_documents(tenant_id, query, ("invoices", "credit_notes")), MAX_PUSHED + 1))
    if len(documents) > MAX_PUSHED:
        raise invalid("to", f"the timeframe holds more than {MAX_PUSHED} documents; push it in parts")
    return documents


def _kept(errors) -> List[str]:
    kept = [error[:ERROR_CHARACTERS] for error in errors[:ERRORS_KEPT]]
    return kept + ([f"and {len(errors) - ERRORS_KEPT} more"] if len(errors) > ERRORS_KEPT else [])


def _counts(results: List[Dict[str, Any]]) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for result in results:
        counts[result["outcome"]] = counts.get(result["outcome"], 0) + 1
    return counts


def _token(pk: str) -> Optional[str]:
    try:
        item = ExpiringSecretItem.get(pk, TOKEN_SK, consistent_read=True)
    except ExpiringSecretItem.DoesNotExist:
        return None
    return item.secret if item.expires_at > now() else None


def _finish(item, state: str, **recorded) -> None:
    """Records the outcome and deletes the token, in one transaction."""
    item.data.update(state=state, finished_at=stamp(now()), **recorded)
    item.updated_at = item.data["finished_at"]
    UnitOfWork().commit(Writes().put(item).delete(ExpiringSecretItem(item.PK, TOKEN_SK)), item)
