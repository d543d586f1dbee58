"""Working the jobs queue in tests, as Lambda's SQS event source would."""
import boto3

from chalicelib import config
from chalicelib.jobs.dispatch import handle


def drain_jobs_queue(max_rounds: int = 50) -> int:
    """Receive and handle every message on the (moto) jobs queue; returns how many were handled."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.jobs_queue())["QueueUrl"]
    handled = 0
    for _ in range(max_rounds):
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not messages:
            return handled
        failures = handle({"messageId": m["MessageId"], "body": m["Body"]} for m in messages)
        failed = {f["itemIdentifier"] for f in failures["batchItemFailures"]}
        assert not failed, f"jobs failed: {failed}"
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)])
        handled += len(messages)
    return handled
