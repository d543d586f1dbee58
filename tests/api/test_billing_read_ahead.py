"""The billing run's batch reads ahead what its messages need (jobs/billing_ahead.py): fewer calls, and
nothing read ahead is trusted without the transaction verifying it."""
import json
from datetime import datetime, timezone

from chalicelib.jobs import billing as run
from chalicelib.jobs import billing_ahead, dispatch
from chalicelib.jobs.dispatch import handle
from chalicelib.store import usage_totals
from chalicelib.store.diagnostics import count_dynamodb_calls
from tests.api.test_catalogue import card, package
from tests.api.test_billing_run import subscribe

END_OF_MARCH = datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)  # midnight in London starting 1 April


def _subscriptions(tenant, count):
    made = package(tenant, card(tenant), allowances=[])
    return [subscribe(tenant, made["id"], action="issue", account_reference=f"ACC-{n}") for n in range(count)]


def _messages(tenant):
    sent = []
    run.run_billing_tick(END_OF_MARCH, sent.append)
    return [{"messageId": str(n), "body": json.dumps(m), "attributes": {"ApproximateReceiveCount": "1"}}
            for n, m in enumerate(sent) if m["tenant_id"] == tenant.tenant_id]


def _call(n, account):
    return {"id": f"late-{n}", "account": account, "start": "2026-03-20T10:00:00Z", "duration_seconds": 60,
            "destination": "442079460000", "direction": "outbound"}


def test_a_batch_bills_each_subscription_with_its_transaction_alone(tenant, monkeypatch):
    first, *rest = _subscriptions(tenant, 4)
    assert len(run.bill_due(tenant.tenant_id, first["id"], END_OF_MARCH)) == 1  # the series exists
    messages, read, ahead = _messages(tenant), dispatch.read_billing_ahead, {}

    def counted_ahead(batch):
        with count_dynamodb_calls() as calls:
            read(batch)
        ahead.update(calls)

    monkeypatch.setattr(dispatch, "read_billing_ahead", counted_ahead)
    with count_dynamodb_calls() as calls:
        assert handle(messages, in_order=True) == {"batchItemFailures": []}
    # read ahead: subscriptions; customers and packages; period markers; pointers; the periods' days
    assert ahead == {"BatchGetItem": 4, "Query": 3}, ahead
    assert calls == {"BatchGetItem": 4, "Query": 3, "TransactWriteItems": 3}, calls
    for sub in rest:
        shown = tenant.get(f"/subscriptions/{sub['id']}").body
        assert shown["next_period"] == 1
        assert tenant.get(f"/invoices/{shown['last_invoice_id']}").body["status"] == "issued"


def test_usage_counted_between_the_days_read_and_the_invoice_is_on_it(tenant, monkeypatch):
    """The period's marker comes from the batch's read ahead; a call counted after the billing read
    the period's days must make its transaction fail (the marker moved on) and billing read again."""
    (sub,) = _subscriptions(tenant, 1)
    messages = _messages(tenant)
    read_days, counted = usage_totals._query, []

    def then_count_a_call(pk, sk_prefix):
        found = read_days(pk, sk_prefix)
        if sk_prefix == usage_totals.DAY and not counted:
            counted.append(tenant.post("/usage-records", {"records": [_call(1, "ACC-0")]}).body["counted"])
        return found

    monkeypatch.setattr(usage_totals, "_query", then_count_a_call)
    assert handle(messages, in_order=True) == {"batchItemFailures": []}
    assert counted == [1]
    invoice_id = tenant.get(f"/subscriptions/{sub['id']}").body["last_invoice_id"]
    lines = [line["description"] for line in tenant.get(f"/invoices/{invoice_id}").body["lines"]]
    assert "UK: 1 call, 1.00 min" in lines, lines


def test_usage_counted_after_the_batch_read_its_days_ahead_is_on_the_invoice(tenant, monkeypatch):
    """The period's days come from the batch's read ahead; a call counted after that read must make the
    invoice's transaction fail (the period's marker moved on) and billing read again."""
    (sub,) = _subscriptions(tenant, 1)
    messages, read_days, counted = _messages(tenant), billing_ahead.read_days_ahead, []

    def then_count_a_call(wanted):
        read_days(wanted)
        counted.append(tenant.post("/usage-records", {"records": [_call(2, "ACC-0")]}).body["counted"])

    monkeypatch.setattr(billing_ahead, "read_days_ahead", then_count_a_call)
    assert handle(messages, in_order=True) == {"batchItemFailures": []}
    assert counted == [1]
    invoice_id = tenant.get(f"/subscriptions/{sub['id']}").body["last_invoice_id"]
    lines = [line["description"] for line in tenant.get(f"/invoices/{invoice_id}").body["lines"]]
    assert "UK: 1 call, 1.00 min" in lines, lines
