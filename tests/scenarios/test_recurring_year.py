"""A simulated year of recurring billing: month ends, two time zones, daylight saving,
a tick that runs twice at once and queues that deliver every message twice."""
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chalicelib.domain.records import Actor
from chalicelib.jobs import recurring as run
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.recurring import (TEMPLATES, create_template, generated_invoices, pause_template,
                                           resume_template)
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.documents import DocumentQuery
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.jobs import deliver_twice

ADMIN = Actor("admin")
MONTH_ENDS_2026 = ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
                   "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31"]


def books(time_zone, time_of_day, schedule=None, **extra):
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": f"Recurring {time_zone}", "timezone": time_zone})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "Client", "currency": "GBP", "payment_terms_days": 14})
    template = create_template(UnitOfWork(), tenant.id, ADMIN, {
        "name": "Retainer", "customer_id": customer.id, "action": "issue", "missed": "generate_each",
        "lines": [{"description": "Retainer", "quantity": Decimal(1), "unit_price": Decimal("100.00")}],
        "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 1, 31), "time_of_day": time_of_day,
                     **(schedule or {})},
        **extra})
    return tenant.id, template.id


def invoices_of(tenant_id):
    items, _ = INVOICE.store.list(tenant_id, DocumentQuery(limit=100))
    return sorted(items, key=lambda i: i.number or "")


def tick_twice_and_deliver_twice(as_of):
    """Two ticks at once; every message they send is worked twice, concurrently (the ticks find
    other tests' templates too: one that emails may find its lease taken and come back later)."""
    messages = []
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: run.run_tick(as_of, messages.append), range(2)))
    deliver_twice(lambda m: run.generate_due(m["tenant_id"], m["template_id"], as_of), messages)


def test_a_year_in_london_and_auckland_bills_each_month_once_on_its_local_day():
    london = books("Europe/London", "09:00")
    auckland = books("Pacific/Auckland", "00:30")
    instant = datetime(2026, 1, 1, tzinfo=timezone.utc)
    while instant < datetime(2027, 1, 2, tzinfo=timezone.utc):
        tick_twice_and_deliver_twice(instant)
        instant += timedelta(hours=6)
    for tenant_id, _ in (london, auckland):
        invoices = invoices_of(tenant_id)
        assert [i.data["issue_date"] for i in invoices] == MONTH_ENDS_2026
        assert [i.number for i in invoices] == [f"INV-{n:04d}" for n in range(1, 13)]
        assert {i.status for i in invoices} == {"issued"}
    assert [o["date"] for o in generated_invoices(*london)] == MONTH_ENDS_2026


def test_auckland_bills_on_its_own_day_while_it_is_still_the_day_before_in_utc():
    tenant_id, _ = books("Pacific/Auckland", "00:30")
    # 31 Jan 00:30 in Auckland (NZDT, UTC+13) is 30 Jan 11:30 UTC.
    tick_twice_and_deliver_twice(datetime(2026, 1, 30, 11, 29, tzinfo=timezone.utc))
    assert invoices_of(tenant_id) == []
    tick_twice_and_deliver_twice(datetime(2026, 1, 30, 11, 30, tzinfo=timezone.utc))
    assert [i.data["issue_date"] for i in invoices_of(tenant_id)] == ["2026-01-31"]


@pytest.mark.parametrize("missed, expected", [("generate_each", MONTH_ENDS_2026[:4]), ("skip", MONTH_ENDS_2026[3:4])])
def test_a_tick_that_was_down_bills_missed_months_once_each_or_only_the_latest(missed, expected):
    tenant_id, _ = books("Europe/London", "09:00", missed=missed)
    tick_twice_and_deliver_twice(datetime(2026, 5, 1, tzinfo=timezone.utc))
    tick_twice_and_deliver_twice(datetime(2026, 5, 2, tzinfo=timezone.utc))
    assert [i.data["issue_date"] for i in invoices_of(tenant_id)] == expected


def test_a_worker_killed_while_generating_leaves_nothing_and_redelivery_generates_it_whole(monkeypatch):
    tenant_id, template_id = books("Europe/London", "09:00")
    as_of = datetime(2026, 2, 1, tzinfo=timezone.utc)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    with monkeypatch.context() as patched:
        patched.setattr(run, "issue_new", killed)
        with pytest.raises(SystemExit):
            run.generate_due(tenant_id, template_id, as_of)
    assert invoices_of(tenant_id) == []  # no draft left half made
    run.generate_due(tenant_id, template_id, as_of)  # the message comes back
    assert [(i.status, i.number) for i in invoices_of(tenant_id)] == [("issued", "INV-0001")]


def test_a_draft_an_older_worker_left_unissued_is_finished_by_the_repair(monkeypatch):
    from chalicelib.jobs.repair_recurring import finish_generated
    from chalicelib.services.recurring import TEMPLATES

    tenant_id, template_id = books("Europe/London", "09:00")
    with monkeypatch.context() as patched:  # as the generation did before it issued in the same transaction
        patched.setattr(run, "issue_new", lambda *args, **kwargs: None)
        patched.setattr(run, "finish", lambda *args: None)
        run.generate_due(tenant_id, template_id, datetime(2026, 2, 1, tzinfo=timezone.utc))
    assert [i.status for i in invoices_of(tenant_id)] == ["draft"]
    assert finish_generated(tenant_id) == [(tenant_id, template_id)]
    assert [(i.status, i.number) for i in invoices_of(tenant_id)] == [("issued", "INV-0001")]
    assert finish_generated(tenant_id) == [] and (tenant_id, template_id) not in finish_generated()
    assert TEMPLATES.store.get(tenant_id, template_id).data["generated"] == 1


def tick_daily(tenant_id, template_id, first, last, on_day=None):
    """A tick at noon UTC each day (its message for this template worked twice); `on_day(day)`
    runs before each day's tick."""
    instant = datetime.combine(first, datetime.min.time().replace(hour=12), timezone.utc)
    while instant.date() <= last:
        if on_day:
            on_day(instant.date())
        messages = []
        run.run_tick(instant, lambda m: m["template_id"] == template_id and messages.append(m))
        deliver_twice(lambda m: run.generate_due(tenant_id, template_id, instant), messages)
        instant += timedelta(days=1)


def test_a_day_of_month_before_the_start_date_is_first_billed_the_month_after():
    # README: a schedule repeats from `start_date`; nothing is billed before it.
    tenant_id, template_id = books("Europe/London", "09:00", {
        "start_date": date(2028, 3, 20), "day_of_month": 15, "count": 2})
    tick_daily(tenant_id, template_id, date(2028, 3, 1), date(2028, 7, 1))
    assert [i.data["issue_date"] for i in invoices_of(tenant_id)] == ["2028-04-15", "2028-05-15"]
    assert TEMPLATES.store.get(tenant_id, template_id).status == "ended"


def test_with_skip_a_paused_template_still_ends_after_count_invoices():
    # README: a schedule ends "after `count` invoices"; `skip` bills only the latest missed occurrence.
    tenant_id, template_id = books("Europe/London", "09:00", {"count": 12}, missed="skip")

    def pause_june_and_july(day):
        if day == date(2026, 6, 1):
            pause_template(UnitOfWork(), tenant_id, ADMIN, template_id)
        if day == date(2026, 8, 1):
            resume_template(UnitOfWork(), tenant_id, ADMIN, template_id)

    tick_daily(tenant_id, template_id, date(2026, 1, 1), date(2027, 4, 1), pause_june_and_july)
    billed = MONTH_ENDS_2026[:5] + MONTH_ENDS_2026[6:] + ["2027-01-31"]  # June skipped
    assert [i.data["issue_date"] for i in invoices_of(tenant_id)] == billed
    assert [i.number for i in invoices_of(tenant_id)] == [f"INV-{n:04d}" for n in range(1, 13)]
    # Each invoice claimed its own occurrence number; the skipped June (5) was never claimed.
    assert [o["occurrence"] for o in generated_invoices(tenant_id, template_id)] == [0, 1, 2, 3, 4, *range(6, 13)]
    assert TEMPLATES.store.get(tenant_id, template_id).status == "ended"
