import pytest

LINES = [{"description": "Bookkeeping retainer", "quantity": "1", "unit_price": "250.00"}]


@pytest.fixture
def retainer(tenant):
    tenant.customer = tenant.post("/customers", {"name": "Retained Ltd"}).body
    return tenant


def template(api, **schedule):
    body = {"name": "Retainer", "customer_id": api.customer["id"], "lines": LINES,
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
