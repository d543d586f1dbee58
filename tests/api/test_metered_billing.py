"""Metered events priced by the package: through POST /usage-records, the upcoming invoice and the billing run.

Expected figures are worked by hand from the README's rule (quantity x unit price, half-up to the penny
once per line; the included quantity's value deducted; late usage on the next invoice, labelled).
"""
from datetime import datetime, timezone

from chalicelib.jobs import billing as run
from tests.api.test_catalogue import card, customer, package

END_OF_MARCH = datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)  # London midnight (BST) starting 1 April
END_OF_APRIL = datetime(2026, 4, 30, 23, 0, tzinfo=timezone.utc)
API = {"metric": "api_calls", "unit_price": "0.0015", "included": "1000", "unit": "requests",
       "description": "API requests"}
STORAGE = {"metric": "storage_gb", "unit_price": "0.0230", "unit": "GB", "description": "Storage"}


def event(n, metric, quantity, time):
    return {"id": f"ev-{n}", "account": "METER-1", "metric": metric, "quantity": quantity, "time": time,
            "properties": {"region": "eu-west-2"}}


def subscribed(tenant, **extra):
    made = package(tenant, card(tenant), allowances=[], metrics=[API, STORAGE], **extra)
    sub = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                         "start_date": "2026-03-01", "day_of_month": 1, "action": "issue",
                                         "account_reference": "METER-1"})
    assert sub.status == 201, sub.body
    return made, sub.body


def rows(lines):
    return [(l["description"], l["quantity"], l["unit_price"], l["net"]) for l in lines]


MARCH_LINES = [
    ("Voice 1000, 1 Mar 2026 - 31 Mar 2026", "1", "30.00", "30.00"),
    ("API requests: 1,600 requests", "1600", "0.0015", "0.90"),  # 2.40 less 1,000 x 0.0015 = 1.50 included
    ("Storage: 12.345678 GB", "12.345678", "0.0230", "0.28"),  # 0.283950594 -> 0.28
    ("Included in the package: 1,000 requests of API requests; 1,000 requests used", "1", "0.00", "0.00"),
]


def test_metered_events_are_priced_on_the_upcoming_invoice_and_billed_once_late_ones_on_the_next(tenant):
    made, sub = subscribed(tenant)
    assert made["metrics"][0] == API and made["metrics"][1] == STORAGE
    batch = [event(1, "api_calls", "700", "2026-03-02T10:00:00Z"), event(2, "api_calls", "900", "2026-03-10T10:00:00Z"),
             event(3, "storage_gb", "12.345678", "2026-03-31T12:00:00+01:00"), event(4, "sms", "2", "2026-03-03T10:00:00Z")]
    answer = tenant.post("/usage-records", {"records": batch + batch[:1]})
    assert answer.status == 200, answer.body
    assert answer.body["counted"] == 3 and answer.body["duplicates"] == 1
    assert answer.body["unrated"] == [{"index": 3, "id": "ev-4", "field": "metric",
                                       "reason": "the package held at that time does not price the metric sms"}]
    kept = tenant.get("/usage-records/unrated").body["data"]
    assert [(u["id"], str(u["record"]["quantity"])) for u in kept] == [("ev-4", "2")]

    upcoming = tenant.get(f"/subscriptions/{sub['id']}/upcoming").body
    assert rows(upcoming["lines"]) == MARCH_LINES and "unpriced" not in upcoming
    assert upcoming["lines"][1]["discount"] == {"type": "amount", "value": "1.50"}
    assert upcoming["totals"]["net"] == "31.18" and upcoming["totals"]["vat"] == "6.24"  # 20% of 31.18 = 6.236

    march = run.bill_due(tenant.tenant_id, sub["id"], END_OF_MARCH)
    assert run.bill_due(tenant.tenant_id, sub["id"], END_OF_MARCH) == []  # delivered twice, billed once
    invoice = tenant.get(f"/invoices/{march[0]}").body
    assert invoice["status"] == "issued" and rows(invoice["lines"]) == MARCH_LINES
    assert invoice["lines"][1]["unit"] == "requests" and invoice["totals"]["gross"] == "37.42"

    late = [event(5, "api_calls", "50", "2026-03-20T10:00:00Z"), event(6, "api_calls", "200", "2026-04-05T10:00:00Z")]
    assert tenant.post("/usage-records", {"records": late}).body["counted"] == 2
    april = tenant.get(f"/invoices/{run.bill_due(tenant.tenant_id, sub['id'], END_OF_APRIL)[0]}").body
    assert rows(april["lines"]) == [
        ("Voice 1000, 1 Apr 2026 - 30 Apr 2026", "1", "30.00", "30.00"),
        ("API requests: 200 requests", "200", "0.0015", "0.00"),  # 0.30, all of it included
        ("Included in the package: 1,000 requests of API requests; 200 requests used", "1", "0.00", "0.00"),
        # March's 1,000 were used on March's invoice: 50 x 0.0015 = 0.075 -> 0.08
        ("Late usage of 1 Mar 2026 - 31 Mar 2026, API requests: 50 requests", "50", "0.0015", "0.08"),
        ("Late usage of 1 Mar 2026 - 31 Mar 2026, included in the package: 1,000 requests of API requests; "
         "0 requests used", "1", "0.00", "0.00")]
    assert april["lines"][3]["period"] == {"start": "2026-03-01", "end": "2026-03-31"}


def test_counted_usage_a_package_no_longer_prices_is_held_for_a_person_not_dropped(tenant):
    made, sub = subscribed(tenant)
    assert tenant.post("/usage-records", {"records": [event(1, "storage_gb", "3", "2026-03-05T10:00:00Z")]}
                       ).body["counted"] == 1
    assert tenant.patch(f"/packages/{made['id']}", {"metrics": [API]}).status == 200  # storage no longer priced
    upcoming = tenant.get(f"/subscriptions/{sub['id']}/upcoming").body
    reason = "storage_gb: 3 not priced by the package Voice 1000; at no charge"
    assert upcoming["unpriced"] == [reason]
    invoice = tenant.get(f"/invoices/{run.bill_due(tenant.tenant_id, sub['id'], END_OF_MARCH)[0]}").body
    assert invoice["status"] == "draft" and invoice["not_issued"]["reason"] == reason
    assert ("Storage_gb: 3 not priced by the package Voice 1000; at no charge", "3", "0.00", "0.00") in rows(
        invoice["lines"])


def test_bad_metric_prices_answer_400_naming_the_field(tenant):
    card_id = card(tenant)
    base = {"name": "Metered", "fee": "5.00", "period": {"unit": "month", "interval": 1}, "rate_card_id": card_id}
    cases = [
        ([API, {**STORAGE, "metric": "api_calls"}], "metrics[1].metric"),
        ([{**API, "unit_price": "-0.0015"}], "metrics[0].unit_price"),
        ([{**API, "included": "-1"}], "metrics[0].included"),
        ([{**API, "metric": "api calls"}], "metrics[0].metric"),
        ([{"metric": "api_calls"}], "metrics[0].unit_price"),
        ([{**API, "unit_price": "0.000000001"}], "metrics[0].unit_price"),
    ]
    for metrics, field in cases:
        refused = tenant.post("/packages", {**base, "metrics": metrics})
        assert refused.status == 400 and field in refused.error_fields, (metrics, refused.body)
    made = tenant.post("/packages", {**base, "metrics": [API]})
    assert made.status == 201, made.body
    twice = tenant.patch(f"/packages/{made.body['id']}", {"metrics": [API, API]})
    assert twice.status == 400 and twice.error_fields == ["metrics[1].metric"]
    assert tenant.get(f"/packages/{made.body['id']}").body["metrics"] == [API]  # nothing half written


def test_a_batch_holding_one_unrated_record_twice_keeps_it_once(tenant):
    subscribed(tenant)
    twice = [event(1, "sms", "1", "2026-03-03T10:00:00Z")] * 2
    answer = tenant.post("/usage-records", {"records": twice})
    assert answer.status == 200, answer.body
    assert [u["index"] for u in answer.body["unrated"]] == [0, 1]
    assert [u["id"] for u in tenant.get("/usage-records/unrated").body["data"]] == ["ev-1"]
