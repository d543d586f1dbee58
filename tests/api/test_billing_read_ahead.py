"""The billing run's batch reads ahead what its messages need (jobs/billing_ahead.py): fewer calls, and
nothing read ahead is trusted without the transaction verifying it."""
import json
from datetime import datetime, timezone

from chalicelib import config
from chalicelib.jobs import billing as run
from chalicelib.jobs import billing_ahead, dispatch
from chalicelib.jobs.dispatch import handle
from chalicelib.store.diagnostics import count_dynamodb_calls
from chalicelib.services.packages import PACKAGES
from chalicelib.services.subscriptions import SUBSCRIPTIONS
from chalicelib.store import keys, usage_totals
from chalicelib.store.reads import CACHE
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


def _call(n, account, day=20):
    return {"id": f"late-{n}", "account": account, "start": f"2026-03-{day}T10:00:00Z", "duration_seconds": 60,
            "destination": "442079460000", "direction": "outbound"}


def _lines(tenant, sub):
    invoice_id = tenant.get(f"/subscriptions/{sub['id']}").body["last_invoice_id"]
    return [line["description"] for line in tenant.get(f"/invoices/{invoice_id}").body["lines"]]


def _forget_named_days(tenant, sub):
    """The period's PERIOD item as usage counted before it named its days left it."""
    import boto3

    boto3.client("dynamodb").update_item(
        TableName=config.table_name(), UpdateExpression="REMOVE #days, dated_writes",
        Key={"PK": {"S": usage_totals.usage_pk(tenant.tenant_id, sub["id"], "2026-03-01")}, "SK": {"S": "PERIOD"}},
        ConditionExpression="attribute_exists(PK)", ExpressionAttributeNames={"#days": "days"})


def test_a_batch_bills_each_subscription_with_its_transaction_alone(tenant, monkeypatch):
    first, *rest = _subscriptions(tenant, 4)
    assert len(run.bill_due(tenant.tenant_id, first["id"], END_OF_MARCH)) == 1  # the series exists
    for n, sub in enumerate(rest, 1):
        calls = [_call(f"{n}-{day}", sub["account_reference"], day) for day in (20, 21)[:n]]
        assert tenant.post("/usage-records", {"records": calls}).body["counted"] == len(calls)
    upcoming = [tenant.get(f"/subscriptions/{sub['id']}/upcoming").body for sub in rest]
    messages, read, ahead = _messages(tenant), dispatch.read_billing_ahead, {}

    def counted_ahead(batch):
        with count_dynamodb_calls() as calls:
            read(batch)
        ahead.update(calls)

    monkeypatch.setattr(dispatch, "read_billing_ahead", counted_ahead)
    with count_dynamodb_calls() as calls:
        assert handle(messages, in_order=True) == {"batchItemFailures": []}
    # read ahead: subscriptions; customers and packages with the usage markers; the days they name
    assert ahead == {"BatchGetItem": 3}, ahead
    assert calls == {"BatchGetItem": 3, "TransactWriteItems": 3}, calls
    for sub, expected, calls in zip(rest, upcoming, ("1 call, 1.00 min", "2 calls, 2.00 min", "2 calls, 2.00 min")):
        shown = tenant.get(f"/subscriptions/{sub['id']}").body
        assert shown["next_period"] == 1
        invoice = tenant.get(f"/invoices/{shown['last_invoice_id']}").body
        assert invoice["status"] == "issued" and f"UK: {calls}" in _lines(tenant, sub)
        assert invoice["totals"] == expected["totals"]


def test_usage_counted_between_the_days_read_and_the_invoice_is_on_it(tenant, monkeypatch):
    """The period's marker comes from the batch's read ahead, its days (not named by it: counted before
    it named them) are queried by the billing; a call counted after that query must make its transaction
    fail (the marker moved on) and billing read again."""
    (sub,) = _subscriptions(tenant, 1)
    assert tenant.post("/usage-records", {"records": [_call(0, "ACC-0", 21)]}).body["counted"] == 1
    _forget_named_days(tenant, sub)
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
    assert "UK: 2 calls, 2.00 min" in _lines(tenant, sub)


def test_days_named_by_a_period_only_in_part_are_queried(tenant, monkeypatch):
    """A period counted both before and after its PERIOD item named its days: the days it names are not
    all, so the billing queries them and bills the calls of both."""
    (sub,) = _subscriptions(tenant, 1)
    assert tenant.post("/usage-records", {"records": [_call(0, "ACC-0", 21)]}).body["counted"] == 1
    _forget_named_days(tenant, sub)
    assert tenant.post("/usage-records", {"records": [_call(1, "ACC-0", 22)]}).body["counted"] == 1
    query, queried = usage_totals._query, []
    monkeypatch.setattr(usage_totals, "_query", lambda pk, sk_prefix: queried.append(sk_prefix) or query(pk, sk_prefix))
    assert handle(_messages(tenant), in_order=True) == {"batchItemFailures": []}
    assert queried == [usage_totals.DAY]
    assert "UK: 2 calls, 2.00 min" in _lines(tenant, sub)


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
    assert "UK: 1 call, 1.00 min" in _lines(tenant, sub)


def test_a_batch_whose_package_is_not_cached_reads_its_periods_after_it(tenant):
    """The PERIOD markers' keys come from the package (the period billed next): read with the records
    where it is cached, in a call of their own after it where it is not; the days read after both."""
    first, sub = _subscriptions(tenant, 2)
    assert len(run.bill_due(tenant.tenant_id, first["id"], END_OF_MARCH)) == 1  # the series exists
    assert tenant.post("/usage-records", {"records": [_call(0, "ACC-1", 21)]}).body["counted"] == 1
    messages = _messages(tenant)
    package_id = SUBSCRIPTIONS.store.get(tenant.tenant_id, sub["id"]).data["packages"][-1]["package_id"]
    CACHE.forget(PACKAGES.store.pk(tenant.tenant_id, package_id), keys.RECORD_SK)
    with count_dynamodb_calls() as calls:
        assert handle(messages, in_order=True) == {"batchItemFailures": []}
    assert calls == {"BatchGetItem": 4, "TransactWriteItems": 1}, calls
    assert "UK: 1 call, 1.00 min" in _lines(tenant, sub)
