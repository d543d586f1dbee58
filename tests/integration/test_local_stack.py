"""The local stack over the wire: DynamoDB Local, moto, the resources and the dev pump."""
import json
import logging
import threading
import time
import uuid
from datetime import datetime, timezone

import boto3
import pytest
from chalice import Chalice, Rate

from chalicelib import config
from chalicelib.config import MAX_RECEIVE_COUNT
from chalicelib.store.table import INDEX_NAMES, ensure_table, index_keys
from infra.local.pump import DevPump
from infra.local.resources import create_resources
from infra.local.schedules import next_fire_time


def wait_for(predicate, timeout=30.0):  # a bound for liveness under a loaded CI, not a speed check
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def queue_counts(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return (int(attributes["ApproximateNumberOfMessages"]),
            int(attributes["ApproximateNumberOfMessagesNotVisible"]))


@pytest.fixture
def sqs():
    return boto3.client("sqs")


def sqs_app(queue, handler):
    app = Chalice(app_name="pump-test")
    app.on_sqs_message(queue=queue, batch_size=10)(handler)
    create_resources(app)
    return app


@pytest.fixture
def running_pumps():
    pumps = []

    def start(app, **options):
        pump = DevPump(app, poll_seconds=1, **options)
        pump.start()
        pumps.append(pump)
    yield start
    for pump in pumps:
        pump.stop()


def test_table_has_its_keys_and_indexes():
    table = boto3.client("dynamodb").describe_table(TableName=config.table_name())["Table"]
    assert table["TableName"] == "invoicing-test"
    keys = {k["AttributeName"]: k["KeyType"] for k in table["KeySchema"]}
    assert keys == {"PK": "HASH", "SK": "RANGE"}
    indexes = {i["IndexName"]: i for i in table["GlobalSecondaryIndexes"]}
    assert sorted(indexes) == sorted(INDEX_NAMES)
    for name, index in indexes.items():
        pk, sk = index_keys(name)
        assert [k["AttributeName"] for k in index["KeySchema"]] == [pk, sk]
        assert index["Projection"]["ProjectionType"] == "ALL"


def test_ensure_table_again_changes_nothing():
    client = boto3.client("dynamodb")
    name = config.table_name()
    key = {"PK": {"S": f"T#{uuid.uuid4()}"}, "SK": {"S": "probe"}}
    client.put_item(TableName=name, Item=key)
    before = client.describe_table(TableName=name)["Table"]
    ensure_table(client, name)
    after = client.describe_table(TableName=name)["Table"]
    assert after["CreationDateTime"] == before["CreationDateTime"]
    assert after["GlobalSecondaryIndexes"] == before["GlobalSecondaryIndexes"]
    assert after["AttributeDefinitions"] == before["AttributeDefinitions"]
    assert client.get_item(TableName=name, Key=key)["Item"] == key


def test_buckets_exist_and_keep_objects():
    s3 = boto3.client("s3")
    for bucket in (config.documents_bucket(), config.uploads_bucket()):
        s3.put_object(Bucket=bucket, Key="probe.txt", Body=b"hello")
        assert s3.get_object(Bucket=bucket, Key="probe.txt")["Body"].read() == b"hello"
    assert config.documents_bucket() == "invoicing-test-documents"


def test_one_queue_and_its_dead_letter_queue_per_sqs_handler_and_none_for_an_app_without(sqs):
    before = set(sqs.list_queues().get("QueueUrls", []))
    create_resources(Chalice(app_name="no-queues"))
    assert set(sqs.list_queues().get("QueueUrls", [])) == before

    names = [f"q-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    app = Chalice(app_name="queues")
    for i, name in enumerate(names):
        app.on_sqs_message(queue=name, name=f"handler{i}")(lambda event: None)
    create_resources(app)
    create_resources(app)  # idempotent
    urls = set(sqs.list_queues().get("QueueUrls", [])) - before
    dead_letter_names = [f"{name}-dlq" for name in names]  # as the CDK stack names them
    assert sorted(url.rsplit("/", 1)[1] for url in urls) == sorted(names + dead_letter_names)
    for name, dead_letter_name in zip(names, dead_letter_names):
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        policy = json.loads(sqs.get_queue_attributes(
            QueueUrl=url, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
        assert policy["deadLetterTargetArn"].endswith(f":{dead_letter_name}")
        assert int(policy["maxReceiveCount"]) == MAX_RECEIVE_COUNT


def test_pump_delivers_a_lambda_shaped_sqs_event_and_deletes_on_success(sqs, running_pumps):
    queue = f"ok-{uuid.uuid4().hex[:8]}"
    received = []
    app = sqs_app(queue, lambda event: received.extend(
        (record.to_dict(), record.context) for record in event))
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody=json.dumps({"n": 1}), MessageAttributes={
        "kind": {"DataType": "String", "StringValue": "probe"}})

    running_pumps(app)
    wait_for(lambda: received)
    wait_for(lambda: queue_counts(sqs, url) == (0, 0))

    record, context = received[0]
    assert record["messageId"] == sent["MessageId"]
    assert json.loads(record["body"]) == {"n": 1}
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"].endswith(f":{queue}")
    assert record["awsRegion"] == "eu-west-2"
    assert record["receiptHandle"]
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["messageAttributes"]["kind"] == {"dataType": "String", "stringValue": "probe",
                                                   "stringListValues": [], "binaryListValues": []}
    assert context.function_name == "pump-test-local-" + app.event_sources[0].name
    assert context.get_remaining_time_in_millis() > 0
    assert len(received) == 1


def test_pump_keeps_and_redelivers_a_message_whose_handler_raised(sqs, running_pumps):
    queue = f"retry-{uuid.uuid4().hex[:8]}"
    attempts = []

    def flaky(event):
        attempts.extend(record.to_dict() for record in event)
        if len(attempts) == 1:
            raise RuntimeError("first delivery fails")

    app = sqs_app(queue, flaky)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="payload")

    running_pumps(app, retry_after_seconds=2)
    wait_for(lambda: len(attempts) >= 1)
    assert queue_counts(sqs, url) == (0, 1)  # not deleted, only hidden for 2 s
    wait_for(lambda: len(attempts) >= 2)
    wait_for(lambda: queue_counts(sqs, url) == (0, 0))
    assert [a["messageId"] for a in attempts] == [attempts[0]["messageId"]] * 2
    assert [a["attributes"]["ApproximateReceiveCount"] for a in attempts] == ["1", "2"]


def test_a_message_failing_max_receive_count_times_goes_to_the_dead_letter_queue(
        sqs, running_pumps, caplog):
    """As SQS does with the CDK stack's redrive policy: MAX_RECEIVE_COUNT deliveries, then the
    `<queue>-dlq` queue; the pump says so once."""
    queue = f"poison-{uuid.uuid4().hex[:8]}"
    attempts = []

    def always_fails(event):
        attempts.extend(record.to_dict() for record in event)
        raise RuntimeError("this message never works")

    app = sqs_app(queue, always_fails)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    sent = sqs.send_message(QueueUrl=url, MessageBody="poison")
    caplog.set_level(logging.INFO, logger="infra.local.pump")

    running_pumps(app, retry_after_seconds=0)
    dlq_url = sqs.get_queue_url(QueueName=f"{queue}-dlq")["QueueUrl"]
    wait_for(lambda: queue_counts(sqs, dlq_url) == (1, 0))
    time.sleep(1.5)  # another long poll: nothing more is delivered
    assert [a["attributes"]["ApproximateReceiveCount"] for a in attempts] == [
        str(n) for n in range(1, MAX_RECEIVE_COUNT + 1)]
    assert queue_counts(sqs, url) == (0, 0)
    dead = sqs.receive_message(QueueUrl=dlq_url)["Messages"]
    assert [(m["MessageId"], m["Body"]) for m in dead] == [(sent["MessageId"], "poison")]
    notices = [r.getMessage() for r in caplog.records if "dead-letter" in r.getMessage()]
    assert len(notices) == 1
    assert sent["MessageId"] in notices[0] and f"{queue}-dlq" in notices[0]


def test_pump_deletes_only_the_messages_not_reported_as_failed(sqs, running_pumps):
    queue = f"partial-{uuid.uuid4().hex[:8]}"
    deliveries = []

    def partial(event):
        records = [record.to_dict() for record in event]
        deliveries.append([r["body"] for r in records])
        bad = [r["messageId"] for r in records if r["body"] == "bad" and len(deliveries) == 1]
        return {"batchItemFailures": [{"itemIdentifier": i} for i in bad]}

    app = sqs_app(queue, partial)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    for body in ("good", "bad"):
        sqs.send_message(QueueUrl=url, MessageBody=body)

    running_pumps(app, retry_after_seconds=1)
    wait_for(lambda: len(deliveries) >= 2)
    wait_for(lambda: queue_counts(sqs, url) == (0, 0))
    assert sorted(deliveries[0]) == ["bad", "good"]
    assert deliveries[1:] == [["bad"]]


def test_pump_fires_schedules_on_time_with_a_scheduled_event(running_pumps):
    fired = []
    app = Chalice(app_name="tick-test")
    app.schedule(Rate(1, unit=Rate.MINUTES), name="every_minute")(
        lambda event: fired.append(("every_minute", event.to_dict())))
    app.schedule("cron(*/5 * * * ? *)", name="every_five")(
        lambda event: fired.append(("every_five", event.to_dict())))
    boundary = (time.time() // 300 + 1) * 300
    offset = boundary - 0.3 - time.time()  # the pump's clock is 0.3 s before a 5-minute mark

    running_pumps(app, clock=lambda: time.time() + offset)
    wait_for(lambda: len(fired) == 2)
    time.sleep(0.5)
    assert sorted(name for name, _ in fired) == ["every_five", "every_minute"]
    expected_time = datetime.fromtimestamp(boundary, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, event in fired:
        assert event["time"] == expected_time
        assert event["detail-type"] == "Scheduled Event"
        assert event["source"] == "aws.events"
        assert event["resources"][0].endswith(f":rule/tick-test-local-{name}")


@pytest.mark.parametrize("expression, after, expected", [
    ("rate(5 minutes)", "2026-03-29 10:02:30", "2026-03-29 10:05:00"),
    ("rate(1 hour)", "2026-03-29 10:00:00", "2026-03-29 11:00:00"),
    ("cron(*/5 * * * ? *)", "2026-03-29 10:05:00", "2026-03-29 10:10:00"),
    ("cron(15 * * * ? *)", "2026-03-29 10:16:00", "2026-03-29 11:15:00"),
    ("cron(0 9 * * ? *)", "2026-03-29 10:00:00", "2026-03-30 09:00:00"),
    ("cron(10-20/5 8,12 ? * MON-FRI *)", "2026-03-29 08:21:00", "2026-03-29 12:10:00"),
])
def test_next_fire_time(expression, after, expected):
    def utc(text):
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()
    assert next_fire_time(expression, utc(after)) == utc(expected)


def test_a_fifo_handler_gets_a_fifo_queue_and_a_fifo_dead_letter_queue(sqs):
    queue = f"fifo-{uuid.uuid4().hex[:8]}.fifo"
    sqs_app(queue, lambda event: None)
    for name in (queue, f"{queue[:-5]}-dlq.fifo"):
        url = sqs.get_queue_url(QueueName=name)["QueueUrl"]
        assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["FifoQueue"])["Attributes"] == {
            "FifoQueue": "true"}


def test_pump_works_one_groups_messages_in_order_one_batch_at_a_time_and_groups_in_parallel(
        sqs, running_pumps):
    """Three pollers on a FIFO queue, as three Lambda copies: group a's messages never run at once
    (nor out of order), while group b's run beside them. SQS (moto) holds a group's next message
    while one of it is in flight."""
    queue = f"groups-{uuid.uuid4().hex[:8]}.fifo"
    spans = []  # (group, bodies, started, ended) per batch

    def slow(event):
        started = time.monotonic()
        records = [record.to_dict() for record in event]
        time.sleep(0.4)
        spans.append(({r["attributes"]["MessageGroupId"] for r in records}, [r["body"] for r in records],
                      started, time.monotonic()))

    app = Chalice(app_name="pump-test")
    app.on_sqs_message(queue=queue, batch_size=1)(slow)  # one message a batch, so groups can split
    create_resources(app)
    url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
    for body, group in (("a1", "a"), ("a2", "a"), ("b1", "b"), ("a3", "a"), ("b2", "b")):
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=group, MessageDeduplicationId=body)

    running_pumps(app, pollers=3)
    wait_for(lambda: sum(len(bodies) for _, bodies, _, _ in spans) == 5)
    for group in ("a", "b"):
        mine = sorted((s for s in spans if s[0] == {group}), key=lambda s: s[2])
        assert [body for s in mine for body in s[1]] == sorted(body for body in "a1 a2 a3 b1 b2".split()
                                                               if body[0] == group)
        assert all(earlier[3] <= later[2] for earlier, later in zip(mine, mine[1:]))  # one at a time
    first_a = min((s for s in spans if s[0] == {"a"}), key=lambda s: s[2])
    first_b = min((s for s in spans if s[0] == {"b"}), key=lambda s: s[2])
    assert first_b[2] < first_a[3] and first_a[2] < first_b[3]  # the groups overlapped


def test_two_pollers_work_the_chunks_of_one_dropped_file_at_once(running_pumps, monkeypatch):
    """The uploads queue under the pump with two pollers (make run's), as two Lambda copies: two
    chunks of one file are read at the same time, and the file is imported whole, once."""
    from chalicelib.jobs import import_chunks
    from chalicelib.jobs.imports import handle
    from chalicelib.services.customers import CUSTOMERS
    from chalicelib.services.records import create_record
    from chalicelib.services.tenants import create_tenant
    from chalicelib.services.uploads import show_batch
    from chalicelib.store.unit_of_work import UnitOfWork
    from chalicelib.domain.errors import NotFound
    from chalicelib.domain.records import Actor
    from tests.support.uploads import drop, invoices_csv

    monkeypatch.setattr(import_chunks, "CHUNK_ROWS", 10)  # 40 invoices of 2 rows: eight chunks
    together = threading.Barrier(2, timeout=30)  # broken unless two chunks are read at once
    workers = set()
    real = import_chunks.read_piece

    def meeting(item, state, importer):
        workers.add(threading.current_thread().ident)
        if state.chunk < 2 and not together.broken:
            together.wait()
        return real(item, state, importer)

    monkeypatch.setattr(import_chunks, "read_piece", meeting)
    app = Chalice(app_name="pump-uploads")
    app.on_sqs_message(queue=config.uploads_queue(), batch_size=1)(
        lambda event: handle({"messageId": r.to_dict()["messageId"], "body": r.body} for r in event))
    create_resources(app)
    tenant = create_tenant(UnitOfWork(), Actor("test"), {"legal_name": "Pumped Ltd"})
    create_record(UnitOfWork(), CUSTOMERS, tenant.id, Actor("test"),
                  {"name": "Bright Bakery", "currency": "GBP", "payment_terms_days": 14})
    dropped = drop(tenant.id, "invoices", "pumped.csv", invoices_csv(40))
    running_pumps(app, pollers=2)
    def done():
        try:
            return show_batch(tenant.id, dropped["batch_id"])["files"][0]["status"] == "done"
        except NotFound:  # the S3 event is not worked yet: a dropped file's batch is made from it
            return False

    wait_for(done, timeout=180)
    assert not together.broken and len(workers) == 2
    assert show_batch(tenant.id, dropped["batch_id"])["files"][0]["counts"] == {
        "rows": 80, "imported": 80, "rejected": 0, "skipped": 0, "duplicates": 0}
