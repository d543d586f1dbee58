"""Whole numbers come back from storage as whole numbers: every route and job that reads them works.

DynamoDB has one number type; before the store restored types at its one boundary, a whole number
written into a map (reminder days, payment terms, a recurring occurrence) came back as Decimal and
broke JSON answers and date arithmetic for good.
"""
from datetime import date, datetime, timezone


def test_reminder_days_survive_storage_for_the_tenant_and_the_admin(admin, new_tenant):
    tenant = new_tenant()
    assert tenant.patch("/tenant", {"reminder_days": [7, 21]}).status == 200
    shown = tenant.get("/tenant")
    assert shown.status == 200 and shown.body["reminder_days"] == [7, 21]
    assert tenant.patch("/tenant", {"reminder_days": [3]}).body["reminder_days"] == [3]
    assert admin.get(f"/tenants/{tenant.tenant_id}").body["reminder_days"] == [3]
    patched = admin.patch(f"/tenants/{tenant.tenant_id}", {"reminder_days": [1, 2]})
    assert patched.status == 200 and patched.body["reminder_days"] == [1, 2]

    created = admin.post("/tenants", {"legal_name": "Reminded Ltd", "reminder_days": [14]})
    assert created.status == 201
    again = admin.get(f"/tenants/{created.body['id']}")
    assert again.status == 200 and again.body["reminder_days"] == [14]


def test_recurring_invoices_for_a_customer_with_payment_terms_are_issued_and_readable(tenant):
    from chalicelib.jobs import recurring as run

    customer = tenant.post("/customers", {"name": "Bright Bakery", "payment_terms_days": 14}).body
    made = tenant.post("/recurring-invoices", {
        "name": "Weekly", "customer_id": customer["id"], "action": "issue",
        "lines": [{"description": "Bread round", "quantity": "1", "unit_price": "40.00"}],
        "schedule": {"unit": "week", "interval": 1, "start_date": "2026-02-02", "count": 1}}).body

    ids = run.generate_due(tenant.tenant_id, made["id"], datetime(2026, 2, 3, tzinfo=timezone.utc))
    assert len(ids) == 1
    invoice = tenant.get(f"/invoices/{ids[0]}")
    assert invoice.status == 200, invoice.body
    assert invoice.body["status"] == "issued" and invoice.body["number"]
    assert invoice.body["due_date"] == (date(2026, 2, 16)).isoformat()
    assert invoice.body["payment_terms_days"] == 14
    listed = tenant.get("/invoices")
    assert listed.status == 200 and [i["id"] for i in listed.body["data"]] == ids
    assert tenant.post(f"/invoices/{ids[0]}/mark-sent").status == 200
    voided = tenant.post(f"/invoices/{ids[0]}/void", {"reason": "Duplicate round"})
    assert voided.status == 200 and voided.body["status"] == "void"
    template = tenant.get(f"/recurring-invoices/{made['id']}").body
    assert template["generated"] == 1 and template["status"] == "ended"


def test_a_recurring_template_with_its_own_payment_terms_generates(tenant):
    from chalicelib.jobs import recurring as run

    customer = tenant.post("/customers", {"name": "Termless Ltd"}).body
    made = tenant.post("/recurring-invoices", {
        "name": "Monthly", "customer_id": customer["id"], "action": "issue", "payment_terms_days": 7,
        "lines": [{"description": "Support", "quantity": "2", "unit_price": "15.00"}],
        "schedule": {"unit": "month", "interval": 1, "start_date": "2026-03-01"}}).body
    ids = run.generate_due(tenant.tenant_id, made["id"], datetime(2026, 4, 2, tzinfo=timezone.utc))
    assert len(ids) == 2
    dues = [tenant.get(f"/invoices/{i}").body["due_date"] for i in ids]
    assert dues == ["2026-03-08", "2026-04-08"]
