"""Create on the local stand-ins the AWS resources the app expects. Idempotent."""
import boto3
from chalice.app import Chalice

from chalicelib import config
from chalicelib.store.table import ensure_table
from infra.local.event_sources import queue_name, sqs_sources


def create_resources(app: Chalice) -> None:
    """The table, the buckets, the sender address and a queue per SQS handler, at the endpoints in os.environ."""
    ensure_table(boto3.client("dynamodb"), config.table_name())
    s3 = boto3.client("s3")
    for bucket in (config.documents_bucket(), config.uploads_bucket()):
        _create_bucket(s3, bucket)
    # SES sends only from a verified address, in moto as in AWS.
    boto3.client("ses").verify_email_identity(EmailAddress=config.mail_from())
    sqs = boto3.client("sqs")
    for name in sorted({queue_name(source) for source in sqs_sources(app)}):
        attributes = {"FifoQueue": "true"} if name.endswith(".fifo") else {}
        sqs.create_queue(QueueName=name, Attributes=attributes)


def _create_bucket(s3, bucket: str) -> None:
    try:
        s3.create_bucket(Bucket=bucket, CreateBucketConfiguration={
            "LocationConstraint": config.region()})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
