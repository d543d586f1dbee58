"""A subscription period no invoice can be made for as things stand, held where the tenant sees it.

The billing run makes a draft marked not_issued for anything it cannot issue;
this is for what stops even the draft (its customer archived): the subscription
keeps the period unbilled (`next` stays), says why under `not_billed` (and in its
history, once per reason), and sits in the due-time index a day later, so the run
tries again daily instead of failing the job on every delivery. Any edit of the
subscription puts it back at its real due time (place_due), so the next tick
tries at once; billing the period clears `not_billed`.
"""
from datetime import datetime, timedelta

from ..domain.records import Actor
from ..store import keys
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.unit_of_work import UnitOfWork, Writes
from .retry import retry_on_conflict
from .subscriptions import ACTIVE, DUE_PARTITION, SUBSCRIPTIONS

RETRY_AFTER = timedelta(days=1)


def hold_period(tenant_id: str, actor: Actor, subscription_id: str, n: int, reason: str, as_of: datetime) -> None:
    """Period n not billed for `reason`; tried again a day after `as_of` (the run's instant). Nothing
    if the subscription moved on meanwhile."""
    def hold(use_cache: bool) -> None:
        item = SUBSCRIPTIONS.store.get(tenant_id, subscription_id)
        if item.status != ACTIVE or int(item.data.get("next", 0)) != n:
            return
        at = stamp(now())
        before = item.data.get("not_billed") or {}
        again = before.get("period") == n and before.get("reason") == reason
        item.data["not_billed"] = {"at": before["at"] if again else at, "period": n, "reason": reason}
        item.GSI3PK, item.GSI3SK = DUE_PARTITION, keys.due_sort_key(as_of + RETRY_AFTER, tenant_id, item.id)
        item.updated_at = at
        writes = Writes().put(item)  # conditioned on the version read
        if not again:
            writes.put(history_entry(item.PK, at, actor.id, "not_billed", {
                "not_billed": {"before": before.get("reason"), "after": reason}, "period": {"before": None, "after": n}}))
        UnitOfWork().commit(writes, item)

    retry_on_conflict(hold)
