"""Create on the local stand-ins the AWS resources the app expects. Idempotent."""
import json

import boto3
from chalice.app import Chalice

from chalicelib import config
from chalicelib.store.table import ensure_table
from infra.local.dead_letters import dead_letter_queue_name
from infra.local.event_sources import queue_name, sqs_sources

DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600  # as the stack keeps them


def create_resources(app: Chalice) -> None:
    """The table, the buckets, the sender address and a queue per SQS handler (with its
    dead-letter queue), at the endpoints in os.environ."""
    ensure_table(boto3.client("dynamodb"), config.table_name())
    s3 = boto3.client("s3")
    for bucket in (config.documents_bucket(), config.uploads_bucket()):
        _create_bucket(s3, bucket)
    # SES sends only from a verified address, in moto as in AWS.
    boto3.client("ses").verify_email_identity(EmailAddress=config.mail_from())
    sqs = boto3.client("sqs")
    names = sorted({queue_name(source) for source in sqs_sources(app)})
    for name in names:
        _create_queue(sqs, name)
    if config.uploads_queue() in names:
        _notify_uploads(s3, sqs)


def _create_queue(sqs, name: str) -> None:
    """The queue and its dead-letter queue, which SQS (moto too) moves a message to once it
    has been received MAX_RECEIVE_COUNT times without being deleted, as in the stack."""
    fifo = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
    dlq_url = sqs.create_queue(QueueName=dead_letter_queue_name(name), Attributes={
        **fifo, "MessageRetentionPeriod": str(DEAD_LETTER_RETENTION_SECONDS)})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(
        QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url = sqs.create_queue(QueueName=name, Attributes=fifo)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"RedrivePolicy": json.dumps({
        "deadLetterTargetArn": dlq_arn, "maxReceiveCount": str(config.MAX_RECEIVE_COUNT)})})


def _create_bucket(s3, bucket: str) -> None:
    try:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={
            "LocationConstraint": config.region()})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass


def _notify_uploads(s3, sqs) -> None:
    """New objects under tenants/ in the uploads bucket are announced on the uploads queue, as the
    CDK stack sets it up in AWS; S3 (and moto) first sends an s3:TestEvent, which the handler skips."""
    url = sqs.get_queue_url(QueueName=config.uploads_queue())["QueueUrl"]
    # A chunk may run for minutes: keep its message hidden meanwhile, as the stack does (30 min).
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "1800"})
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(Bucket=config.uploads_bucket(), NotificationConfiguration={
        "QueueConfigurations": [{"Id": "uploads", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "tenants/"}]}}}]})
