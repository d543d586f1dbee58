"""Rate cards, packages and subscriptions over the API, and finding a subscription for a usage record."""
from datetime import date, datetime, timedelta, timezone

import pytest

from chalicelib.services.subscriptions import subscription_at

ROWS = [
    {"prefix": "44", "destination": "UK", "price_per_minute": "0.0150", "increment": "60/60"},
    {"prefix": "+447", "destination": "UK mobile", "price_per_minute": "0.0850", "connection_fee": "0.01",
     "minimum_charge": "0.02", "increment": "30/6"},
    {"prefix": "1", "destination": "NANP", "price_per_minute": "0.0075", "increment": "1/1"},
]
CSV = ("prefix,destination,price_per_minute,connection_fee,minimum_charge,increment\n"
       "44,UK,0.0200,0,0,60/60\n447,UK mobile,0.0900,0.01,0.02,30/6\n")
TODAY = date.today()


def card(api, rows=ROWS, effective_from="2026-01-01", currency="GBP"):
    made = api.post("/rate-cards", {"name": "Voice", "currency": currency})
    assert made.status == 201, made.body
    version = api.post(f"/rate-cards/{made.body['id']}/versions", {"effective_from": effective_from, "rows": rows})
    assert version.status == 201, version.body
    return made.body["id"]


def package(api, card_id, **extra):
    made = api.post("/packages", {"name": "Voice 1000", "fee": "30.00", "period": {"unit": "month", "interval": 1},
                                  "rate_card_id": card_id,
                                  "allowances": [{"prefix": "44", "minutes": 1000, "label": "UK"}], **extra})
    assert made.status == 201, made.body
    return made.body


def customer(api):
    return api.post("/customers", {"name": "Acme Calls Ltd", "emails": ["ap@acme.test"]}).body["id"]


def test_a_card_keeps_its_rows_by_version_normalising_prefixes(tenant):
    card_id = card(tenant)
    versions = tenant.get(f"/rate-cards/{card_id}/versions").body["data"]
    assert [(v["effective_from"], v["row_count"]) for v in versions] == [("2026-01-01", 3)]
    rows = tenant.get(f"/rate-cards/{card_id}/versions/2026-01-01").body["rows"]
    assert rows[1] == {"prefix": "447", "destination": "UK mobile", "price_per_minute": "0.0850",
                       "connection_fee": "0.01", "minimum_charge": "0.02", "increment": "30/6"}
    assert tenant.get(f"/rate-cards/{card_id}/versions/2025-01-01").status == 404
    moved = tenant.patch(f"/rate-cards/{card_id}", {"currency": "EUR"})
    assert moved.status == 400 and moved.error_fields == ["currency"]
    assert tenant.patch(f"/rate-cards/{card_id}", {"currency": "GBP", "name": "Voice 2"}).status == 200


def test_a_csv_version_from_today_and_the_card_in_force_by_day(tenant):
    card_id = card(tenant)
    added = tenant.post(f"/rate-cards/{card_id}/versions", {"effective_from": TODAY.isoformat(), "csv": CSV})
    assert added.status == 201 and added.body["row_count"] == 2
    from chalicelib.services.rate_cards import card_at
    before = card_at(tenant.tenant_id, card_id, (TODAY - timedelta(days=1)).isoformat())
    after = card_at(tenant.tenant_id, card_id, TODAY.isoformat())
    assert str(before.match("447700900123").price_per_minute) == "0.0850"
    assert str(after.match("447700900123").price_per_minute) == "0.0900" and after.match("1212") is None
    from chalicelib.services.rate_cards import card_span
    span = card_span(tenant.tenant_id, card_id, "2026-02-01")
    assert (span.since, span.until) == ("2026-01-01", TODAY.isoformat())
    assert card_at(tenant.tenant_id, card_id, "2025-12-31") is None


@pytest.mark.parametrize("rows, field", [
    ([{**ROWS[0]}, {**ROWS[0], "destination": "UK again"}], "rows[1].prefix"),
    ([{**ROWS[0]}, {**ROWS[0], "prefix": "0044"}], "rows[1].prefix"),
    ([{**ROWS[0], "increment": "0/60"}], "rows[0].increment"),
    ([{**ROWS[0], "increment": "60/0"}], "rows[0].increment"),
    ([{**ROWS[0], "price_per_minute": "-0.01"}], "rows[0].price_per_minute"),
    ([{**ROWS[0], "connection_fee": "-1"}], "rows[0].connection_fee"),
    ([{**ROWS[0], "prefix": "44a"}], "rows[0].prefix"),
    ([], "rows")])
def test_bad_rows_are_refused_naming_row_and_field_and_nothing_is_written(tenant, rows, field):
    made = tenant.post("/rate-cards", {"name": "Voice"}).body
    refused = tenant.post(f"/rate-cards/{made['id']}/versions", {"effective_from": "2026-01-01", "rows": rows})
    assert refused.status == 400 and field in refused.error_fields, refused.body
    assert tenant.get(f"/rate-cards/{made['id']}/versions").body["data"] == []


def test_bad_csv_rows_are_named_by_row(tenant):
    made = tenant.post("/rate-cards", {"name": "Voice"}).body
    bad = CSV + "33,France,-0.01,0,0,60/60\n353,Ireland,0.01,0,0,0/1\n44,UK twice,0.01,0,0,60/60\n"
    refused = tenant.post(f"/rate-cards/{made['id']}/versions", {"effective_from": "2026-01-01", "csv": bad})
    assert refused.status == 400
    assert refused.error_fields == ["rows[2].price_per_minute", "rows[3].increment"]
    no_header = tenant.post(f"/rate-cards/{made['id']}/versions", {"effective_from": "2026-01-01", "csv": "44,UK\n"})
    assert no_header.status == 400 and no_header.error_fields[0] == "csv"
    both = tenant.post(f"/rate-cards/{made['id']}/versions", {"effective_from": "2026-01-01", "csv": CSV,
                                                              "rows": ROWS})
    assert both.status == 400 and both.error_fields == ["rows"]


def test_a_later_version_cannot_reach_back_before_today(tenant):
    card_id = card(tenant)
    back = tenant.post(f"/rate-cards/{card_id}/versions",
                       {"effective_from": (TODAY - timedelta(days=1)).isoformat(), "rows": ROWS})
    assert back.status == 400 and back.error_fields == ["effective_from"]
    again = tenant.post(f"/rate-cards/{card_id}/versions", {"effective_from": "2026-01-01", "rows": ROWS})
    assert again.status == 400  # the first version's date is in the past too
    future = (TODAY + timedelta(days=10)).isoformat()
    assert tenant.post(f"/rate-cards/{card_id}/versions", {"effective_from": future, "rows": ROWS}).status == 201
    replaced = tenant.post(f"/rate-cards/{card_id}/versions", {"effective_from": future, "rows": ROWS[:1]})
    assert replaced.status == 201 and replaced.body["row_count"] == 1
    history = tenant.get(f"/rate-cards/{card_id}/history").body["data"]
    assert [h["action"] for h in history] == ["version_added", "version_added", "version_added", "created"]


def test_a_package_with_its_card_allowances_and_history(tenant):
    made = package(tenant, card(tenant))
    assert (made["fee"], made["vat_category"], made["vat_rate"]) == ("30.00", "standard", "20")
    assert "usage_grouping" not in made  # the tenant's then
    assert made["allowances"] == [{"prefix": "44", "minutes": 1000, "label": "UK"}]
    changed = tenant.patch(f"/packages/{made['id']}", {"fee": "35"})
    assert changed.body["fee"] == "35.00"
    assert tenant.post(f"/packages/{made['id']}/archive").body["status"] == "archived"
    assert tenant.delete(f"/packages/{made['id']}").status in (404, 405)  # archived, never deleted
    assert [h["action"] for h in tenant.get(f"/packages/{made['id']}/history").body["data"]] == [
        "archived", "updated", "created"]


def test_a_card_in_another_currency_or_unknown_is_refused(tenant):
    euro_card = card(tenant, currency="EUR")
    other = tenant.post("/packages", {"name": "P", "fee": "30", "period": {"unit": "month", "interval": 1},
                                      "rate_card_id": euro_card})
    assert other.status == 400 and other.error_fields == ["rate_card_id"]
    unknown = tenant.post("/packages", {"name": "P", "fee": "30", "period": {"unit": "month", "interval": 1},
                                        "rate_card_id": "rc_nothing"})
    assert unknown.status == 422 and unknown.error_fields == ["rate_card_id"]
    gbp = package(tenant, card(tenant))
    assert tenant.patch(f"/packages/{gbp['id']}", {"currency": "EUR"}).status == 400
    assert tenant.patch(f"/packages/{gbp['id']}", {"rate_card_id": euro_card}).status == 400
    assert tenant.get("/packages").body["data"][0]["id"] == gbp["id"]


@pytest.mark.parametrize("extra, field", [
    ({"fee": "-1"}, "fee"), ({"fee": "1.005"}, "fee"), ({"period": {"unit": "month", "interval": 0}}, "period.interval"),
    ({"allowances": [{"prefix": "4a", "minutes": 1, "label": "x"}]}, "allowances[0].prefix"),
    ({"allowances": [{"prefix": "44", "minutes": 0, "label": "x"}]}, "allowances[0].minutes"),
    ({"allowances": [{"prefix": "44", "minutes": 1, "label": "x"}, {"prefix": "44", "minutes": 2, "label": "y"}]},
     "allowances[1].prefix"),
    ({"usage_grouping": "week"}, "usage_grouping")])
def test_bad_packages_are_refused(tenant, extra, field):
    body = {"name": "P", "fee": "30", "period": {"unit": "month", "interval": 1}, **extra}
    refused = tenant.post("/packages", body)
    assert refused.status == 400 and field in refused.error_fields, refused.body


def test_subscriptions_refuse_unknown_customers_and_archived_packages(tenant):
    made = package(tenant, card(tenant))
    customer_id = customer(tenant)
    unknown = tenant.post("/subscriptions", {"customer_id": "cus_nobody", "package_id": made["id"],
                                             "start_date": "2026-03-15"})
    assert unknown.status == 422 and unknown.error_fields == ["customer_id"]
    tenant.post(f"/packages/{made['id']}/archive")
    archived = tenant.post("/subscriptions", {"customer_id": customer_id, "package_id": made["id"],
                                              "start_date": "2026-03-15"})
    assert archived.status == 422 and archived.error_fields == ["package_id"]
    assert tenant.get("/subscriptions").body["data"] == []


def test_account_references_are_unique_and_find_the_subscription_in_force(tenant):
    made = package(tenant, card(tenant))
    customer_id = customer(tenant)
    body = {"customer_id": customer_id, "package_id": made["id"], "start_date": "2026-03-15", "day_of_month": 1,
            "account_reference": "ACME-1", "end_date": "2026-05-20"}
    sub = tenant.post("/subscriptions", body)
    assert sub.status == 201, sub.body
    assert sub.body["packages"] == [{"package_id": made["id"], "from": "2026-03-15"}]
    assert sub.body["time_zone"] == "Europe/London" and sub.body["next_period"] == 0
    clash = tenant.post("/subscriptions", {**body, "account_reference": "acme-1"})
    assert clash.status == 409 and clash.error_fields == ["account_reference"]
    at = subscription_at(tenant.tenant_id, "ACME-1", datetime(2026, 4, 30, 23, 30, tzinfo=timezone.utc))
    # 23:30 UTC on 30 April is 1 May in London (BST): the May period
    assert (at.subscription_id, at.customer_id, at.period_start) == (sub.body["id"], customer_id, "2026-05-01")
    assert at.card.match("447700900123").destination == "UK mobile"
    # the same answer holds from the May period's start to the end of the subscription (20 May), London midnights
    assert (at.since, at.until) == (datetime(2026, 4, 30, 23, tzinfo=timezone.utc),
                                    datetime(2026, 5, 20, 23, tzinfo=timezone.utc))
    by_customer = subscription_at(tenant.tenant_id, customer_id, datetime(2026, 3, 15, 0, 0, tzinfo=timezone.utc))
    assert by_customer.period_start == "2026-03-01"
    assert (by_customer.since, by_customer.until) == (datetime(2026, 3, 15, tzinfo=timezone.utc),
                                                      datetime(2026, 3, 31, 23, tzinfo=timezone.utc))
    for outside in (datetime(2026, 3, 14, 12, tzinfo=timezone.utc), datetime(2026, 5, 21, 12, tzinfo=timezone.utc)):
        assert subscription_at(tenant.tenant_id, "ACME-1", outside) is None
    assert subscription_at(tenant.tenant_id, "NOBODY", datetime(2026, 4, 1, tzinfo=timezone.utc)) is None


def test_a_change_of_package_applies_from_its_day(tenant):
    card_id = card(tenant)
    gold, platinum = package(tenant, card_id), package(tenant, card_id, name="Platinum", fee="50")
    sub = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": gold["id"],
                                         "start_date": "2026-03-01", "account_reference": "ACME-2"}).body
    changed = tenant.post(f"/subscriptions/{sub['id']}/change-package",
                          {"package_id": platinum["id"], "effective_from": "2026-03-15"})
    assert changed.status == 200 and [p["package_id"] for p in changed.body["packages"]] == [gold["id"], platinum["id"]]
    weekly = package(tenant, card_id, name="Weekly", period={"unit": "week", "interval": 1})
    other = tenant.post(f"/subscriptions/{sub['id']}/change-package",
                        {"package_id": weekly["id"], "effective_from": "2026-03-20"})
    assert other.status == 400 and other.error_fields == ["package_id"]
    before_start = tenant.post(f"/subscriptions/{sub['id']}/change-package",
                               {"package_id": gold["id"], "effective_from": "2026-02-20"})
    assert before_start.status == 409
    assert tenant.patch(f"/subscriptions/{sub['id']}", {"package_id": gold["id"]}).status == 400


def test_a_packages_currency_and_period_are_fixed_once_made(tenant):
    made = package(tenant, card(tenant))
    moved = tenant.patch(f"/packages/{made['id']}", {"period": {"unit": "month", "interval": 3}})
    assert moved.status == 400 and moved.error_fields == ["period"]
    assert tenant.patch(f"/packages/{made['id']}", {"period": {"unit": "month", "interval": 1}}).status == 200


def test_a_period_ending_after_the_year_9999_is_refused(tenant):
    made = package(tenant, card(tenant), period={"unit": "year", "interval": 365})
    far = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                         "start_date": "9700-01-01"})
    assert far.status == 400 and far.error_fields == ["start_date"]
    near = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                          "start_date": "2026-01-01"}).body
    assert tenant.patch(f"/subscriptions/{near['id']}", {"end_date": "9999-12-31"}).error_fields == ["end_date"]
    backwards = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                               "start_date": "2026-03-01", "end_date": "2026-02-01"})
    assert backwards.status == 400 and backwards.error_fields == ["end_date"]
