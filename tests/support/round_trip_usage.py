"""The round trip of usage records (tests/api/test_round_trip.py): a generated batch, fitted so each
record is a call or a metered event of the subscription's account, sent, and its usage read back."""


def usage_records(trip, subscription):
    account = subscription.get("account_reference") or subscription["customer_id"]
    at = f"{subscription['start_date']}T12:00:00+00:00"

    def fit(body):
        records = []
        for i, drawn in enumerate(body["records"][:6]):
            record = {"id": f"rt-{i}-{drawn['id']}"[:100], "account": account}
            if i % 2:
                record.update(metric="sms", quantity=drawn.get("quantity") or "1", time=at, properties={"to": "44"})
            else:
                record.update({k: drawn[k] for k in ("duration_seconds", "direction", "caller", "trunk") if k in drawn},
                              start=at, destination="+44 7700 900123")
            records.append(record)
        return {"records": records}

    body = trip.last_body = trip.body("POST", "/usage-records", fit)
    answer = trip.send("POST", "/usage-records", {}, body).body
    assert answer["received"] == len(body["records"])
    assert answer["counted"] + answer["duplicates"] + len(answer["unrated"]) == len(body["records"])
    again = trip.send("POST", "/usage-records", {}, body).body
    assert again["counted"] == 0 and again["duplicates"] == answer["counted"]
    usage = trip.read(f"/subscriptions/{subscription['id']}/usage?period={subscription['start_date']}")
    assert usage["subscription_id"] == subscription["id"]
