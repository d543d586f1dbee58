"""Overdue invoices: marking them, and emailing the tenant's reminders.

The tick finds open invoices due for attention, across tenants, through an index
(GSI5) keyed by the day after which each needs the tick again: its due date, to be
marked overdue, then the day before its next reminder. That day is a plain date, and
it has passed when the tenant's own date is later: the tick reads the index up to the
latest date anywhere, and sends only the invoices whose tenant is past their day, with
that tenant's date, which the worker judges by. The worker records the moment
an invoice became overdue (with a history entry), then sends each reminder the
tenant set (days after the due date) once: the invoice records the days reminded,
and a lease keeps two workers given the same message from both sending.
A reminder SES will not take (no address, one SES refuses, or SES refusing our sending: sender
not verified, sending paused) is not retried: its days are recorded as skipped, never as sent,
with the reason in the invoice's history, as a recurring invoice's email is (services/sending.REFUSALS).
SES busy or unreachable raises and records nothing, so the queue retries it.
Overdue itself stays derived from the due date (lists and views show it at once).
"""
from datetime import date, datetime
from itertools import islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Tuple

from ..domain import documents as docs
from ..domain.errors import NotFound
from ..domain.reminders import next_reminder_on, reminders_due
from ..observability import logger
from ..services.document_types import INVOICE
from ..services.local_dates import latest_date, local_date
from ..services.retry import retry_on_conflict
from ..services.sending import REFUSALS, email_reminder, record_email, why_not_sent
from ..services.tenants import TENANTS, tenant_zones
from ..store.clock import now, stamp
from ..store.documents import OVERDUE_WATCH
from ..store.history import history_entry
from ..store.leases import LeaseHeld, take_lease
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .generated_invoices import SCHEDULER


def find_overdue(as_of: datetime, send: Callable[[Dict[str, Any]], None]) -> int:
    """Send a message per open invoice to mark overdue or remind about at the instant `as_of`;
    returns how many."""
    sent = 0
    for watched in _in_chunks(_watched_before(latest_date(as_of)), 100):
        zones = tenant_zones({tenant_id for _, tenant_id, _ in watched})
        for day, tenant_id, invoice_id in watched:
            today = local_date(zones[tenant_id], as_of).isoformat()
            if today > day:
                send({"kind": "overdue", "tenant_id": tenant_id, "invoice_id": invoice_id, "today": today})
                sent += 1
    return sent


def _watched_before(day: date) -> Iterator[Tuple[str, str, str]]:
    """(watch day, tenant id, invoice id) of the open invoices watched for a day before `day`."""
    for item in DocumentItem.awaiting_overdue.query(OVERDUE_WATCH, DocumentItem.GSI5SK < day.isoformat(),
                                                    attributes_to_get=["GSI5SK"], page_size=250):
        yield tuple(item.GSI5SK.split("#"))


def _in_chunks(items: Iterable, size: int) -> Iterator[List]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def handle_overdue(tenant_id: str, invoice_id: str, today: date) -> None:
    mark_overdue(tenant_id, invoice_id, today)
    send_reminder(tenant_id, invoice_id, today)


def mark_overdue(tenant_id: str, invoice_id: str, today: date) -> bool:
    """Mark one invoice overdue if it still is; True when this call marked it."""
    def attempt(use_cache: bool) -> bool:
        item = _open_invoice(tenant_id, invoice_id, today)
        if item is None or item.data.get("overdue_since"):
            return False
        at = stamp(now())
        item.data["overdue_since"] = today.isoformat()
        item.data["reminder_days"] = _tenant_reminder_days(tenant_id)
        _schedule_next_reminder(item)
        item.updated_at = at
        INVOICE.store.place(item, tenant_id)
        writes = Writes().put(item)
        writes.put(history_entry(item.PK, at, SCHEDULER.id, "overdue",
                                 {"overdue_since": {"before": None, "after": today.isoformat()}}))
        UnitOfWork().commit(writes, item)
        return True

    return retry_on_conflict(attempt)


def send_reminder(tenant_id: str, invoice_id: str, today: date) -> bool:
    """Email the reminder that has come due (one email even if the tick missed several days)."""
    item = _open_invoice(tenant_id, invoice_id, today)
    if item is None or not item.data.get("overdue_since"):
        return False
    due_days = reminders_due(date.fromisoformat(item.due_date), item.data.get("reminder_days", []),
                             _reminder_days_done(item), today)
    if not due_days:
        return False
    if not take_lease(item.PK, f"reminder#{due_days[-1]}"):
        raise LeaseHeld(f"a reminder for {invoice_id} is being sent")
    try:
        sent = email_reminder(tenant_id, item, today)
    except REFUSALS as refusal:  # nothing the queue's retries would cure
        _skip_reminders(tenant_id, invoice_id, due_days, why_not_sent(refusal))
        return False
    record_email(None, INVOICE, tenant_id, SCHEDULER, invoice_id, sent, "reminded",
                 change=lambda item: _add_days(item, "reminders_sent", due_days))
    return True


def _skip_reminders(tenant_id: str, invoice_id: str, days, reason: str) -> None:
    """Reminder days that could not be emailed: recorded, with why in the history, so that no tick
    tries them again."""
    logger.warning("reminder not emailed", extra={"invoice_id": invoice_id, "reason": reason})
    retry_on_conflict(lambda use_cache: _update_unsent(
        tenant_id, invoice_id, lambda item: _add_days(item, "reminders_skipped", days), reason))


def _add_days(item: DocumentItem, field: str, days) -> None:
    """Record reminder days as sent or skipped; either way the next reminder is the one after."""
    item.data[field] = sorted(set(item.data.get(field, [])) | set(days))
    _schedule_next_reminder(item)


def _reminder_days_done(item: DocumentItem) -> list:
    """The days whose reminder is done with: sent, or skipped."""
    return [*item.data.get("reminders_sent", []), *item.data.get("reminders_skipped", [])]


def _update_unsent(tenant_id: str, invoice_id: str, change, reason: str) -> None:
    item = INVOICE.store.get(tenant_id, invoice_id)
    change(item)
    item.updated_at = stamp(now())
    INVOICE.store.place(item, tenant_id)
    why = history_entry(item.PK, item.updated_at, SCHEDULER.id, "not_reminded",
                        {"not_reminded": {"before": None, "after": reason}})
    UnitOfWork().commit(Writes().put(item).put(why), item)


def _schedule_next_reminder(item: DocumentItem) -> None:
    upcoming = next_reminder_on(date.fromisoformat(item.due_date), item.data.get("reminder_days", []),
                                _reminder_days_done(item))
    item.data["next_reminder_on"] = upcoming.isoformat() if upcoming else None


def _open_invoice(tenant_id: str, invoice_id: str, today: date):
    try:
        item = INVOICE.store.get(tenant_id, invoice_id)
    except NotFound:
        return None
    return item if docs.is_overdue(item.status, item.due_date, today.isoformat()) else None


def _tenant_reminder_days(tenant_id: str):
    return sorted(int(d) for d in TENANTS.store.get(tenant_id, tenant_id).data.get("reminder_days") or [])
