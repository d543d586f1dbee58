"""POST /usage-records, GET /usage-records/unrated, GET /subscriptions/{id}/usage through the API,
with a real rate card, package and subscription made through their routes. Expected figures are
worked by hand from the card's rule (first/next increments, fee, minimum, half-up per call)."""
import pytest

CARD_ROWS = [
    {"prefix": "44", "destination": "UK", "price_per_minute": "0.0100", "increment": "60/60"},
    {"prefix": "447", "destination": "UK mobile", "price_per_minute": "0.0850", "connection_fee": "0.0100",
     "minimum_charge": "0.0200", "increment": "1/1"},
]


@pytest.fixture
def subscribed(tenant):
    customer = tenant.post("/customers", {"name": "Acme Calls"}).body
    card = tenant.post("/rate-cards", {"name": "Voice"})
    assert card.status == 201, card.body
    version = tenant.post(f"/rate-cards/{card.body['id']}/versions",
                          {"effective_from": "2026-01-01", "rows": CARD_ROWS})
    assert version.status == 201, version.body
    package = tenant.post("/packages", {"name": "Voice", "fee": "10.00", "period": {"unit": "month", "interval": 1},
                                        "rate_card_id": card.body["id"],
                                        "metrics": [{"metric": "sms", "unit_price": "0.04"}]})
    assert package.status == 201, package.body
    subscription = tenant.post("/subscriptions", {"customer_id": customer["id"], "package_id": package.body["id"],
                                                  "start_date": "2026-03-01", "account_reference": "ACME-1"})
    assert subscription.status == 201, subscription.body
    tenant.subscription_id = subscription.body["id"]
    return tenant


def call(n, **fields):
    return {"id": f"c{n}", "account": "ACME-1", "start": "2026-03-02T10:00:00Z", "duration_seconds": 61,
            "destination": "+44 7700 900123", **fields}


def test_a_batch_is_rated_counted_once_and_read_back_per_destination_and_day(subscribed):
    batch = {"records": [call(1), call(2, destination="441130000000", duration_seconds=59),
                         call(3, start="2026-03-03T23:30:00+00:00"), call(4, destination="33123456789"),
                         call(5, account="NOBODY")]}
    first = subscribed.post("/usage-records", batch)
    assert first.status == 200, first.body
    assert (first.body["counted"], first.body["duplicates"]) == (3, 0)
    assert [(u["index"], u["id"], u["field"]) for u in first.body["unrated"]] == [(3, "c4", "destination"),
                                                                                  (4, "c5", None)]
    again = subscribed.post("/usage-records", batch)
    assert (again.body["counted"], again.body["duplicates"]) == (0, 3)
    usage = subscribed.get(f"/subscriptions/{subscribed.subscription_id}/usage?period=2026-03-01")
    assert usage.status == 200, usage.body
    # UK mobile, 61 s at 1/1: 0.085 x 61 / 60 + 0.01 = 0.09641666.. -> 0.096417 each, two calls.
    # UK, 59 s at 60/60: 60 s billed, 0.01 x 60 / 60 = 0.01.
    assert usage.body["destinations"] == [
        {"prefix": "44", "destination": "UK", "calls": 1, "seconds": 60, "amount": "0.010000"},
        {"prefix": "447", "destination": "UK mobile", "calls": 2, "seconds": 122, "amount": "0.192834"}]
    # 23:30 UTC on 3 March is still 3 March in London (GMT in March before the clocks change).
    assert sorted((d["day"], d["prefix"], d["calls"]) for d in usage.body["days"]) == [
        ("2026-03-02", "44", 1), ("2026-03-02", "447", 1), ("2026-03-03", "447", 1)]
    unrated = subscribed.get("/usage-records/unrated?limit=1")
    assert unrated.status == 200 and len(unrated.body["data"]) == 1 and unrated.body["next_cursor"]
    rest = subscribed.get(f"/usage-records/unrated?cursor={unrated.body['next_cursor']}")
    assert sorted(u["id"] for u in unrated.body["data"] + rest.body["data"]) == ["c4", "c5"]


def test_bad_records_answer_400_naming_each_field_and_nothing_is_kept(subscribed):
    negative = subscribed.post("/usage-records", {"records": [call(1), call(2, duration_seconds=-1)]})
    assert negative.status == 400, negative.body
    assert [d["field"] for d in negative.body["error"]["details"]] == ["records[1].duration_seconds"]
    batch = {"records": [call(1), call(2, start="2026-03-02 10:00"), {"id": "e1", "account": "ACME-1", "metric": "sms"},
                         call(4, destination="call me")]}
    answer = subscribed.post("/usage-records", batch)
    assert answer.status == 400, answer.body
    assert [d["field"] for d in answer.body["error"]["details"]] == [
        "records[1].start", "records[2].quantity", "records[3].destination"]
    usage = subscribed.get(f"/subscriptions/{subscribed.subscription_id}/usage?period=2026-03-01")
    assert usage.body["destinations"] == [] and subscribed.get("/usage-records/unrated").body["data"] == []
    assert subscribed.post("/usage-records", {"records": [call(n) for n in range(1001)]}).status == 400


def test_metered_events_are_counted_per_metric(subscribed):
    events = [{"id": f"e{n}", "account": "ACME-1", "metric": "sms", "quantity": "1.5",
               "time": "2026-03-05T12:00:00+01:00", "properties": {"to": "447700900123"}} for n in range(3)]
    assert subscribed.post("/usage-records", {"records": events + events[:1]}).body["counted"] == 3
    usage = subscribed.get(f"/subscriptions/{subscribed.subscription_id}/usage?period=2026-03-01").body
    assert usage["metrics"] == [{"metric": "sms", "day": "2026-03-05", "events": 3, "quantity": "4.5"}]


def test_another_tenants_subscription_usage_is_not_found(subscribed, new_tenant):
    other = new_tenant()
    answer = other.get(f"/subscriptions/{subscribed.subscription_id}/usage?period=2026-03-01")
    assert answer.status == 404


@pytest.mark.parametrize("sent", ["2.50", "3", "999999999999", "0.000001", 7])
def test_an_unrated_events_quantity_comes_back_as_sent_a_decimal_string(subscribed, sent):
    """README: amounts and quantities are JSON strings, exact; an unrated record is kept whole as given.
    A JSON number is read exactly and shown as the API shows every quantity, a string."""
    event = {"id": "fax-1", "account": "ACME-1", "metric": "fax", "quantity": sent, "time": "2026-03-03T10:00:00Z",
             "properties": {"pages": 12, "quantity": 2}}
    answer = subscribed.post("/usage-records", {"records": [event]})
    assert answer.status == 200 and answer.body["unrated"][0]["field"] == "metric", answer.body
    [kept] = subscribed.get("/usage-records/unrated").body["data"]
    assert kept["record"]["quantity"] == str(sent), kept
    assert kept["record"]["properties"] == {"pages": 12, "quantity": 2}  # properties kept as given, numbers too
    call_kept = subscribed.post("/usage-records", {"records": [call(9, destination="33123456789")]})
    assert call_kept.body["unrated"][0]["id"] == "c9"
    [listed] = [u for u in subscribed.get("/usage-records/unrated").body["data"] if u["id"] == "c9"]
    assert listed["record"]["duration_seconds"] == 61  # a whole number field stays a JSON number
