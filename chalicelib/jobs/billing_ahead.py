"""What a batch of billing messages will read, read ahead: a few calls a batch instead of several a message.

A batch (up to ten messages) reads with one BatchGetItem each: the subscriptions;
then their customers and packages with their usage markers (the BILLED pointers,
and the PERIOD items of the periods they bill next where the package was cached
already; the others' after); then the days the PERIOD items name. All go to this
process's cache (store/reads.py), or for the days to usage_totals, where the
billing of each message finds them, and each is verified by the transaction that
acts on it: the subscription and customer by their versions (as any cached
record), the packages by a check of theirs (held_packages), the usage markers by
mark_period_billed's conditions (equal to what was read, and read before the
period's day totals, which are taken only with the `writes` they were read under).
A stale item makes the transaction fail and the job read everything again. Only a
saving: what is not read here is read when used.
"""
from typing import Any, Dict, List, Optional, Tuple, Type

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import GetError

from ..domain import billing_periods as periods
from ..observability import logger
from ..services.customers import CUSTOMERS
from ..services.packages import PACKAGES
from ..services.subscriptions import SUBSCRIPTIONS, plan_of
from ..store import keys
from ..store.models import RecordItem
from ..store.reads import CACHE, StaleRead, read_ahead, read_ahead_of
from ..store.unit_of_work import Writes
from ..store.usage_totals import (PERIOD_SK, POINTER_SK, UsagePeriodItem, UsagePointerItem, pointer_pk,
                                  read_days_ahead, usage_pk)


def read_billing_ahead(jobs: List[Optional[Dict[str, Any]]]) -> None:
    """Read what the batch's billing jobs (its messages' bodies, None where not one) will need (see above)."""
    wanted = []
    for job in jobs:
        try:
            if job is not None and job.get("kind") == "billing":
                wanted.append((job["tenant_id"], SUBSCRIPTIONS.store.pk(job["tenant_id"], job["subscription_id"])))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # the message fails on its own when worked
    try:
        _read(wanted)
    except (GetError, ClientError, BotoCoreError):
        logger.warning("billing not read ahead", exc_info=True)


def _read(wanted) -> None:
    read_ahead(RecordItem, [(pk, keys.RECORD_SK) for _, pk in wanted])
    subscriptions = [(tenant_id, item) for tenant_id, pk in wanted
                     for item in [CACHE.get(RecordItem, pk, keys.RECORD_SK)] if item is not None]
    records = ([(CUSTOMERS.store.pk(tenant_id, item.data["customer_id"]), keys.RECORD_SK)
                for tenant_id, item in subscriptions] +
               [(PACKAGES.store.pk(tenant_id, entry["package_id"]), keys.RECORD_SK)
                for tenant_id, item in subscriptions for entry in item.data["packages"]])
    early = _periods(subscriptions)  # of those whose package is cached already: read with the records
    _read_markers([(UsagePointerItem, pointer_pk(tenant_id, item.id), POINTER_SK) for tenant_id, item in subscriptions]
                  + early, also=[(RecordItem, pk, sk) for pk, sk in records])
    late = [marker for marker in _periods(subscriptions) if marker not in early]  # packages new, or changed
    _read_markers(late)
    read_days_ahead([(pk, CACHE.get(UsagePeriodItem, pk, sk)) for _, pk, sk in early + late])


def _periods(subscriptions) -> List[Tuple[Type, str, str]]:
    """The PERIOD markers of the periods the subscriptions bill next, of those whose package is cached."""
    return [(UsagePeriodItem, usage_pk(tenant_id, item.id, start), PERIOD_SK) for tenant_id, item in subscriptions
            for start in [_next_period_start(tenant_id, item)] if start]


def _read_markers(markers, also=()) -> None:
    """Usage markers (model, PK, SK) into the cache, in one call with `also`; those not found as
    items of their key alone: an item without attributes reads as none has been written (no usage
    counted, no period billed), the same `seen` and the same conditions in mark_period_billed."""
    for _, pk, sk in markers:
        CACHE.forget(pk, sk)
    read_ahead_of(list(also) + markers)
    for model, pk, sk in markers:
        if CACHE.get(model, pk, sk) is None:
            CACHE.keep(model, pk, sk, {"PK": {"S": pk}, "SK": {"S": sk}})


def _next_period_start(tenant_id: str, item: RecordItem):
    package = CACHE.get(RecordItem, PACKAGES.store.pk(tenant_id, item.data["packages"][-1]["package_id"]),
                        keys.RECORD_SK)
    if package is None:
        return None
    return periods.period(plan_of(item.data, package.data), int(item.data.get("next", 0))).start.isoformat()


def held_packages(tenant_id: str, item: RecordItem, use_cache: bool, writes: Writes) -> Dict[str, Dict[str, Any]]:
    """The packages the subscription holds (id: data), from the cache when allowed; `writes` checks
    each is the version read."""
    held = {}
    for entry in item.data["packages"]:
        package = PACKAGES.store.read(tenant_id, entry["package_id"], use_cache)
        writes.check(RecordItem, package.PK, package.SK, RecordItem.version == package.version,
                     on_fail=StaleRead("A package changed while its subscription was being billed"))
        held[package.id] = package.data
    return held
