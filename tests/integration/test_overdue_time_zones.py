"""The overdue tick judges each invoice by its tenant's own date: an invoice is marked overdue,
and reminded about, once the date where the tenant is has passed its due date (or reached its
reminder day), never earlier, whatever the UTC date; and each email goes once."""
import secrets
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import NamedTuple

from chalicelib.domain.records import Actor
from chalicelib.jobs.dispatch import tick
from chalicelib.jobs.overdue import find_overdue, handle_overdue
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.history import list_history
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.jobs import drain_jobs_queue
from tests.support.mail import mails_to

ADMIN = Actor("admin")
LINE = [{"description": "Support", "quantity": Decimal(1), "unit_price": Decimal("50.00")}]


class Books(NamedTuple):
    tenant_id: str
    invoice_id: str
    address: str


def books(zone: str, issue_date: date = date(2026, 1, 4)) -> Books:
    """A tenant in `zone` reminding one day after the due date, and an invoice due ten days after
    `issue_date` (14 January by default)."""
    address = f"ap-{secrets.token_hex(4)}@client.example"
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Zoned Ltd", "timezone": zone, "reminder_days": [1]})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN, {
        "name": "Client", "currency": "GBP", "payment_terms_days": 10, "emails": [address]})
    draft = create_document(UnitOfWork(), INVOICE, tenant.id, ADMIN,
                            {"customer_id": customer.id, "issue_date": issue_date, "lines": LINE})
    return Books(tenant.id, issue_document(UnitOfWork(), INVOICE, tenant.id, ADMIN, draft.id, {}).id, address)


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


def messages_at(instant: datetime, *watched: Books):
    """(invoice id, the date the worker is told) of the tick's messages for these invoices."""
    found = []
    find_overdue(instant, found.append)
    ours = {b.invoice_id for b in watched}
    return sorted((m["invoice_id"], m["today"]) for m in found if m["invoice_id"] in ours)


def actions(invoice: Books):
    entries, _ = list_history(INVOICE.store.pk(invoice.tenant_id, invoice.invoice_id), 50, None)
    return [entry["action"] for entry in entries]


def test_ahead_of_utc_the_tick_marks_and_reminds_once_the_tenants_date_is_past_due():
    auckland, london = books("Pacific/Auckland"), books("Europe/London")
    assert messages_at(utc(2026, 1, 14, 10, 59), auckland, london) == []  # 23:59 on the 14th in Auckland
    noon = utc(2026, 1, 14, 12)  # the 15th in Auckland, the 14th in London
    assert messages_at(noon, auckland, london) == [(auckland.invoice_id, "2026-01-15")]

    tick(noon)
    tick(noon)  # the same instant again: its messages find the work done
    drain_jobs_queue()
    marked = INVOICE.store.get(auckland.tenant_id, auckland.invoice_id).data
    assert (marked["overdue_since"], marked["reminders_sent"]) == ("2026-01-15", [1])
    assert (actions(auckland).count("overdue"), actions(auckland).count("reminded")) == (1, 1)
    [reminder] = mails_to(auckland.address)
    assert "(1 days overdue)" in reminder.get_body(("plain",)).get_content()
    assert messages_at(noon, auckland, london) == []  # nothing left to send at that instant

    assert "overdue_since" not in INVOICE.store.get(london.tenant_id, london.invoice_id).data
    assert mails_to(london.address) == []


def test_behind_utc_the_tick_waits_for_the_tenants_day():
    los_angeles, london = books("America/Los_Angeles"), books("Europe/London")
    early = utc(2026, 1, 15, 5)  # the 15th in London, 21:00 on the 14th in Los Angeles
    assert messages_at(early, los_angeles, london) == [(london.invoice_id, "2026-01-15")]
    assert messages_at(utc(2026, 1, 15, 8), los_angeles, london) == sorted(  # midnight in Los Angeles
        [(los_angeles.invoice_id, "2026-01-15"), (london.invoice_id, "2026-01-15")])
    for invoice_id, today in messages_at(early, los_angeles, london):
        handle_overdue(london.tenant_id, invoice_id, date.fromisoformat(today))
    assert INVOICE.store.get(london.tenant_id, london.invoice_id).data["overdue_since"] == "2026-01-15"
    assert len(mails_to(london.address)) == 1
    assert "overdue_since" not in INVOICE.store.get(los_angeles.tenant_id, los_angeles.invoice_id).data


def test_in_summer_a_london_invoice_is_overdue_from_midnight_british_summer_time():
    london = books("Europe/London", issue_date=date(2026, 7, 4))  # due 14 July
    assert messages_at(utc(2026, 7, 14, 22, 59), london) == []
    assert messages_at(utc(2026, 7, 14, 23), london) == [(london.invoice_id, "2026-07-15")]
