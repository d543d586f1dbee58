"""Dates are judged where the tenant is: overdue, expired, timeframes, statements and exports
use the tenant's own date in its time zone, never the UTC date. The clock is frozen at chosen
instants (services.local_dates.now, the one clock every such date is read from)."""
import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chalicelib.domain.records import Actor
from chalicelib.services import local_dates, tenants
from chalicelib.services.records import update_record
from chalicelib.store.diagnostics import count_dynamodb_calls
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.jobs import drain_jobs_queue

DUE = "2026-01-14"
# Noon UTC on the due date: already the 15th in Auckland (UTC+13), still the 14th in London.
AUCKLAND_PAST_DUE = "2026-01-14T12:00:00Z"
# 05:00 UTC on the 15th: the 15th in London, still the 14th in Los Angeles (UTC-8).
LONDON_PAST_DUE = "2026-01-15T05:00:00Z"
LINE = {"description": "Work", "quantity": "1", "unit_price": "100"}


@pytest.fixture
def clock(monkeypatch):
    """Freezes the tenants' clock at an ISO instant."""
    def set_to(instant: str):
        moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
        monkeypatch.setattr(local_dates, "now", lambda: moment)
    return set_to


@pytest.fixture
def books(new_tenant):
    """A tenant in the zone given, with a customer and an invoice issued on 4 January, due on DUE."""
    def make(zone: str):
        api = new_tenant(timezone=zone)
        api.customer = api.post("/customers", {"name": "Client"}).body
        draft = api.post("/invoices", {"customer_id": api.customer["id"], "issue_date": "2026-01-04",
                                       "due_date": DUE, "lines": [LINE]}).body
        api.invoice = api.post(f"/invoices/{draft['id']}/issue", {}).body
        return api
    return make


def overdue_as_seen(api):
    """What the routes say of the tenant's invoice: its flag, the overdue list, the customer's
    overdue balance, and the aged debt of a statement to today."""
    flag = api.get(f"/invoices/{api.invoice['id']}").body["overdue"]
    listed = [i["id"] for i in api.get("/invoices?status=overdue").body["data"]] == [api.invoice["id"]]
    balance = api.get(f"/customers/{api.customer['id']}").body["balances"][0]["overdue"]
    aged = api.get(f"/customers/{api.customer['id']}/statement").body["aged_debt"]
    return flag, listed, balance, {bucket: amount for bucket, amount in aged.items() if amount != "0.00"}


def exported_rows(api, resource, filters):
    asked = api.post("/exports", {"resource": resource, "format": "csv", "filters": filters})
    assert asked.status == 202, asked.body
    drain_jobs_queue()
    return api.get(f"/exports/{asked.body['id']}").body["rows"]


OVERDUE = (True, True, "120.00", {"1_30": "120.00"})
NOT_YET = (False, False, "0.00", {"not_due": "120.00"})


def test_ahead_of_utc_an_invoice_is_overdue_once_the_tenants_date_is_past_due(books, clock):
    auckland, london = books("Pacific/Auckland"), books("Europe/London")
    clock(AUCKLAND_PAST_DUE)
    assert overdue_as_seen(auckland) == OVERDUE
    assert overdue_as_seen(london) == NOT_YET
    assert exported_rows(auckland, "invoices", {"status": "overdue"}) == 1
    assert exported_rows(london, "invoices", {"status": "overdue"}) == 0


def test_behind_utc_an_invoice_is_not_overdue_until_the_tenants_date_is_past_due(books, clock):
    los_angeles, london = books("America/Los_Angeles"), books("Europe/London")
    clock(LONDON_PAST_DUE)
    assert overdue_as_seen(london) == OVERDUE
    assert overdue_as_seen(los_angeles) == NOT_YET
    clock("2026-01-15T08:00:00Z")  # midnight in Los Angeles
    assert overdue_as_seen(los_angeles) == OVERDUE


def test_this_month_on_the_first_morning_of_a_month_is_the_new_month_where_the_tenant_is(new_tenant, clock):
    clock("2026-02-28T20:00:00Z")  # 09:00 on 1 March in Auckland; still February in London
    seen = {}
    for zone in ("Pacific/Auckland", "Europe/London"):
        api = new_tenant(timezone=zone)
        customer = api.post("/customers", {"name": "Client"}).body
        for day in ("2026-02-27", "2026-03-01"):
            draft = api.post("/invoices", {"customer_id": customer["id"], "issue_date": day, "lines": [LINE]}).body
            assert api.post(f"/invoices/{draft['id']}/issue", {}).status == 200
        listed = [i["issue_date"] for i in api.get("/invoices?timeframe=this_month").body["data"]]
        board = api.get("/dashboard?timeframe=this_month").body
        seen[zone] = listed, board["from"], board["to"], board["currencies"][0]["invoices"]
    assert seen == {"Pacific/Auckland": (["2026-03-01"], "2026-03-01", "2026-03-31", 1),
                    "Europe/London": (["2026-02-27"], "2026-02-01", "2026-02-28", 1)}


def test_an_estimate_expires_after_its_expiry_date_where_the_tenant_is(new_tenant, clock):
    clock(AUCKLAND_PAST_DUE)
    seen = {}
    for zone in ("Pacific/Auckland", "Europe/London"):
        api = new_tenant(timezone=zone)
        customer = api.post("/customers", {"name": "Prospect"}).body
        draft = api.post("/estimates", {"customer_id": customer["id"], "issue_date": "2026-01-04",
                                        "expiry_date": DUE, "lines": [LINE]}).body
        api.post(f"/estimates/{draft['id']}/mark-sent", {})
        shown = api.get(f"/estimates/{draft['id']}").body["status"]
        listed = [e["id"] for e in api.get("/estimates?status=expired").body["data"]] == [draft["id"]]
        summary = api.get("/estimates/summary?from=2026-01-01&to=2026-01-31").body["states"]
        answered = api.post(f"/estimates/{draft['id']}/accept").status
        seen[zone] = shown, listed, summary["expired"]["count"], summary["sent"]["count"], answered
    assert seen == {"Pacific/Auckland": ("expired", True, 1, 0, 409),
                    "Europe/London": ("sent", False, 0, 1, 200)}


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14, UTC-11
def test_records_are_listed_by_the_tenants_day_of_their_creation(new_tenant, zone):
    api = new_tenant(timezone=zone)
    customer = api.post("/customers", {"name": "Kept"}).body
    created = datetime.fromisoformat(customer["created_at"].replace("Z", "+00:00"))
    day = created.astimezone(ZoneInfo(zone)).date()

    def listed(query):
        return [c["id"] for c in api.get(f"/customers?{query}").body["data"]] == [customer["id"]]

    assert listed(f"from={day}&to={day}")
    assert not listed(f"to={day - timedelta(days=1)}")
    assert not listed(f"from={day + timedelta(days=1)}")


def test_a_new_time_zone_counts_at_once_here_and_within_a_minute_in_other_processes(books, clock, monkeypatch):
    api = books("Europe/London")
    clock(AUCKLAND_PAST_DUE)
    invoice = f"/invoices/{api.invoice['id']}"
    assert api.get(invoice).body["overdue"] is False
    assert api.patch("/tenant", {"timezone": "Pacific/Auckland"}).status == 200
    with count_dynamodb_calls() as calls:  # the key, the invoice: the new zone is known without a read
        assert api.get(invoice).body["overdue"] is True
    assert calls == {"GetItem": 2}

    # Another process moves the tenant back to London: this one keeps the zone it knows a minute longer.
    update_record(UnitOfWork(), tenants.TENANTS, api.tenant_id, Actor("admin"), api.tenant_id,
                  {"timezone": "Europe/London"})
    assert api.get(invoice).body["overdue"] is True
    later = time.monotonic() + tenants.ZONE_TTL_SECONDS
    monkeypatch.setattr(tenants, "monotonic", lambda: later)
    with count_dynamodb_calls() as calls:
        assert api.get(invoice).body["overdue"] is False
    assert calls == {"GetItem": 2, "BatchGetItem": 1}


def test_a_document_issued_without_a_date_is_dated_the_tenants_today(books, clock):
    clock(AUCKLAND_PAST_DUE)
    for zone, today in (("Pacific/Auckland", date(2026, 1, 15)), ("Europe/London", date(2026, 1, 14))):
        api = books(zone)
        draft = api.post("/invoices", {"customer_id": api.customer["id"], "lines": [LINE]}).body
        assert api.post(f"/invoices/{draft['id']}/issue", {}).body["issue_date"] == today.isoformat()
