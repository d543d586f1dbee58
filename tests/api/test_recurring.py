from datetime import date, datetime, timedelta, timezone

import pytest

LINES = [{"description": "Bookkeeping retainer", "quantity": "1", "unit_price": "250.00"}]


@pytest.fixture
def retainer(tenant):
    tenant.customer = tenant.post("/customers", {"name": "Retained Ltd"}).body
    return tenant


def template(api, fields=None, **schedule):
    body = {"name": "Retainer", "customer_id": api.customer["id"], "lines": LINES, **(fields or {}),
            "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-31", **schedule}}
    answer = api.post("/recurring-invoices", body)
    assert answer.status == 201, answer.body
    return answer.body


def test_create_preview_and_defaults(retainer):
    made = template(retainer)
    assert made["status"] == "active" and made["action"] == "draft" and made["missed"] == "generate_each"
    assert made["schedule"]["time_zone"] == "Europe/London" and made["schedule"]["time_of_day"] == "09:00"
    assert made["next_occurrence"] == 0 and made["generated"] == 0
    dates = retainer.get(f"/recurring-invoices/{made['id']}/preview?count=4").body["dates"]
    assert dates == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]
    ended = template(retainer, count=2)
    assert retainer.get(f"/recurring-invoices/{ended['id']}/preview").body["dates"] == ["2026-01-31", "2026-02-28"]


def test_pause_resume_end_and_delete(retainer):
    made = template(retainer)
    path = f"/recurring-invoices/{made['id']}"
    assert retainer.post(f"{path}/pause").body["status"] == "paused"
    assert retainer.post(f"{path}/resume").body["status"] == "active"
    edited = retainer.patch(path, {"notes": "Thank you", "schedule": {"unit": "week", "interval": 2,
                                                                      "start_date": "2026-02-02"}})
    assert edited.status == 200 and edited.body["schedule"]["unit"] == "week"
    assert retainer.post(f"{path}/end").body["status"] == "ended"
    assert retainer.post(f"{path}/resume").status == 409
    assert retainer.patch(path, {"notes": "x"}).status == 409
    assert retainer.get(f"{path}/preview").body["dates"] == []
    actions = [h["action"] for h in retainer.get(f"{path}/history").body["data"]]
    assert actions == ["ended", "updated", "resumed", "paused", "created"]
    fresh = template(retainer)
    assert retainer.delete(f"/recurring-invoices/{fresh['id']}").status == 200
    assert retainer.get(f"/recurring-invoices/{fresh['id']}").status == 404


@pytest.mark.parametrize("schedule, field", [
    ({"interval": 0}, "schedule.interval"),
    ({"day_of_month": 32}, "schedule.day_of_month"),
    ({"end_date": "2025-12-31"}, "schedule.end"),
    ({"unit": "fortnight"}, "schedule.unit"),
    ({"time_of_day": "25:00"}, "schedule.time_of_day"),
    ({"start_date": None}, "schedule.start_date"),
])
def test_bad_schedules_are_refused_and_nothing_is_written(retainer, schedule, field):
    body = {"name": "R", "customer_id": retainer.customer["id"], "lines": LINES,
            "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-31", **schedule}}
    answer = retainer.post("/recurring-invoices", body)
    assert answer.status == 400 and field in answer.error_fields, answer.body
    assert retainer.get("/recurring-invoices").body["data"] == []


def test_unknown_customers_and_products_are_refused(retainer):
    body = {"name": "R", "customer_id": "cus_nothere00000000", "lines": LINES,
            "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-31"}}
    assert retainer.post("/recurring-invoices", body).status == 422
    body = {**body, "customer_id": retainer.customer["id"], "lines": [{"product_id": "prd_x", "quantity": "1"}]}
    assert retainer.post("/recurring-invoices", body).status == 422


def test_the_preview_never_lists_a_date_before_the_start_date(retainer):
    made = template(retainer, start_date="2028-03-20", day_of_month=15)
    dates = retainer.get(f"/recurring-invoices/{made['id']}/preview?count=3").body["dates"]
    assert dates == ["2028-04-15", "2028-05-15", "2028-06-15"]


def test_after_resuming_a_skip_template_the_preview_lists_what_it_will_generate(retainer, monkeypatch):
    """README: `skip` bills only the latest of the occurrences missed while paused, and the
    template ends after `count` invoices; the preview shows those dates and no others."""
    from chalicelib.jobs import recurring as run
    from chalicelib.services import recurring as service

    made = template(retainer, {"missed": "skip"}, count=12)
    path = f"/recurring-invoices/{made['id']}"
    for month in (2, 3):  # January, then February
        run.generate_due(retainer.tenant_id, made["id"], datetime(2026, month, 1, tzinfo=timezone.utc))
    assert retainer.post(f"{path}/pause").status == 200
    resumed = datetime(2026, 6, 15, 12, tzinfo=timezone.utc)  # March, April and May missed
    monkeypatch.setattr(service, "now", lambda: resumed)
    assert retainer.post(f"{path}/resume").status == 200
    dates = retainer.get(f"{path}/preview?count=12").body["dates"]
    assert dates == ["2026-05-31", "2026-06-30", "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31",
                     "2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28"]  # ten more make twelve
    day = resumed
    while day.date() <= date(2027, 4, 1):
        run.generate_due(retainer.tenant_id, made["id"], day)
        day += timedelta(days=1)
    generated = [o["date"] for o in retainer.get(f"{path}/invoices").body["data"]]
    assert generated == ["2026-01-31", "2026-02-28", *dates]


@pytest.mark.parametrize("action", ["issue", "issue_and_send"])
def test_an_invoice_that_cannot_be_issued_as_generated_stays_a_draft_and_billing_goes_on(retainer, action):
    """A template in a currency other than the tenant's: issuing needs an exchange rate, which a
    template cannot know. The generated invoice stays a draft, marked not_issued with the reason; the
    job succeeds, and later occurrences are generated (the failure used to repeat on every delivery
    and stop the template for good)."""
    from chalicelib.jobs import recurring as run

    made = template(retainer, {"currency": "USD", "action": action}, start_date="2026-01-15")
    ids = run.generate_due(retainer.tenant_id, made["id"], datetime(2026, 1, 16, tzinfo=timezone.utc))
    ids += run.generate_due(retainer.tenant_id, made["id"], datetime(2026, 2, 16, tzinfo=timezone.utc))
    assert len(ids) == 2
    for invoice_id in ids:
        invoice = retainer.get(f"/invoices/{invoice_id}").body
        assert invoice["status"] == "draft" and "exchange_rate" in invoice.get("not_issued", {}).get("reason", ""), invoice
        assert not invoice.get("last_emailed")
        actions = [entry["action"] for entry in retainer.get(f"/invoices/{invoice_id}/history").body["data"]]
        assert "not_issued" in actions
        issued = retainer.post(f"/invoices/{invoice_id}/issue", {"exchange_rate": "0.79"})
        assert issued.status == 200 and issued.body["number"], issued.body


def test_a_batch_of_jobs_reads_its_templates_in_one_call(retainer):
    """A worker seldom holds the templates its messages name (there are far more than its cache
    keeps): those the tick could not carry (too large) are read together, then each occurrence is
    one transaction."""
    import json

    from chalicelib.jobs import recurring as run
    from chalicelib.jobs.dispatch import handle
    from chalicelib.store.diagnostics import count_dynamodb_calls
    from chalicelib.store.reads import CACHE

    made = {template(retainer)["id"] for _ in range(3)}
    jobs = []
    run.run_tick(datetime(2026, 2, 1, tzinfo=timezone.utc), jobs.append)
    mine = [{k: v for k, v in job.items() if k != "template"} for job in jobs if job["template_id"] in made]
    records = [{"messageId": str(i), "body": json.dumps(job), "attributes": {"ApproximateReceiveCount": "1"}}
               for i, job in enumerate(mine + [{"kind": "recurring"}])]  # one malformed: it fails alone
    CACHE.clear()  # a worker that has never seen these templates
    with count_dynamodb_calls() as calls:
        assert handle(records) == {"batchItemFailures": [{"itemIdentifier": "3"}]}
    # The templates together; the tenant and customer once (then cached), as for any invoice.
    assert dict(calls) == {"BatchGetItem": 1, "TransactGetItems": 1, "TransactWriteItems": 3}
    for template_id in made:
        generated = retainer.get(f"/recurring-invoices/{template_id}/invoices").body["data"]
        assert [g["date"] for g in generated] == ["2026-01-31"]
