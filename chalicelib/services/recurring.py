"""Recurring invoice templates: create, edit, pause, resume, end, delete, preview.

A template is a record (its invoice fields and schedule in `data`) that knows
the next occurrence number to generate (`next`). While active, it sits in the
due-time index (GSI3) at the instant that occurrence falls due, where the
scheduled tick finds it (jobs/recurring.py).
"""
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import Any, Dict, Iterator, List, Optional

from ..domain import schedules
from ..domain.errors import Conflict, invalid
from ..domain.records import Actor
from ..store import keys
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import OccurrenceItem, RecordItem
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from ..domain.documents import complete_lines, price
from .document_inputs import (MAX_CHECKED_PRODUCTS, references, rounding_policy, usable_customer,
                              usable_products)
from .records import RecordType, change_status, create_record, update_record
from .retry import retry_on_conflict

ACTIVE, PAUSED, ENDED = "active", "paused", "ended"
STATUSES = (ACTIVE, PAUSED, ENDED)
DUE_PARTITION = "RECURRING#DUE"
OCCURRENCE_SK = "OCCURRENCE#"
# Each occurrence is one transaction (at most 100 actions): its invoice, the numbering, ledger
# and tallies, the template's progress, and a check of each product named (13 + products in all).
# Templates saved before this limit with more (up to 95) have their products read afresh instead.
MAX_PRODUCTS = MAX_CHECKED_PRODUCTS


def schedule_of(data: Dict[str, Any]) -> schedules.Schedule:
    plan = data["schedule"]
    return schedules.Schedule(
        unit=plan["unit"], interval=int(plan["interval"]), start=date.fromisoformat(plan["start_date"]),
        local_time=time.fromisoformat(plan["time_of_day"]), time_zone=plan["time_zone"],
        day_of_month=int(plan["day_of_month"]) if plan.get("day_of_month") else None,
        end=date.fromisoformat(plan["end_date"]) if plan.get("end_date") else None,
        count=int(plan["count"]) if plan.get("count") else None)


def _check(data: Dict[str, Any]) -> None:
    schedules.check(schedule_of(data))


def _present(data: Dict[str, Any]) -> Dict[str, Any]:
    shown = {k: v for k, v in data.items() if k not in ("lines", "next", "generated", "schedule")}
    shown["schedule"] = {k: (int(v) if k in ("interval", "day_of_month", "count") else v)
                         for k, v in data["schedule"].items()}
    shown["lines"] = [_plain(line) for line in data["lines"]]
    shown.update(next_occurrence=int(data.get("next", 0)), generated=int(data.get("generated", 0)))
    if "payment_terms_days" in data:
        shown["payment_terms_days"] = int(data["payment_terms_days"])
    return shown


def _plain(value):
    """Decimals as strings, as the API shows every number of a line."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return str(value) if isinstance(value, Decimal) else value


def create_template(uow: UnitOfWork, tenant_id: str, actor: Actor, fields: Dict[str, Any]) -> RecordItem:
    tenant = _check_references(tenant_id, fields)
    fields = {**fields, "schedule": _stored_schedule(fields["schedule"], tenant.data["timezone"]),
              "next": 0, "generated": 0}
    return create_record(uow, TEMPLATES, tenant_id, actor, fields)


def edit_template(uow: UnitOfWork, tenant_id: str, actor: Actor, template_id: str,
                  changes: Dict[str, Any]) -> RecordItem:
    """Changes apply to occurrences not yet generated; the count of those generated stays."""
    current = TEMPLATES.store.get(tenant_id, template_id)
    if current.status == ENDED:
        raise Conflict("An ended recurring invoice cannot change")
    _check_references(tenant_id, {**current.data, **changes})
    if "schedule" in changes:
        changes = {**changes, "schedule": _stored_schedule(changes["schedule"], current.data["schedule"]["time_zone"])}
    return update_record(uow, TEMPLATES, tenant_id, actor, template_id, changes)


def _check_references(tenant_id: str, fields: Dict[str, Any]) -> RecordItem:
    """The customer and products must exist and be usable now (422 otherwise), and the lines must make
    an invoice (priced as now: within the maximum total, 400 otherwise); returns the tenant."""
    lines = fields["lines"]
    named = {l["product_id"] for l in lines if l.get("product_id")}
    if len(named) > MAX_PRODUCTS:
        raise invalid("lines", f"may name at most {MAX_PRODUCTS} different products on a recurring invoice")
    found = references(tenant_id, fields["customer_id"], named)
    customer = usable_customer(found, fields["customer_id"])
    tenant = found["tenant"]
    currency = fields.get("currency") or customer.data.get("currency") or tenant.data["base_currency"]
    price(complete_lines(lines, usable_products(found, lines), currency), currency,
          rounding_policy(tenant, bool(fields.get("prices_include_vat"))))
    return tenant


def pause_template(uow, tenant_id, actor, template_id) -> RecordItem:
    return change_status(uow, TEMPLATES, tenant_id, actor, template_id, PAUSED, "paused")


def pause_unmade(tenant_id: str, actor: Actor, template_id: str, n: int, reason: str) -> None:
    """Occurrence n cannot be generated as the template stands (its customer or a product archived):
    the template is paused with `not_generated` saying why, in its history too, until the tenant mends
    it and resumes; the occurrence is then generated as `missed` says. Nothing if it moved on meanwhile."""
    def pause(use_cache: bool) -> None:
        item = TEMPLATES.store.get(tenant_id, template_id)
        if item.status != ACTIVE or int(item.data.get("next", 0)) != n:
            return
        at = stamp(now())
        TEMPLATES.store.set_status(item, tenant_id, PAUSED)
        item.data["not_generated"] = {"at": at, "occurrence": n, "reason": reason}
        place_due(item)
        item.updated_at = at
        UnitOfWork().commit(Writes().put(item).put(history_entry(item.PK, at, actor.id, "paused", {
            "status": {"before": ACTIVE, "after": PAUSED}, "not_generated": {"before": None, "after": reason}})), item)

    retry_on_conflict(pause)


def resume_template(uow, tenant_id, actor, template_id) -> RecordItem:
    """Occurrences that fell due while paused count as missed: the template's `missed`
    setting decides whether each is generated or all but the latest are skipped."""
    item = TEMPLATES.store.get(tenant_id, template_id)
    if item.status == ENDED:
        raise Conflict("An ended recurring invoice cannot be resumed; create a new one")
    return change_status(uow, TEMPLATES, tenant_id, actor, template_id, ACTIVE, "resumed", drop=("not_generated",))


def end_template(uow, tenant_id, actor, template_id) -> RecordItem:
    return change_status(uow, TEMPLATES, tenant_id, actor, template_id, ENDED, "ended")


def delete_template(uow: UnitOfWork, tenant_id: str, actor: Actor, template_id: str) -> RecordItem:
    item = TEMPLATES.store.get(tenant_id, template_id)
    if _generated(item):
        raise Conflict("This recurring invoice has generated invoices; end it instead of deleting it")
    writes = Writes().delete(item)
    writes.put(history_entry(item.PK, stamp(now()), actor.id, "deleted", {}))
    return uow.commit(writes, item)


def preview(item: RecordItem, count: int) -> List[str]:
    """The dates of the next `count` invoices the template will generate (a paused one: if resumed
    now): with `skip`, of the occurrences already due only the latest, as the next tick will."""
    if item.status == ENDED:
        return []
    schedule = schedule_of(item.data)
    return [schedules.occurrence_date(schedule, n).isoformat()
            for n in islice(planned(item, now()), count)]


def planned(item: RecordItem, as_of: datetime) -> Iterator[int]:
    """The occurrence numbers the template will generate, as ticks from `as_of` on will."""
    return schedules.planned(schedule_of(item.data), int(item.data.get("next", 0)), _generated(item), as_of,
                             skip_missed=item.data.get("missed") == "skip")


def _generated(item: RecordItem) -> int:
    return int(item.data.get("generated", 0))


def generated_invoices(tenant_id: str, template_id: str) -> List[Dict[str, Any]]:
    pk = TEMPLATES.store.pk(tenant_id, template_id)
    return [{"occurrence": int(o.SK[len(OCCURRENCE_SK):]), "date": o.day, "invoice_id": o.invoice_id}
            for o in OccurrenceItem.query(pk, OccurrenceItem.SK.startswith(OCCURRENCE_SK))]


def next_occurrence(item: RecordItem) -> Optional[int]:
    """The first occurrence not yet generated that the schedule still holds (its dates and count),
    or None once it has run its course."""
    schedule = schedule_of(item.data)
    return next(schedules.upcoming(schedule, int(item.data.get("next", 0)), 1, _generated(item)), None)


def place_due(item: RecordItem) -> None:
    """Index an active template at the instant its next occurrence falls due (or not at all)."""
    n = next_occurrence(item)
    if item.status != ACTIVE or n is None:
        item.GSI3PK = item.GSI3SK = None
        return
    due = schedules.due_at(schedule_of(item.data), n)
    item.GSI3PK, item.GSI3SK = DUE_PARTITION, keys.due_sort_key(due, keys.tenant_of(item.PK), item.id)


def occurrence_key(item: RecordItem, n: int):
    return item.PK, f"{OCCURRENCE_SK}{n:06d}"


def _stored_schedule(plan: Dict[str, Any], time_zone: str) -> Dict[str, Any]:
    stored = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in plan.items() if v is not None}
    stored.setdefault("time_of_day", "09:00")
    stored["time_zone"] = time_zone
    return stored


TEMPLATES = RecordType(store=RecordStore("RECURRING", "recurring invoice"), id_prefix="rec", present=_present,
                       search_fields=("name", "reference"), check=_check, place=place_due)