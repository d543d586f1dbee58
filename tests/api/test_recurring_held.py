"""Recurring occurrences that cannot be generated as the template stands: refused when the template is
saved where that is known then, otherwise held where the tenant sees them; never a job failing on every
delivery into the dead-letter queue, never an occurrence billed twice once mended.

The maximum is README's: no document may carry more than 999,999,999,999, its VAT included.
"""
import json
from datetime import datetime, timezone

from chalicelib.jobs import dispatch
from tests.api.test_recurring import retainer, template  # noqa: F401 (a fixture)

JANUARY, FEBRUARY, MARCH = (datetime(2026, month, 16, tzinfo=timezone.utc) for month in (1, 2, 3))


def delivered(api, made, as_of, times=1):
    """The issues queue's worker given the template's job as SQS delivers it; the ids reported failed."""
    job = {"kind": "recurring", "tenant_id": api.tenant_id, "template_id": made["id"],
           "as_of": as_of.strftime("%Y-%m-%dT%H:%M:%SZ"), "key": f"{made['id']}:{as_of:%Y%m%d}"}
    message = {"messageId": "m-1", "body": json.dumps(job), "attributes": {"ApproximateReceiveCount": str(times)}}
    return dispatch.handle([message], in_order=True)["batchItemFailures"]


def generated(api, made):
    return [api.get(f"/invoices/{o['invoice_id']}").body
            for o in api.get(f"/recurring-invoices/{made['id']}/invoices").body["data"]]


def test_a_template_over_the_maximum_is_refused_when_saved(retainer):
    body = {"name": "Too much", "customer_id": retainer.customer["id"],
            "lines": [{"description": "Tower", "quantity": "1000", "unit_price": "1000000000.00"}],
            "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-15"}}
    refused = retainer.post("/recurring-invoices", body)
    assert refused.status == 400 and refused.body["error"]["details"][0]["field"] == "lines[0].quantity", refused.body
    made = template(retainer)
    # 900,000,000,000 + 20% VAT = 1,080,000,000,000: the line fits, the total does not.
    edit = retainer.patch(f"/recurring-invoices/{made['id']}",
                          {"lines": [{"description": "Tower", "quantity": "1", "unit_price": "900000000000"}]})
    assert edit.status == 400 and edit.body["error"]["details"][0]["field"] == "lines", edit.body
    assert retainer.get(f"/recurring-invoices/{made['id']}").body["lines"][0]["description"] == "Bookkeeping retainer"


def test_an_occurrence_a_price_rise_took_over_the_maximum_is_held_as_a_draft_and_billing_goes_on(retainer):
    product = retainer.post("/products", {"name": "Server hours", "unit_price": "1.00"}).body
    made = template(retainer, {"lines": [{"product_id": product["id"], "quantity": "1000"},
                                         {"description": "Support", "quantity": "1", "unit_price": "50.00"}],
                               "action": "issue"}, start_date="2026-01-15")
    assert retainer.patch(f"/products/{product['id']}", {"unit_price": "10000000000"}).status == 200
    assert delivered(retainer, made, JANUARY) == []  # 1000 x 10,000,000,000 = 10,000,000,000,000.00
    assert delivered(retainer, made, JANUARY, times=2) == []
    [january] = generated(retainer, made)
    assert january["status"] == "draft" and "10,000,000,000,000.00" in january["not_issued"]["reason"]
    assert [(l["quantity"], l["net"]) for l in january["lines"]] == [("1000", "0.00"), ("1", "50.00")]
    assert retainer.get(f"/recurring-invoices/{made['id']}").body["next_occurrence"] == 1

    assert retainer.patch(f"/products/{product['id']}", {"unit_price": "1.00"}).status == 200
    assert delivered(retainer, made, FEBRUARY) == []
    january, february = generated(retainer, made)
    assert february["status"] == "issued" and february["totals"]["net"] == "1050.00"
    assert january["status"] == "draft"  # held for the tenant, not made again


def test_an_occurrence_for_an_archived_customer_pauses_the_template_saying_why_then_resumes(retainer):
    made = template(retainer, {"action": "issue"}, start_date="2026-01-15")
    assert retainer.post(f"/customers/{retainer.customer['id']}/archive").status == 200
    assert delivered(retainer, made, JANUARY) == []
    assert delivered(retainer, made, JANUARY, times=2) == []
    held = retainer.get(f"/recurring-invoices/{made['id']}").body
    assert held["status"] == "paused" and held["next_occurrence"] == 0
    assert held["not_generated"]["occurrence"] == 0 and "archived" in held["not_generated"]["reason"], held
    assert [made["id"]] == [t["id"] for t in retainer.get("/recurring-invoices?status=paused").body["data"]]
    history = retainer.get(f"/recurring-invoices/{made['id']}/history").body["data"]
    assert history[0]["action"] == "paused" and "archived" in json.dumps(history[0])
    assert generated(retainer, made) == []

    assert retainer.post(f"/customers/{retainer.customer['id']}/restore").status == 200
    resumed = retainer.post(f"/recurring-invoices/{made['id']}/resume").body
    assert resumed["status"] == "active" and "not_generated" not in resumed
    assert delivered(retainer, made, FEBRUARY) == []  # January's (generate_each) and February's, once each
    assert delivered(retainer, made, FEBRUARY, times=2) == []
    assert [(i["issue_date"], i["status"]) for i in generated(retainer, made)] == [
        ("2026-01-15", "issued"), ("2026-02-15", "issued")]


def test_a_held_draft_the_tenant_deleted_does_not_stop_the_template(retainer):
    """An issuing template's draft held not_issued (USD needs an exchange rate) that the tenant deletes
    instead of issuing: the next occurrence is generated as usual, not failed on every delivery."""
    made = template(retainer, {"currency": "USD", "action": "issue_and_send"}, start_date="2026-01-15")
    assert delivered(retainer, made, JANUARY) == []
    [january] = generated(retainer, made)
    assert january["not_issued"] and retainer.delete(f"/invoices/{january['id']}").status == 200
    assert delivered(retainer, made, FEBRUARY) == []
    [occurrence] = [o for o in retainer.get(f"/recurring-invoices/{made['id']}/invoices").body["data"]
                    if o["date"] == "2026-02-15"]
    assert retainer.get(f"/invoices/{occurrence['invoice_id']}").body["not_issued"]


def test_a_template_names_no_more_products_than_its_invoices_can_be_written_with(retainer):
    """Each occurrence is written in one DynamoDB transaction (at most 100 actions) with a check of each
    product it names: a template naming more than 80 products is refused when saved (it used to be
    accepted and fail on every delivery into the DLQ); one naming 80 is generated and issued."""
    ids = [retainer.post("/products", {"name": f"Part {i}", "unit_price": "1.00"}).body["id"] for i in range(81)]
    lines = [{"product_id": product_id, "quantity": "1"} for product_id in ids]
    refused = retainer.post("/recurring-invoices", {
        "name": "Parts", "customer_id": retainer.customer["id"], "lines": lines, "action": "issue_and_send",
        "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-15"}})
    assert refused.status == 400 and refused.body["error"]["details"][0]["field"] == "lines", refused.body
    made = template(retainer, {"lines": lines[:80], "action": "issue_and_send"}, start_date="2026-01-15")
    assert retainer.patch(f"/recurring-invoices/{made['id']}", {"lines": lines}).status == 400
    assert delivered(retainer, made, JANUARY) == []
    [january] = generated(retainer, made)
    assert january["status"] == "issued" and january["number"] and january["totals"]["net"] == "80.00"
