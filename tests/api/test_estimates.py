from datetime import date, timedelta

import pytest


@pytest.fixture
def quoting(tenant):
    tenant.customer = tenant.post("/customers", {"name": "Prospect"}).body
    return tenant


def estimate(api, expiry=None, price="100"):
    body = {"customer_id": api.customer["id"],
            "lines": [{"description": "Website", "quantity": "1", "unit_price": price}],
            **({"expiry_date": expiry} if expiry else {})}
    answer = api.post("/estimates", body)
    assert answer.status == 201, answer.body
    return answer.body


def later(days):
    return (date.today() + timedelta(days=days)).isoformat()


def test_send_accept_and_convert_to_an_issued_invoice_linked_both_ways(quoting):
    draft = estimate(quoting, expiry=later(30))
    assert (draft["status"], draft["number"], draft["expiry_date"]) == ("draft", None, later(30))
    sent = quoting.post(f"/estimates/{draft['id']}/mark-sent", {}).body
    assert (sent["status"], sent["number"]) == ("sent", "EST-0001") and sent["sent_at"]
    assert quoting.post(f"/estimates/{draft['id']}/convert", {}).status == 409  # not accepted yet
    accepted = quoting.post(f"/estimates/{draft['id']}/accept").body
    assert accepted["status"] == "accepted" and accepted["accepted_at"]
    invoice = quoting.post(f"/estimates/{draft['id']}/convert", {"issue": True})
    assert invoice.status == 201, invoice.body
    assert (invoice.body["status"], invoice.body["number"], invoice.body["estimate_id"]) == (
        "issued", "INV-0001", draft["id"])
    assert invoice.body["totals"] == sent["totals"]
    linked = quoting.get(f"/estimates/{draft['id']}").body
    assert (linked["status"], linked["invoice_id"]) == ("invoiced", invoice.body["id"])
    assert quoting.post(f"/estimates/{draft['id']}/convert", {}).status == 409  # only once


def test_decline_and_converting_a_declined_one_is_refused(quoting):
    draft = estimate(quoting)
    quoting.post(f"/estimates/{draft['id']}/mark-sent", {})
    declined = quoting.post(f"/estimates/{draft['id']}/decline", {"reason": "Too dear"}).body
    assert (declined["status"], declined["decline_reason"]) == ("declined", "Too dear")
    assert quoting.post(f"/estimates/{draft['id']}/convert", {}).status == 409
    assert quoting.post(f"/estimates/{draft['id']}/accept").status == 409
    assert quoting.get("/invoices").body["data"] == []


def test_an_expired_estimate_cannot_be_accepted(quoting):
    old = quoting.post("/estimates", {"customer_id": quoting.customer["id"], "issue_date": later(-40),
                                      "expiry_date": later(-10),
                                      "lines": [{"description": "x", "quantity": "1", "unit_price": "5"}]}).body
    sent = quoting.post(f"/estimates/{old['id']}/mark-sent", {}).body
    assert sent["status"] == "expired"
    refused = quoting.post(f"/estimates/{old['id']}/accept")
    assert refused.status == 409 and "expired" in refused.body["error"]["message"]
    assert [e["id"] for e in quoting.get("/estimates?status=expired").body["data"]] == [old["id"]]


def test_print_ready_survives_other_states(quoting):
    draft = estimate(quoting)
    flagged = quoting.post(f"/estimates/{draft['id']}/print-ready", {"print_ready": True}).body
    assert flagged["print_ready"] is True
    quoting.post(f"/estimates/{draft['id']}/mark-sent", {})
    assert quoting.post(f"/estimates/{draft['id']}/accept").body["print_ready"] is True
    actions = [h["action"] for h in quoting.get(f"/estimates/{draft['id']}/history").body["data"]]
    assert actions == ["accepted", "issued", "print_ready", "created"]


def test_summary_counts_and_values_per_state(quoting):
    drafted, sent, accepted = [estimate(quoting, price=price)["id"] for price in ("100", "50", "20")]
    quoting.post(f"/estimates/{sent}/mark-sent", {})
    quoting.post(f"/estimates/{accepted}/mark-sent", {})
    quoting.post(f"/estimates/{accepted}/accept")
    summary = quoting.get("/estimates/summary?timeframe=this_year").body["states"]
    assert summary["draft"] == {"count": 1, "value": {"GBP": "120.00"}}  # 100 + 20% VAT
    assert summary["sent"]["count"] == 1 and summary["accepted"]["count"] == 1
    assert summary["declined"] == {"count": 0, "value": {}}


def test_bad_estimates_are_refused(quoting):
    body = {"customer_id": quoting.customer["id"], "issue_date": "2026-05-10", "expiry_date": "2026-05-01",
            "lines": [{"description": "x", "quantity": "1", "unit_price": "5"}]}
    assert quoting.post("/estimates", body).error_fields == ["expiry_date"]
    assert quoting.post("/estimates", {**body, "expiry_date": "2026-02-30"}).error_fields == ["expiry_date"]
    assert quoting.get("/estimates").body["data"] == []
    draft = estimate(quoting)
    assert quoting.post(f"/estimates/{draft['id']}/accept").status == 409  # a draft
    assert quoting.post(f"/estimates/{draft['id']}/void", {"reason": "x"}).status == 404


def test_a_retried_conversion_replays_the_issued_invoice(quoting):
    draft = estimate(quoting)
    quoting.post(f"/estimates/{draft['id']}/mark-sent", {})
    quoting.post(f"/estimates/{draft['id']}/accept")
    first = quoting.post(f"/estimates/{draft['id']}/convert", {"issue": True}, headers={"Idempotency-Key": "conv-1"})
    again = quoting.post(f"/estimates/{draft['id']}/convert", {"issue": True}, headers={"Idempotency-Key": "conv-1"})
    assert first.status == again.status == 201
    assert again.body == first.body and first.body["status"] == "issued"
    assert len(quoting.get("/invoices").body["data"]) == 1


def test_converting_and_issuing_in_another_currency_is_whole_or_nothing(quoting):
    draft = quoting.post("/estimates", {"customer_id": quoting.customer["id"], "currency": "EUR", "lines": [
        {"description": "Website", "quantity": "1", "unit_price": "100"}]}).body
    assert quoting.post(f"/estimates/{draft['id']}/mark-sent", {"exchange_rate": "0.86"}).status == 200
    assert quoting.post(f"/estimates/{draft['id']}/accept").status == 200
    invoices_before = quoting.get("/invoices").body["data"]
    refused = quoting.post(f"/estimates/{draft['id']}/convert", {"issue": True})
    assert refused.status == 400 and refused.error_fields == ["exchange_rate"]
    assert quoting.get(f"/estimates/{draft['id']}").body["status"] == "accepted"  # nothing written
    assert quoting.get("/invoices").body["data"] == invoices_before
    issued = quoting.post(f"/estimates/{draft['id']}/convert", {"issue": True, "exchange_rate": "0.85",
                                                                "exchange_rate_source": "HMRC monthly rate"})
    assert issued.status == 201 and issued.body["status"] == "issued" and issued.body["exchange_rate"] == "0.85"
    assert quoting.get(f"/estimates/{draft['id']}").body["status"] == "invoiced"
