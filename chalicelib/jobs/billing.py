"""The billing run: a tick finds subscriptions whose period has ended; a worker invoices each period once.

As the recurring run (jobs/recurring.py): the tick reads the due-time index up to
now and sends one message per subscription due; the worker makes each period's
invoice in one transaction with a claim on (subscription, period), the
subscription's progress, the period's billed marker (usage arriving later goes
to the next invoice, labelled) and, where the subscription issues, the issue.
The billed marker is conditioned on the usage the worker read, so usage that
commits meanwhile makes the transaction fail and the worker read again: every
record is billed once, on this invoice or as late usage on the next.
"""
from datetime import datetime
from typing import Any, Callable, Dict, List, Optional

from ..domain import billing_periods as periods
from ..domain.errors import ConcurrentUpdate, DomainError, InvalidReference, OverMaximum, ValidationError
from ..store import usage_totals as usage_store
from ..store.clock import due_stamp, now, stamp
from ..store.history import history_entry
from ..store.models import OccurrenceItem, RecordItem
from ..store.unit_of_work import UnitOfWork, Writes
from ..services.billing import invoice_fields
from ..services.document_types import INVOICE
from ..services.drafts import new_draft
from ..services.issuing import issue_new
from ..services.packages import PACKAGES
from ..services.retry import retry_on_conflict
from ..services.subscriptions import ACTIVE, DUE_PARTITION, SUBSCRIPTIONS, place_due, plan_of
from ..services.unbilled import hold_period
from ..observability import logger
from .billing_ahead import held_packages
from .generated_invoices import ISSUE_AND_SEND, ISSUING_ACTIONS, SCHEDULER, awaits_email, send_once

PERIOD_SK = "PERIOD#"
_CACHED, _FRESH, _WRITTEN = "cached", "fresh", "written"  # where bill_due's subscription came from


def run_billing_tick(as_of: datetime, send: Callable[[Dict[str, Any]], None]) -> int:
    """Send a message for every subscription with a period ended at `as_of`; returns how many."""
    sent = 0
    for item in RecordItem.by_due_time.query(DUE_PARTITION, RecordItem.GSI3SK <= due_stamp(as_of) + "~",
                                             attributes_to_get=["GSI3SK"], page_size=250):
        due, tenant_id, subscription_id = item.GSI3SK.split("#")
        send({"kind": "billing", "tenant_id": tenant_id, "subscription_id": subscription_id, "as_of": due_stamp(as_of),
              "key": f"billing:{subscription_id}:{due}"})
        sent += 1
    return sent


def bill_due(tenant_id: str, subscription_id: str, as_of: datetime) -> List[str]:
    """Invoice every period of the subscription ended by `as_of`; returns the new invoice ids.

    The subscription and its package may come from this process's cache (billing verifies them);
    finding nothing due is only decided on what the table holds (read fresh, or just written)."""
    item, source = SUBSCRIPTIONS.store.read(tenant_id, subscription_id, use_cache=True), _CACHED
    _send_last(tenant_id, item)  # a worker that died between the invoice and its email
    made = []
    while True:
        n = _due_period(tenant_id, item, as_of, use_cache=source != _FRESH)
        if n is None and source != _CACHED:
            return made
        try:
            billed = _bill(tenant_id, subscription_id, n) if n is not None else None
        except Unbillable as unmade:  # not even a draft: held on the subscription, tried again later
            hold_period(tenant_id, SCHEDULER, subscription_id, n, unmade.message, as_of)
            return made
        if billed is None:  # not due as cached, or billed (or stopped) meanwhile: read it again
            item, source = SUBSCRIPTIONS.store.get(tenant_id, subscription_id), _FRESH
            _send_last(tenant_id, item)
        else:
            item, source = billed, _WRITTEN
            made.append(item.data["last_invoice_id"])


def _due_period(tenant_id: str, item: RecordItem, as_of: datetime, use_cache: bool) -> Optional[int]:
    if item.status != ACTIVE:
        return None
    package = PACKAGES.store.read(tenant_id, item.data["packages"][-1]["package_id"], use_cache).data
    plan, n = plan_of(item.data, package), int(item.data.get("next", 0))
    last = periods.last_period(plan)
    if (last is not None and n > last) or periods.due_at(plan, n) > as_of:
        return None
    return n


class Unbillable(DomainError):
    """No invoice, not even a draft, can be made for the period as things stand."""


def period_key(item: RecordItem, n: int):
    return item.PK, f"{PERIOD_SK}{n:06d}"


def _bill(tenant_id: str, subscription_id: str, n: int) -> Optional[RecordItem]:
    """Period n, whole or not at all; returns the subscription as billed (None: billed or stopped
    meanwhile; raises Unbillable if not even a draft can be made). An invoice that cannot be issued
    as it stands is made a draft marked not_issued, in
    the same way (the tenant issues it once mended), as is one over the maximum total, its largest
    lines at no charge saying so. What billing_ahead read for the batch is taken from the cache on the
    first attempt."""
    def attempt(use_cache: bool, not_issued: Optional[str] = None, oversized: bool = False):
        item = SUBSCRIPTIONS.store.read(tenant_id, subscription_id, use_cache)
        if item.status != ACTIVE or int(item.data.get("next", 0)) != n:
            return None  # billed (or stopped) meanwhile
        writes = Writes()
        packages = held_packages(tenant_id, item, use_cache, writes)
        package = packages[item.data["packages"][-1]["package_id"]]
        period_start = periods.period(plan_of(item.data, package), n).start.isoformat()
        usage = usage_store.usage_to_bill(tenant_id, item.id, period_start, use_cache)
        fields = invoice_fields(tenant_id, item, n, usage, packages)
        unpriced = fields.pop("unpriced")  # metered usage no package prices: for a person to price
        invoice = new_draft(INVOICE, tenant_id, SCHEDULER, fields, writes, use_cache,
                            held=unpriced if oversized else None)  # lines over the maximum: at no charge
        not_issued = not_issued or ("; ".join(unpriced) if unpriced else None)
        invoice.data["subscription"] = {"subscription_id": item.id, "period": n, "period_start": period_start,
                                        "late_period": usage.late_period}
        if not_issued:
            invoice.data["not_issued"] = {"at": invoice.updated_at, "reason": not_issued}
            writes.put(history_entry(invoice.PK, invoice.updated_at, SCHEDULER.id, "not_issued",
                                     {"not_issued": {"before": None, "after": not_issued}}))
        elif item.data.get("action") in ISSUING_ACTIONS:
            issue_new(writes, INVOICE, tenant_id, SCHEDULER, invoice, use_cache, {})
        writes.put(OccurrenceItem(*period_key(item, n), invoice_id=invoice.id, day=period_start),
                   condition=OccurrenceItem.PK.does_not_exist(),
                   on_fail=ConcurrentUpdate("This period was billed meanwhile"))
        usage_store.mark_period_billed(writes, tenant_id, item.id, period_start, invoice.id, usage.seen)
        _advance(item, n, invoice.id, package, writes)
        UnitOfWork().commit(writes, invoice)
        return item

    try:
        item = retry_on_conflict(attempt)
    except (ValidationError, InvalidReference) as refusal:
        reason, oversized = refusal.message, isinstance(refusal, OverMaximum)  # oversized: the lines held say why
        logger.warning("subscription invoice not_issued", extra={"tenant_id": tenant_id,
                                                                 "subscription_id": subscription_id, "reason": reason})
        try:
            item = retry_on_conflict(lambda use_cache: attempt(use_cache, None if oversized else reason, oversized))
        except (ValidationError, InvalidReference) as unmade:
            raise Unbillable(unmade.message) from unmade
    if item is not None:
        _send_last(tenant_id, item)
    return item


def _send_last(tenant_id: str, item: RecordItem) -> None:
    """Email the subscription's last invoice where it emails, once (see jobs/generated_invoices.send_once)."""
    invoice_id = item.data.get("last_invoice_id")
    if invoice_id and item.data.get("action") == ISSUE_AND_SEND and awaits_email(tenant_id, invoice_id):
        send_once(tenant_id, invoice_id)


def _advance(item: RecordItem, n: int, invoice_id: str, package: Dict[str, Any], writes: Writes) -> None:
    item.data.update(next=n + 1, last_invoice_id=invoice_id)
    item.data.pop("not_billed", None)  # a period held before (services/unbilled), billed now
    place_due(item, package)
    item.updated_at = stamp(now())
    writes.put(item)  # conditioned on the version read
    writes.put(history_entry(item.PK, item.updated_at, SCHEDULER.id, "billed", {
        "next_period": {"before": n, "after": n + 1}, "invoice_id": {"before": None, "after": invoice_id}}))
