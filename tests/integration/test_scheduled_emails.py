"""Emails the scheduled tick sends: overdue reminders on the tenant's days, and recurring
invoices that are issued and sent. Messages are delivered twice, concurrently; each email
still goes out once (counted in the local .eml copies of what SES was given)."""
import secrets
import threading
import time as pytime
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

from chalicelib.domain.errors import UpstreamUnavailable
from chalicelib.domain.records import Actor
from chalicelib.jobs import generated_invoices as generated
from chalicelib.jobs import recurring as run
from chalicelib.jobs.overdue import find_overdue, handle_overdue
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.payments import record_payment
from chalicelib.services.recurring import create_template
from chalicelib.services.records import create_record, update_record
from chalicelib.services.mail import ses
from chalicelib.services.tenants import create_tenant
from chalicelib.store.documents import DocumentQuery
from chalicelib.store.leases import LeaseHeld
from chalicelib.store.models import LeaseItem
from chalicelib.store.unit_of_work import UnitOfWork
from tests.support.jobs import deliver_twice
from tests.support.mail import mails_to

ADMIN = Actor("admin")
LINE = [{"description": "Support", "quantity": Decimal(1), "unit_price": Decimal("50.00")}]


def books(**settings):
    address = f"ap-{secrets.token_hex(4)}@client.example"
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Scheduled Ltd", **settings})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN, {
        "name": "Client", "currency": "GBP", "payment_terms_days": 10, "emails": [address]})
    return tenant.id, customer.id, address


def issued_invoice(tenant_id, customer_id, issue_date):
    draft = create_document(UnitOfWork(), INVOICE, tenant_id, ADMIN,
                            {"customer_id": customer_id, "issue_date": issue_date, "lines": LINE})
    return issue_document(UnitOfWork(), INVOICE, tenant_id, ADMIN, draft.id, {})


def tick_overdue(today, invoice_id):
    found = []
    find_overdue(datetime.combine(today, time(12), timezone.utc), found.append)  # that date in London too
    ours = [m for m in found if m["invoice_id"] == invoice_id]
    deliver_twice(lambda m: handle_overdue(m["tenant_id"], m["invoice_id"], date.fromisoformat(m["today"])), ours)
    return len(ours)


def test_reminders_go_once_on_each_chosen_day_and_a_late_tick_sends_one():
    tenant_id, customer_id, address = books(reminder_days=[3, 10, 20])
    invoice = issued_invoice(tenant_id, customer_id, date(2026, 3, 1))  # due 11 March
    assert tick_overdue(date(2026, 3, 12), invoice.id) == 1  # marked overdue, no reminder yet
    assert mails_to(address) == []
    assert tick_overdue(date(2026, 3, 13), invoice.id) == 0  # nothing until the third day
    assert tick_overdue(date(2026, 3, 14), invoice.id) == 1
    reminders = mails_to(address)
    assert [m["Subject"] for m in reminders] == [f"Reminder: invoice {invoice.number} is overdue"]
    assert "(3 days overdue)" in reminders[0].get_body(("plain",)).get_content()
    assert next(reminders[0].iter_attachments()).get_filename() == f"{invoice.number}.pdf"
    assert tick_overdue(date(2026, 3, 15), invoice.id) == 0
    # The tick was down from the 10th day to past the 20th: one reminder, and no more after.
    assert tick_overdue(date(2026, 4, 2), invoice.id) == 1
    assert len(mails_to(address)) == 2
    stored = INVOICE.store.get(tenant_id, invoice.id)
    assert stored.data["reminders_sent"] == [3, 10, 20] and stored.GSI5PK is None
    assert tick_overdue(date(2026, 5, 1), invoice.id) == 0
    assert [h.action for h in _history(stored)].count("reminded") == 2


def test_a_paid_invoice_gets_no_reminder():
    tenant_id, customer_id, address = books(reminder_days=[5])
    invoice = issued_invoice(tenant_id, customer_id, date(2026, 3, 1))
    tick_overdue(date(2026, 3, 12), invoice.id)
    record_payment(UnitOfWork(), tenant_id, ADMIN, {
        "customer_id": customer_id, "amount": Decimal("60.00"), "currency": "GBP", "date": date(2026, 3, 12),
        "allocations": [{"invoice_id": invoice.id, "amount": Decimal("60.00")}]})
    assert tick_overdue(date(2026, 3, 20), invoice.id) == 0
    assert mails_to(address) == []


def ses_refuses(monkeypatch, code, message):
    def send_raw_email(**params):
        raise ClientError({"Error": {"Code": code, "Message": message}}, "SendRawEmail")

    monkeypatch.setattr(ses(), "send_raw_email", send_raw_email)


def test_a_reminder_to_an_address_ses_refuses_is_skipped_not_marked_sent(monkeypatch):
    tenant_id, customer_id, address = books(reminder_days=[3, 10])
    invoice = issued_invoice(tenant_id, customer_id, date(2026, 3, 1))  # due 11 March
    tick_overdue(date(2026, 3, 12), invoice.id)
    ses_refuses(monkeypatch, "MessageRejected", f"Email address is not verified: {address}")
    assert tick_overdue(date(2026, 3, 14), invoice.id) == 1
    stored = INVOICE.store.get(tenant_id, invoice.id)
    assert stored.data.get("reminders_sent", []) == [] and stored.data["reminders_skipped"] == [3]
    assert stored.data["next_reminder_on"] == "2026-03-21" and "last_emailed" not in stored.data
    assert "reminded" not in [h.action for h in _history(stored)]
    assert tick_overdue(date(2026, 3, 15), invoice.id) == 0  # not tried again on the next tick

    monkeypatch.undo()  # the address verified: the next reminder goes
    assert tick_overdue(date(2026, 3, 21), invoice.id) == 1
    stored = INVOICE.store.get(tenant_id, invoice.id)
    assert (stored.data["reminders_sent"], stored.data["reminders_skipped"]) == ([10], [3])
    assert len(mails_to(address)) == 1


def test_a_reminder_ses_refuses_for_our_sending_is_skipped_saying_why_not_retried(monkeypatch):
    """SES refusing our sending (sender not verified, sending paused), as for a refused address: recorded
    as skipped with the reason in the history, never failed on every tick into the dead-letter queue."""
    tenant_id, customer_id, address = books(reminder_days=[3, 10])
    invoice = issued_invoice(tenant_id, customer_id, date(2026, 3, 1))  # due 11 March
    tick_overdue(date(2026, 3, 12), invoice.id)
    monkeypatch.setenv("INVOICING_MAIL_FROM", "nobody@unverified.example")  # moto, as SES, refuses it
    assert tick_overdue(date(2026, 3, 14), invoice.id) == 1
    stored = INVOICE.store.get(tenant_id, invoice.id)
    assert stored.data.get("reminders_sent", []) == [] and stored.data["reminders_skipped"] == [3]
    assert stored.data["next_reminder_on"] == "2026-03-21" and "last_emailed" not in stored.data
    [skipped] = [h for h in _history(stored) if h.action == "not_reminded"]
    assert "email service refused" in str(skipped.changes)
    assert tick_overdue(date(2026, 3, 15), invoice.id) == 0

    monkeypatch.undo()
    assert tick_overdue(date(2026, 3, 21), invoice.id) == 1
    assert INVOICE.store.get(tenant_id, invoice.id).data["reminders_sent"] == [10]
    assert len(mails_to(address)) == 1


def test_a_reminder_ses_cannot_take_now_records_nothing_and_goes_on_a_later_delivery(monkeypatch):
    tenant_id, customer_id, address = books(reminder_days=[3])
    invoice = issued_invoice(tenant_id, customer_id, date(2026, 3, 1))
    tick_overdue(date(2026, 3, 12), invoice.id)
    ses_refuses(monkeypatch, "Throttling", "Maximum sending rate exceeded.")
    with pytest.raises(UpstreamUnavailable):  # the message fails, and the queue retries it
        handle_overdue(tenant_id, invoice.id, date(2026, 3, 14))
    stored = INVOICE.store.get(tenant_id, invoice.id)
    assert not stored.data.get("reminders_sent") and not stored.data.get("reminders_skipped")
    assert stored.data["next_reminder_on"] == "2026-03-14" and "reminded" not in [h.action for h in _history(stored)]

    monkeypatch.undo()
    LeaseItem(stored.PK, "LEASE#reminder#3").delete()  # its lease ran out before the redelivery
    handle_overdue(tenant_id, invoice.id, date(2026, 3, 14))
    assert INVOICE.store.get(tenant_id, invoice.id).data["reminders_sent"] == [3]
    assert len(mails_to(address)) == 1


def test_recurring_issue_and_send_emails_each_invoice_once():
    tenant_id, customer_id, address = books()
    create_template(UnitOfWork(), tenant_id, ADMIN, {
        "name": "Retainer", "customer_id": customer_id, "action": "issue_and_send", "missed": "generate_each",
        "lines": LINE, "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 1, 31)}})
    instant = datetime(2026, 1, 30, tzinfo=timezone.utc)
    while instant < datetime(2026, 4, 2, tzinfo=timezone.utc):
        messages = []
        run.run_tick(instant, messages.append)
        deliver_twice(lambda m: run.generate_due(m["tenant_id"], m["template_id"], instant),
                      [m for m in messages if m["tenant_id"] == tenant_id])
        instant += timedelta(days=1)
    invoices, _ = INVOICE.store.list(tenant_id, DocumentQuery(limit=10))
    assert sorted(i.data["issue_date"] for i in invoices) == ["2026-01-31", "2026-02-28", "2026-03-31"]
    assert {i.status for i in invoices} == {"sent"}
    assert sorted(m["Subject"] for m in mails_to(address)) == sorted(
        f"Invoice {i.number} from Scheduled Ltd" for i in invoices)


def test_a_redelivery_while_the_first_worker_is_emailing_sends_nothing_more(monkeypatch):
    """The second worker comes while the first, having generated and issued the invoice, is
    still sending its email: it must not send one too, neither now nor when it comes back."""
    tenant_id, customer_id, address = books()
    create_template(UnitOfWork(), tenant_id, ADMIN, {
        "name": "Retainer", "customer_id": customer_id, "action": "issue_and_send",
        "lines": LINE, "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 1, 31)}})
    email, emailing = generated.email_document, threading.Event()

    def slow_email(*args):
        emailing.set()
        pytime.sleep(0.5)
        return email(*args)

    monkeypatch.setattr(generated, "email_document", slow_email)
    instant = datetime(2026, 2, 1, tzinfo=timezone.utc)
    messages = []
    run.run_tick(instant, messages.append)
    [message] = [m for m in messages if m["tenant_id"] == tenant_id]

    def work():
        run.generate_due(message["tenant_id"], message["template_id"], instant)

    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(work)
        assert emailing.wait(10)
        with pytest.raises(LeaseHeld):  # the message fails, and SQS brings it back later
            work()
        first.result()
    work()
    invoices, _ = INVOICE.store.list(tenant_id, DocumentQuery(limit=10))
    assert [i.status for i in invoices] == ["sent"]
    assert len(mails_to(address)) == 1


def test_a_recurring_invoice_the_customer_cannot_be_emailed_is_marked_and_never_sent_later():
    tenant_id, customer_id, address = books()
    no_address = create_record(UnitOfWork(), CUSTOMERS, tenant_id, ADMIN, {"name": "Offline", "currency": "GBP"})
    template = create_template(UnitOfWork(), tenant_id, ADMIN, {
        "name": "Retainer", "customer_id": no_address.id, "action": "issue_and_send",
        "lines": LINE, "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 1, 31)}})
    run.generate_due(tenant_id, template.id, datetime(2026, 2, 1, tzinfo=timezone.utc))
    [invoice], _ = INVOICE.store.list(tenant_id, DocumentQuery(limit=10))
    assert invoice.status == "issued" and "email address" in invoice.data["not_emailed"]["reason"]
    assert [entry.action for entry in _history(invoice)][0] == "not_emailed"
    # The customer gets an address; next month's message emails next month's invoice only.
    update_record(UnitOfWork(), CUSTOMERS, tenant_id, ADMIN, no_address.id, {"emails": [address]})
    run.generate_due(tenant_id, template.id, datetime(2026, 3, 1, tzinfo=timezone.utc))
    invoices, _ = INVOICE.store.list(tenant_id, DocumentQuery(limit=10))
    assert {i.data["issue_date"]: i.status for i in invoices} == {"2026-01-31": "issued", "2026-02-28": "sent"}
    assert len(mails_to(address)) == 1


def _history(item):
    from chalicelib.store.history import list_history

    return [type("H", (), entry) for entry in list_history(item.PK, 50, None)[0]]
