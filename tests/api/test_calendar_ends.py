"""Dates at the calendar's last days, which the date fields accept: a due date or a reminder that
would fall past 9999-12-31 is a clear 400 on the field (or no reminder), never a 500."""
from datetime import date

from chalicelib.domain.reminders import next_reminder_on, reminders_due

LINES = [{"description": "Late work", "quantity": "1", "unit_price": "10.00"}]


def test_a_due_date_past_the_calendar_is_refused_naming_the_issue_date(tenant):
    customer = tenant.post("/customers", {"name": "Late Ltd", "payment_terms_days": 30}).body["id"]
    refused = tenant.post("/invoices", {"customer_id": customer, "lines": LINES, "issue_date": "9999-12-31"})
    assert refused.status == 400 and refused.error_fields == ["issue_date"], refused.body
    assert tenant.get("/invoices").body["data"] == []


def test_an_invoice_due_on_the_calendars_last_day_issues(new_tenant):
    api = new_tenant(reminder_days=[7, 30])
    customer = api.post("/customers", {"name": "Late Ltd"}).body["id"]
    draft = api.post("/invoices", {"customer_id": customer, "lines": LINES, "issue_date": "9999-12-25",
                                   "due_date": "9999-12-31"}).body
    issued = api.post(f"/invoices/{draft['id']}/issue", {})
    assert issued.status == 200, issued.body


def test_reminders_past_the_calendar_never_come():
    due = date(9999, 12, 20)
    assert next_reminder_on(due, [7, 30], []) == date(9999, 12, 27)
    assert next_reminder_on(due, [30], []) is None
    assert reminders_due(due, [7, 30], [], date.max) == [7]
