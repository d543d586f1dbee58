"""Marking invoices overdue: the tick finds open invoices past their due date, across
tenants, through an index of those not yet marked; the worker records the moment each
became overdue (with a history entry) and takes it off that index. Overdue itself stays
derived from the due date (lists and views show it at once); the mark is the event that
reminders and reports build on. Marking twice is harmless: the second finds it marked."""
from datetime import date
from typing import Any, Callable, Dict

from ..domain import documents as docs
from ..domain.errors import NotFound
from ..store.clock import now, stamp
from ..store.documents import OVERDUE_WATCH
from ..store.history import history_entry
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from ..services.document_types import INVOICE
from ..services.retry import retry_on_conflict


def find_overdue(today: date, send: Callable[[Dict[str, Any]], None]) -> int:
    """Send a message per open invoice due before `today` and not yet marked; returns how many."""
    sent = 0
    for item in DocumentItem.awaiting_overdue.query(OVERDUE_WATCH, DocumentItem.GSI5SK < today.isoformat(),
                                                    attributes_to_get=["GSI5SK"], page_size=250):
        _, tenant_id, invoice_id = item.GSI5SK.split("#")
        send({"kind": "overdue", "tenant_id": tenant_id, "invoice_id": invoice_id, "today": today.isoformat()})
        sent += 1
    return sent


def mark_overdue(tenant_id: str, invoice_id: str, today: date) -> bool:
    """Mark one invoice overdue if it still is; True when this call marked it."""
    def attempt(use_cache: bool) -> bool:
        try:
            item = INVOICE.store.get(tenant_id, invoice_id)
        except NotFound:
            return False
        if item.data.get("overdue_since") or not docs.is_overdue(item.status, item.due_date, today.isoformat()):
            return False
        at = stamp(now())
        item.data["overdue_since"] = today.isoformat()
        item.updated_at = at
        INVOICE.store.place(item, tenant_id)
        writes = Writes().put(item)
        writes.put(history_entry(item.PK, at, "scheduler", "overdue",
                                 {"overdue_since": {"before": None, "after": today.isoformat()}}))
        UnitOfWork().commit(writes, item)
        return True

    return retry_on_conflict(attempt)
