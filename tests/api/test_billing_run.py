"""The billing run: each subscription period becomes one invoice, once, at the period's end where the tenant is."""
from datetime import datetime, timezone

from chalicelib.jobs import billing as run
from tests.api.test_catalogue import card, customer, package

END_OF_MARCH = datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)  # midnight in London (BST) starting 1 April


def subscribe(api, package_id, **extra):
    made = api.post("/subscriptions", {"customer_id": customer(api), "package_id": package_id,
                                       "start_date": "2026-03-15", "day_of_month": 1, **extra})
    assert made.status == 201, made.body
    return made.body


def invoices_of(api, subscription):
    return [api.get(f"/invoices/{invoice['id']}").body for invoice in api.get("/invoices").body["data"]
            if api.get(f"/invoices/{invoice['id']}").body["customer_id"] == subscription["customer_id"]]


def test_a_period_is_billed_once_at_its_end_with_its_fee_prorated(tenant):
    made = package(tenant, card(tenant))
    sub = subscribe(tenant, made["id"], action="issue", account_reference="ACME-9")
    assert run.bill_due(tenant.tenant_id, sub["id"], datetime(2026, 3, 31, 22, 59, tzinfo=timezone.utc)) == []
    sent = []
    assert run.run_billing_tick(END_OF_MARCH, sent.append) >= 1
    assert {"kind": "billing", "tenant_id": tenant.tenant_id, "subscription_id": sub["id"]}.items() <= [
        m for m in sent if m["subscription_id"] == sub["id"]][0].items()
    ids = run.bill_due(tenant.tenant_id, sub["id"], END_OF_MARCH)
    assert len(ids) == 1
    assert run.bill_due(tenant.tenant_id, sub["id"], END_OF_MARCH) == []  # a message delivered twice
    invoice = tenant.get(f"/invoices/{ids[0]}").body
    assert invoice["status"] == "issued" and invoice["number"] and invoice["issue_date"] == "2026-04-01"
    assert invoice["reference"] == "ACME-9" and invoice["currency"] == "GBP"
    # 30.00 x 17 / 31 days = 16.4516... -> 16.45; then the allowance's line (no usage yet)
    assert [(l["description"], l["unit_price"], l["net"]) for l in invoice["lines"]] == [
        ("Voice 1000, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days)", "16.45", "16.45"),
        ("Included in the package: 1,000 min to UK; 0.00 min used", "0.00", "0.00")]
    assert invoice["totals"]["net"] == "16.45" and invoice["totals"]["vat"] == "3.29"  # 20% of 16.45 = 3.29
    assert [l["period"] for l in invoice["lines"]] == [{"start": "2026-03-15", "end": "2026-03-31"},
                                                       {"start": "2026-03-01", "end": "2026-03-31"}]
    again = tenant.get(f"/subscriptions/{sub['id']}").body
    assert again["next_period"] == 1 and again["last_invoice_id"] == ids[0]
    april = run.bill_due(tenant.tenant_id, sub["id"], datetime(2026, 4, 30, 23, 0, tzinfo=timezone.utc))
    assert len(april) == 1
    assert tenant.get(f"/invoices/{april[0]}").body["lines"][0]["description"] == "Voice 1000, 1 Apr 2026 - 30 Apr 2026"


def test_a_change_of_package_and_an_end_mid_period_are_prorated_and_billing_stops(tenant):
    card_id = card(tenant)
    gold, platinum = package(tenant, card_id, name="Gold"), package(tenant, card_id, name="Platinum", fee="50.00")
    sub = subscribe(tenant, gold["id"], start_date="2026-03-01")
    tenant.post(f"/subscriptions/{sub['id']}/change-package", {"package_id": platinum["id"], "effective_from": "2026-03-15"})
    tenant.patch(f"/subscriptions/{sub['id']}", {"end_date": "2026-04-10"})
    ids = run.bill_due(tenant.tenant_id, sub["id"], datetime(2026, 6, 1, tzinfo=timezone.utc))
    assert len(ids) == 2  # March and April; nothing after the end
    march, april = (tenant.get(f"/invoices/{i}").body for i in ids)
    assert march["status"] == "draft"
    # Gold 14/31 x 30.00 = 13.548 -> 13.55; Platinum 17/31 x 50.00 = 27.419 -> 27.42; April 10/30 x 50.00 = 16.67
    assert [(l["description"], l["unit_price"]) for l in march["lines"]][:2] == [
        ("Gold, 1 Mar 2026 - 14 Mar 2026 (14 of 31 days)", "13.55"),
        ("Platinum, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days; changed from Gold on 15 Mar 2026)", "27.42")]
    assert (april["lines"][0]["description"], april["lines"][0]["unit_price"]) == (
        "Platinum, 1 Apr 2026 - 10 Apr 2026 (10 of 30 days)", "16.67")
    assert tenant.get(f"/subscriptions/{sub['id']}").body["next_period"] == 2
    assert tenant.get(f"/subscriptions/{sub['id']}/upcoming").status == 409  # nothing left to bill
    assert run.bill_due(tenant.tenant_id, sub["id"], datetime(2027, 1, 1, tzinfo=timezone.utc)) == []
    sent = []
    run.run_billing_tick(datetime(2027, 1, 1, tzinfo=timezone.utc), sent.append)
    assert sub["id"] not in [m["subscription_id"] for m in sent]  # out of the due index once ended


def test_the_upcoming_invoice_is_the_period_so_far_priced(tenant):
    made = package(tenant, card(tenant))
    sub = subscribe(tenant, made["id"])
    upcoming = tenant.get(f"/subscriptions/{sub['id']}/upcoming")
    assert upcoming.status == 200, upcoming.body
    body = upcoming.body
    assert body["period"] == {"start": "2026-03-01", "end": "2026-03-31"} and body["issue_date"] == "2026-04-01"
    assert body["lines"][0]["net"] == "16.45" and body["lines"][0]["period"] == {"start": "2026-03-15",
                                                                                  "end": "2026-03-31"}
    assert body["totals"]["gross"] == "19.74"
    assert tenant.get("/subscriptions/sub_nothing/upcoming").status == 404


def test_two_workers_and_a_repeated_message_bill_a_period_once(tenant):
    from concurrent.futures import ThreadPoolExecutor

    from chalicelib.jobs.dispatch import work

    sub = subscribe(tenant, package(tenant, card(tenant))["id"], action="issue")
    message = {"kind": "billing", "tenant_id": tenant.tenant_id, "subscription_id": sub["id"],
               "as_of": "2026-03-31T23:00:00Z", "key": "k"}
    with ThreadPoolExecutor(max_workers=3) as pool:
        list(pool.map(lambda _: work(message, False), range(3)))
    made = tenant.get(f"/subscriptions/{sub['id']}").body
    assert made["next_period"] == 1
    numbered = [i for i in tenant.get("/invoices?limit=100").body["data"] if i["customer_id"] == sub["customer_id"]]
    assert [i["id"] for i in numbered] == [made["last_invoice_id"]] and numbered[0]["number"]


def test_usage_is_grouped_as_the_subscription_else_the_package_else_the_tenant_says(tenant):
    from chalicelib.services.billing import invoice_fields
    from chalicelib.services.subscriptions import SUBSCRIPTIONS
    from chalicelib.store.usage_totals import UsageTotal

    usage = type("Usage", (), {"totals": [UsageTotal("UK", "44", "2026-03-20", 2, 120, 30_000)], "late": [],
                               "metrics": [], "late_metrics": []})
    card_id = card(tenant)
    plain = package(tenant, card_id, allowances=[])
    by_day = package(tenant, card_id, allowances=[], usage_grouping="day")

    def usage_line(package_id, **extra):
        sub = subscribe(tenant, package_id, **extra)
        item = SUBSCRIPTIONS.store.get(tenant.tenant_id, sub["id"])
        return invoice_fields(tenant.tenant_id, item, 0, usage)["lines"][1]["description"]

    assert usage_line(plain["id"]) == "UK: 2 calls, 2.00 min"  # nothing set: by destination
    assert tenant.patch("/tenant", {"usage_grouping": "single"}).status == 200
    assert usage_line(plain["id"]) == "Usage: 2 calls, 2.00 min"
    assert usage_line(by_day["id"]) == "Usage on 20 Mar 2026: 2 calls, 2.00 min"
    assert usage_line(by_day["id"], usage_grouping="destination_day") == "UK, 20 Mar 2026: 2 calls, 2.00 min"


def test_only_a_subscription_invoice_has_usage_records(tenant, new_tenant):
    customer_id = customer(tenant)
    plain = tenant.post("/invoices", {"customer_id": customer_id,
                                      "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]}).body
    assert tenant.get(f"/invoices/{plain['id']}/usage-records").status == 404
    sub = subscribe(tenant, package(tenant, card(tenant))["id"])
    made = run.bill_due(tenant.tenant_id, sub["id"], END_OF_MARCH)
    link = tenant.get(f"/invoices/{made[0]}/usage-records")
    assert link.status == 200 and link.body["file_name"].endswith("-usage.csv")
    assert new_tenant().get(f"/invoices/{made[0]}/usage-records").status == 404
