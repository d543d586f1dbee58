"""Use cases shared by every record kind: create, update, archive and restore.

Each write commits the record and its history entry in one transaction
(plus any unique value it claims or frees), so a record never changes without
a history entry saying who changed what, and two records can never hold the
same unique value.
"""
from typing import Any, Callable, Dict, NamedTuple, Optional, Tuple

from ..domain.changes import diff
from ..domain.records import ACTIVE, ARCHIVED, Actor  # noqa: F401  (re-exported)
from ..domain.errors import Conflict
from ..store import keys
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import RecordItem, UniqueValueItem
from ..store.reads import StaleRead
from ..store.records import RecordStore
from ..store.tallies import count_active
from ..store.unit_of_work import UnitOfWork, Writes
from .retry import retry_on_conflict



class RecordType(NamedTuple):
    store: RecordStore
    id_prefix: str
    # The JSON form of a record's fields (money as strings); history stores this form.
    present: Callable[[Dict[str, Any]], Dict[str, Any]]
    search_fields: Tuple[str, ...] = ()
    unique_fields: Tuple[str, ...] = ()
    # Fills what follows from the submitted fields (create) or changes (update).
    prepare: Callable[[Dict[str, Any]], Dict[str, Any]] = lambda fields: fields
    # Checks rules across fields on the merged record; raises ValidationError.
    check: Callable[[Dict[str, Any]], None] = lambda data: None
    # Keep a count of active records (the dashboard shows the number of customers).
    counted: bool = False
    # Sets index keys that follow from the record's fields and status (recurring templates).
    place: Callable[[RecordItem], None] = lambda item: None


def create_record(uow: UnitOfWork, rtype: RecordType, tenant_id: str, actor: Actor,
                  fields: Dict[str, Any], record_id: Optional[str] = None,
                  status: str = ACTIVE, result: Callable[[RecordItem], Any] = lambda item: item):
    """Returns `result(item)`: what the caller answers with, and what an idempotent retry replays."""
    at = stamp(now())
    item = rtype.store.new_item(tenant_id, record_id or keys.new_id(rtype.id_prefix), at)
    rtype.store.set_status(item, tenant_id, status)
    fields = rtype.prepare(fields)
    rtype.check(fields)
    _fill(item, rtype, fields, at)
    writes = Writes().put(item)
    for name in rtype.unique_fields:
        _claim(writes, rtype, tenant_id, item.id, name, fields.get(name))
    if rtype.counted and status == ACTIVE:
        count_active(writes, tenant_id, rtype.store.kind, 1)
    changes = diff({}, {**rtype.present(item.data), "status": status})
    writes.put(history_entry(item.PK, at, actor.id, "created", changes))
    return uow.commit(writes, result(item))


Guard = Callable[[RecordItem, Dict[str, Any]], Dict[str, Any]]


def update_record(uow: UnitOfWork, rtype: RecordType, tenant_id: str, actor: Actor,
                  record_id: str, changes: Dict[str, Any], guard: Optional[Guard] = None) -> RecordItem:
    """Apply the given fields (None clears one); refused while the record is archived.
    `guard(item, changes)` checks the changes against the record as read and returns them (or what
    they become); the write is conditioned on that read's version, so the check holds when it commits."""
    return retry_on_conflict(
        lambda use_cache: _update(uow, rtype, tenant_id, actor, record_id, changes, use_cache, guard))


def _update(uow, rtype, tenant_id, actor, record_id, changes, use_cache, guard) -> RecordItem:
    item = rtype.store.read(tenant_id, record_id, use_cache)
    if item.status != ACTIVE:
        raise Conflict(f"This {rtype.store.label} is {item.status}; restore it before editing")
    if guard:
        changes = guard(item, changes)
    before = rtype.present(item.data)
    old_data = dict(item.data)
    merged = {**old_data, **rtype.prepare(changes)}
    rtype.check(merged)
    at = stamp(now())
    _fill(item, rtype, merged, at)
    changed = diff(before, rtype.present(item.data))
    if not changed:
        return _unchanged(item, use_cache)
    writes = Writes().put(item)  # conditioned on the version we read
    for name in rtype.unique_fields:
        if _normal(old_data.get(name)) != _normal(item.data.get(name)):
            _release(writes, rtype, tenant_id, item.id, name, old_data.get(name))
            _claim(writes, rtype, tenant_id, item.id, name, item.data.get(name))
    writes.put(history_entry(item.PK, at, actor.id, "updated", changed))
    return uow.commit(writes, item)


def change_status(uow: UnitOfWork, rtype: RecordType, tenant_id: str, actor: Actor,
                  record_id: str, to_status: str, action: str, drop: Tuple[str, ...] = ()) -> RecordItem:
    """Archive, restore or revoke: idempotent when the record is already there. `drop`: fields of its
    data that the old status explained (a paused template's reason)."""
    return retry_on_conflict(
        lambda use_cache: _change_status(uow, rtype, tenant_id, actor, record_id, to_status, action, drop, use_cache))


def _change_status(uow, rtype, tenant_id, actor, record_id, to_status, action, drop, use_cache) -> RecordItem:
    item = rtype.store.read(tenant_id, record_id, use_cache)
    if item.status == to_status:
        return _unchanged(item, use_cache)
    before = item.status
    at = stamp(now())
    for name in drop:
        item.data.pop(name, None)
    rtype.store.set_status(item, tenant_id, to_status)
    rtype.place(item)
    item.updated_at = at
    writes = Writes().put(item)
    if rtype.counted and ACTIVE in (before, to_status):
        count_active(writes, tenant_id, rtype.store.kind, 1 if to_status == ACTIVE else -1)
    writes.put(history_entry(item.PK, at, actor.id, action,
                             {"status": {"before": before, "after": to_status}}))
    return uow.commit(writes, item)


def _unchanged(item: RecordItem, use_cache: bool) -> RecordItem:
    """Nothing to write: answer with the record, but never with one only seen in the cache."""
    if use_cache:
        raise StaleRead("confirm from a fresh read")
    return item


def _fill(item: RecordItem, rtype: RecordType, fields: Dict[str, Any], at: str) -> None:
    item.data = {k: v for k, v in fields.items() if v is not None}
    rtype.place(item)
    item.updated_at = at
    text = " ".join(_searchable(item.data.get(name)) for name in rtype.search_fields)
    item.search = " ".join(text.lower().split()) or None


def _searchable(value) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return str(value) if value is not None else ""


def _normal(value) -> Optional[str]:
    return value.lower() if isinstance(value, str) else None


def _unique_item(rtype, tenant_id, name, value, owner_id) -> UniqueValueItem:
    pk = keys.unique_value_pk(tenant_id, rtype.store.kind, name, value)
    return UniqueValueItem(pk, keys.RECORD_SK, owner_id=owner_id)


def _claim(writes: Writes, rtype, tenant_id, record_id, name, value) -> None:
    if value is None:
        return
    taken = Conflict(f"Another {rtype.store.label} already has the {name} {value}",
                     [(name, "is already used by another " + rtype.store.label)])
    writes.put(_unique_item(rtype, tenant_id, name, value, record_id),
               condition=UniqueValueItem.PK.does_not_exist(), on_fail=taken)


def _release(writes: Writes, rtype, tenant_id, record_id, name, value) -> None:
    if value is None:
        return
    writes.delete(_unique_item(rtype, tenant_id, name, value, record_id),
                  condition=UniqueValueItem.owner_id == record_id)
