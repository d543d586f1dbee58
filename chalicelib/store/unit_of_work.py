"""Writes that commit together in one DynamoDB transaction, or not at all.

Services collect their writes (the record, its history entry, claimed unique
values, ...) into a `Writes` and hand it to `UnitOfWork.commit`. Each write
may name the domain error to raise when its condition fails, so a refused
transaction turns into a precise 409 instead of a generic failure.
"""
import random
import time
from contextlib import contextmanager
from typing import Any, Callable, Dict, List, Optional, Tuple

from pynamodb.exceptions import TransactWriteError

from ..domain.errors import ConcurrentUpdate, DomainError
from .models import connection
from .reads import CACHE, remember
from .table import HASH_KEY, RANGE_KEY

# pynamodb sends a transaction's items grouped in this order, whatever order
# they were added in; cancellation reasons come back in the same order.
_GROUPS = ("check", "delete", "save", "update")
_CONFLICT_ATTEMPTS = 6


class Writes:
    def __init__(self):
        self._ops: List[Tuple[str, tuple, dict, Optional[DomainError]]] = []
        # Sums added to the same item by several parts of one change merge into one
        # update: DynamoDB allows one action per item in a transaction.
        self._sums: Dict[Tuple[str, str], Tuple[Any, Dict[str, Any], Dict[str, Any]]] = {}
        self._sequence = 0

    def sequence(self) -> int:
        """1, 2, 3...: orders the entries one transaction writes with the same timestamp."""
        self._sequence += 1
        return self._sequence

    def add_to(self, model_cls, pk: str, sk: str, add: Dict[str, Any], set_: Dict[str, Any] = None) -> "Writes":
        """ADD the numbers in `add` to the item's attributes (and SET those in `set_`)."""
        _, adds, sets = self._sums.setdefault((pk, sk), (model_cls, {}, {}))
        for name, value in add.items():
            adds[name] = adds.get(name, 0) + value
        sets.update(set_ or {})
        return self

    def put(self, item, condition=None, on_fail: Optional[DomainError] = None) -> "Writes":
        self._ops.append(("save", (item,), {"condition": condition}, on_fail))
        return self

    def update(self, item, actions, condition=None, on_fail: Optional[DomainError] = None) -> "Writes":
        self._ops.append(("update", (item, actions), {"condition": condition}, on_fail))
        return self

    def delete(self, item, condition=None, on_fail: Optional[DomainError] = None) -> "Writes":
        self._ops.append(("delete", (item,), {"condition": condition}, on_fail))
        return self

    def check(self, model_cls, hash_key, range_key, condition, on_fail: DomainError) -> "Writes":
        """A condition on an item the transaction does not write; the same item is checked once."""
        if not any(kind == "check" and args[1:] == (hash_key, range_key) for kind, args, _, _ in self._ops):
            self._ops.append(("check", (model_cls, hash_key, range_key), {"condition": condition}, on_fail))
        return self

    def in_sent_order(self):
        ops = list(self._ops)
        for (pk, sk), (model_cls, adds, sets) in self._sums.items():
            actions = [getattr(model_cls, name).set(value) for name, value in sets.items()]
            actions += [getattr(model_cls, name).add(value) for name, value in adds.items() if value]
            if actions:
                ops.append(("update", (model_cls(pk, sk), actions), {"condition": None}, None))
        return sorted(ops, key=lambda op: _GROUPS.index(op[0]))


class UnitOfWork:
    """Commits a service's writes; `before_commit` may add writes derived from its result.

    The API uses `before_commit` to store an Idempotency-Key's answer in the same
    transaction as the effect it answers for, so a retry can never apply twice.
    """

    def __init__(self, before_commit: Optional[Callable[[Any, Writes], None]] = None):
        self._before_commit = before_commit

    def commit(self, writes: Writes, result: Any = None) -> Any:
        if self._before_commit:
            with _versions_as_committed(writes):
                self._before_commit(result, writes)
        _execute(writes)
        return result


@contextmanager
def _versions_as_committed(writes: Writes):
    """Each written item shows the version the transaction will give it (pynamodb sets it only
    after the commit), so that an answer made before the commit is the one a later read gives;
    the transaction's conditions are on the versions read, restored before it runs. (Sums are made
    into updates only when sent, of items nobody holds: they need no version here.)"""
    read = [(item, item.version) for kind, args, _, _ in writes._ops if kind in ("save", "update")
            for item in args[:1] if getattr(type(item), "_version_attribute_name", None)]
    for item, version in read:
        item.version = (version or 0) + 1
    try:
        yield
    finally:
        for item, version in read:
            if version is None:  # a new item: pynamodb's attribute takes no None
                item.attribute_values.pop("version", None)
            else:
                item.version = version


def _execute(writes: Writes) -> None:
    ops = writes.in_sent_order()
    request = _request(ops)  # once: every attempt sends the same
    for attempt in range(_CONFLICT_ATTEMPTS):
        try:
            # Without the consumed capacity pynamodb asks for by default and nothing reads: working
            # it out took DynamoDB Local 0.4-0.7 ms of a recurring occurrence's 6 (bench/README.md).
            connection().transact_write_items(**request, return_consumed_capacity="NONE")
        except TransactWriteError as error:
            reasons = [r.code if r else None for r in error.cancellation_reasons]
            _raise_for_failed_condition(ops, reasons, error)
            if "TransactionConflict" not in reasons or attempt == _CONFLICT_ATTEMPTS - 1:
                raise
            # Another transaction held one of our items; the conditions will be re-checked.
            time.sleep(random.uniform(0, 0.02 * 2 ** attempt))
        else:
            _committed(ops, request["put_items"])
            return


def _request(ops) -> Dict[str, list]:
    """TransactWriteItems' items, grouped as pynamodb's connection sends them; as its TransactWrite
    builds them (puts made here: the same, property-tested, without its passes over the item)."""
    request = {"condition_check_items": [], "delete_items": [], "put_items": [], "update_items": []}
    for kind, args, kwargs, _ in ops:
        if kind == "check":
            request["condition_check_items"].append(check_request(*args, kwargs["condition"]))
        elif kind == "delete":
            request["delete_items"].append(args[0].get_delete_kwargs_from_instance(kwargs["condition"]))
        elif kind == "save":
            request["put_items"].append(put_request(args[0], kwargs["condition"]))
        else:
            request["update_items"].append(args[0].get_update_kwargs_from_instance(args[1], kwargs["condition"]))
    return request


def put_request(item, condition=None) -> Dict[str, Any]:
    """A transaction's Put of the item: the item, its version one up, and the condition on the
    version read (or, new, on no version) with any other condition."""
    attributes = item.serialize()
    version_name = type(item)._version_attribute_name
    if version_name:
        attribute = item.get_attributes()[version_name]
        version = item.attribute_values.get(version_name)
        attributes[attribute.attr_name] = {attribute.attr_type: attribute.serialize((version or 0) + 1)}
        condition &= attribute.does_not_exist() if version is None else attribute == version
    return _conditioned({"TableName": item.Meta.table_name, "Item": attributes}, condition)


def check_request(model_cls, hash_key: str, range_key: str, condition) -> Dict[str, Any]:
    """A transaction's ConditionCheck of the item by key, as pynamodb's get_operation_kwargs_from_class
    builds it (property-tested for every model; every key of the table is a string) without its
    passes over the model's attributes."""
    key = {HASH_KEY: {"S": hash_key}, RANGE_KEY: {"S": range_key}}
    return _conditioned({"TableName": model_cls.Meta.table_name, "Key": key}, condition)


def _conditioned(action: Dict[str, Any], condition) -> Dict[str, Any]:
    if condition is not None:
        names, values = {}, {}
        action["ConditionExpression"] = condition.serialize(names, values)
        if names:
            action["ExpressionAttributeNames"] = {placeholder: name for name, placeholder in names.items()}
        if values:
            action["ExpressionAttributeValues"] = values
    return action


def _raise_for_failed_condition(ops, reasons, error) -> None:
    for (_, _, _, on_fail), reason in zip(ops, reasons):
        if reason == "ConditionalCheckFailed":
            raise (on_fail or ConcurrentUpdate(
                "The record was changed by another request; read it again and retry")) from error


def _committed(ops, puts: List[Dict[str, Any]]) -> None:
    """What this process just wrote is what the table holds: each item written shows its new
    version, and is kept for the next use case, each put item as the transaction sent it."""
    sent = iter(put["Item"] for put in puts)
    for kind, args, _, _ in ops:
        if kind in ("save", "update"):
            args[0].update_local_version_attribute()
        if kind == "save":
            remember(args[0], next(sent))
        elif kind in ("delete", "update"):
            CACHE.forget(args[0].PK, args[0].SK)
