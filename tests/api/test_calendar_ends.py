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


def _template(api, start, unit="month"):
    customer = api.post("/customers", {"name": "Late Ltd"}).body["id"]
    return api.post("/recurring-invoices", {"name": "R", "customer_id": customer, "lines": LINES,
                                            "schedule": {"unit": unit, "interval": 1, "start_date": start}})


def test_a_schedule_ends_with_the_calendar(tenant):
    for unit, dates in [("month", ["9999-11-30", "9999-12-30"]), ("day", ["9999-12-29", "9999-12-30", "9999-12-31"])]:
        made = _template(tenant, "9999-11-30" if unit == "month" else "9999-12-29", unit)
        assert made.status == 201, made.body
        preview = tenant.get(f"/recurring-invoices/{made.body['id']}/preview?count=5")
        assert preview.status == 200 and preview.body["dates"] == dates, preview.body


def test_a_schedule_falling_due_before_the_calendar_begins_is_refused(new_tenant):
    api = new_tenant(timezone="Asia/Tokyo")  # 09:00 on 1 January of the year 1 there is still the year 0 in UTC
    refused = _template(api, "0001-01-01")
    assert refused.status == 400 and refused.error_fields == ["schedule.start_date"], refused.body
    assert api.get("/recurring-invoices").body["data"] == []
