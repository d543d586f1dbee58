"""Billing periods whose invoice cannot be made as it stands are held where the tenant sees them, never
retried into the dead-letter queue: the run's message succeeds, the reason is on the invoice (or the
subscription), and mending it later bills the period once.

The maximum is README's: no document may carry more than 999,999,999,999.
"""
import json
from datetime import timedelta

from chalicelib.jobs import billing as run
from chalicelib.jobs import dispatch
from tests.api.test_catalogue import card, customer, package
from tests.api.test_metered_billing import API, END_OF_APRIL, END_OF_MARCH, STORAGE, event

MAXIMUM = 999_999_999_999


def delivered(job, times=1):
    """The issues queue's worker given the job as SQS delivers it; the ids it reports failed."""
    message = {"messageId": "m-1", "body": json.dumps(job), "attributes": {"ApproximateReceiveCount": str(times)}}
    return dispatch.handle([message], in_order=True)["batchItemFailures"]


def billing_job(tenant, sub, as_of):
    return {"kind": "billing", "tenant_id": tenant.tenant_id, "subscription_id": sub["id"],
            "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"), "key": f"billing:{sub['id']}:{as_of:%Y%m%d}"}


def subscribed(tenant, **extra):
    """README's API Pro package (requests at 0.0015, 1,000 included), storage at 10.00 a GB."""
    made = package(tenant, card(tenant), allowances=[], metrics=[API, {**STORAGE, "unit_price": "10.00"}], **extra)
    sub = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                         "start_date": "2026-03-01", "day_of_month": 1, "action": "issue",
                                         "account_reference": "METER-1"})
    assert sub.status == 201, sub.body
    return made, sub.body


def invoices_of(tenant, sub):
    listed = tenant.get(f"/invoices?customer_id={sub['customer_id']}&limit=100").body["data"]
    return [tenant.get(f"/invoices/{i['id']}").body for i in listed]


def test_a_period_over_the_maximum_total_is_held_as_a_draft_saying_why_and_billed_once(tenant):
    made, sub = subscribed(tenant)
    # A meter that sent bytes for gigabytes: 230,000,000,000 GB x 10.00 = 2,300,000,000,000.00, over the maximum.
    huge = "230000000000"
    assert tenant.post("/usage-records", {"records": [event(1, "storage_gb", huge, "2026-03-05T10:00:00Z"),
                                                      event(2, "api_calls", "1600", "2026-03-06T10:00:00Z")]}
                       ).body["counted"] == 2
    upcoming = tenant.get(f"/subscriptions/{sub['id']}/upcoming")  # March so far, as it will be billed
    assert upcoming.status == 200, upcoming.body
    assert delivered(billing_job(tenant, sub, END_OF_MARCH)) == []  # done, not retried
    assert delivered(billing_job(tenant, sub, END_OF_MARCH), times=2) == []
    [invoice] = invoices_of(tenant, sub)
    assert invoice["status"] == "draft" and invoice["number"] is None
    reason = invoice["not_issued"]["reason"]
    assert "2,300,000,000,000.00" in reason and "999,999,999,999" in reason, reason
    lines = {l["description"].split(":")[0]: l for l in invoice["lines"]}
    # The fee and the requests are billed as usual (1,600 - 1,000 included at 0.0015 = 0.90); the
    # storage line keeps its quantity at no charge for a person to correct.
    assert lines["Voice 1000, 1 Mar 2026 - 31 Mar 2026"]["net"] == "30.00"
    assert lines["API requests"]["net"] == "0.90"
    assert lines["Storage"]["quantity"] == huge and lines["Storage"]["net"] == "0.00"
    assert tenant.get(f"/subscriptions/{sub['id']}").body["next_period"] == 1
    assert upcoming.body["unpriced"] == [reason] and upcoming.body["lines"] == invoice["lines"]
    history = tenant.get(f"/invoices/{invoice['id']}/history").body["data"]
    assert "not_issued" in [entry["action"] for entry in history]

    # Mended by the tenant, it issues; April is billed on its own, March never again.
    storage = lines["Storage"]
    fixed = [{k: l[k] for k in ("description", "quantity", "unit_price", "vat_category", "vat_rate")}
             for l in invoice["lines"] if l is not storage]
    assert tenant.patch(f"/invoices/{invoice['id']}", {"lines": fixed}).status == 200
    assert tenant.post(f"/invoices/{invoice['id']}/issue", {}).status == 200
    assert len(run.bill_due(tenant.tenant_id, sub["id"], END_OF_APRIL)) == 1
    assert len(invoices_of(tenant, sub)) == 2


def test_a_period_that_cannot_be_invoiced_is_marked_on_the_subscription_and_billed_once_mended(tenant):
    """An archived customer can have no invoice made out to it: the subscription says why under
    not_billed, the run tries again a day later (not on every tick, not into the DLQ), and bills the
    period once the customer is restored."""
    _, sub = subscribed(tenant)
    assert tenant.post(f"/customers/{sub['customer_id']}/archive").status == 200
    assert delivered(billing_job(tenant, sub, END_OF_MARCH)) == []
    assert delivered(billing_job(tenant, sub, END_OF_MARCH), times=2) == []
    held = tenant.get(f"/subscriptions/{sub['id']}").body
    assert held["next_period"] == 0 and held["not_billed"]["period"] == 0, held
    assert "archived" in held["not_billed"]["reason"] and invoices_of(tenant, sub) == []
    actions = [entry["action"] for entry in tenant.get(f"/subscriptions/{sub['id']}/history").body["data"]]
    assert actions.count("not_billed") == 1
    ticked = []
    run.run_billing_tick(END_OF_MARCH, ticked.append)
    assert sub["id"] not in [m["subscription_id"] for m in ticked]  # not again at once

    assert tenant.post(f"/customers/{sub['customer_id']}/restore").status == 200
    a_day_later = END_OF_MARCH + timedelta(days=1)
    run.run_billing_tick(a_day_later, ticked.append)
    assert sub["id"] in [m["subscription_id"] for m in ticked]
    assert delivered(billing_job(tenant, sub, a_day_later)) == []
    assert delivered(billing_job(tenant, sub, a_day_later), times=2) == []
    [march] = invoices_of(tenant, sub)
    assert march["status"] == "issued" and march["issue_date"] == "2026-04-01"
    billed = tenant.get(f"/subscriptions/{sub['id']}").body
    assert billed["next_period"] == 1 and "not_billed" not in billed


def test_a_held_draft_the_tenant_deleted_does_not_stop_the_subscription(tenant):
    """A period's draft held not_issued (usage no package prices) that the tenant deletes instead of
    issuing: the next period is billed (and emailed) as usual, not failed on every delivery."""
    made, sub = subscribed(tenant, name="API Pro")
    assert tenant.patch(f"/subscriptions/{sub['id']}", {"action": "issue_and_send"}).status == 200
    assert tenant.post("/usage-records", {"records": [event(1, "storage_gb", "3", "2026-03-05T10:00:00Z")]}
                       ).body["counted"] == 1
    assert tenant.patch(f"/packages/{made['id']}", {"metrics": [API]}).status == 200  # storage no longer priced
    assert delivered(billing_job(tenant, sub, END_OF_MARCH)) == []
    [march] = invoices_of(tenant, sub)
    assert march["not_issued"] and tenant.delete(f"/invoices/{march['id']}").status == 200
    assert delivered(billing_job(tenant, sub, END_OF_APRIL)) == []
    [april] = invoices_of(tenant, sub)
    assert april["status"] == "sent" and april["issue_date"] == "2026-05-01"


def test_usage_grouped_into_more_lines_than_an_invoice_may_have_is_grouped_coarser_and_held(tenant):
    """destination_day over 60 destinations and 31 days is 1,860 usage lines, more than the 500 lines a
    document may have (the API refuses more) and more than one DynamoDB item holds: the invoice groups
    by destination instead, says so, and is held for a person to see (it used to fail on every
    delivery into the DLQ, too large to store)."""
    rows = [{"prefix": str(100 + i), "destination": f"Zone {i:02d}", "price_per_minute": "0.0100",
             "increment": "60/60"} for i in range(60)]
    made = package(tenant, card(tenant, rows=rows), allowances=[], usage_grouping="destination_day")
    sub = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                         "start_date": "2026-03-01", "day_of_month": 1, "action": "issue",
                                         "account_reference": "ZONES-1"}).body
    calls = [{"id": f"c{day}-{zone}", "account": "ZONES-1", "start": f"2026-03-{day:02d}T10:00:00Z",
              "duration_seconds": 61, "destination": f"{100 + zone}5550000"} for day in range(1, 32) for zone in range(60)]
    for batch in (calls[:930], calls[930:]):
        assert tenant.post("/usage-records", {"records": batch}).body["counted"] == 930
    assert delivered(billing_job(tenant, sub, END_OF_MARCH)) == []
    [march] = invoices_of(tenant, sub)
    reason = march["status"] == "draft" and march["not_issued"]["reason"]
    assert "1,861 lines" in reason and "500" in reason and "by destination instead" in reason, reason  # + the fee
    # Each zone: 31 calls of 61 s, billed 120 s at 60/60 = 2 x 0.0100 = 0.02 each: 0.62.
    usage = [(l["description"], l["net"]) for l in march["lines"][1:]]
    assert usage == [(f"Zone {i:02d}: 31 calls, 62.00 min", "0.62") for i in range(60)]
    assert march["totals"]["net"] == "67.20"  # 30.00 + 60 x 0.62
