"""`make dead-letters`: the local dead-letter queues, and moving their messages back.

Every handler's queue has a dead-letter queue named as the CDK stack names it, where
SQS (moto too) puts a message received MAX_RECEIVE_COUNT times without being deleted.
In AWS `aws sqs start-message-move-task` sends them back; moto lacks it, so this
receives each message from the dead-letter queue, sends it to its queue, and deletes it.

    python -m infra.local.dead_letters            # how many wait, per queue
    python -m infra.local.dead_letters --redrive  # send them all back
"""
import argparse
import os
import sys
from typing import Dict, Optional, Sequence


def dead_letter_queue_name(name: str) -> str:
    """As the CDK stack names it (infra/stacks/queues.py); a FIFO queue's must be FIFO too."""
    return name[:-len(".fifo")] + "-dlq.fifo" if name.endswith(".fifo") else name + "-dlq"


def waiting(sqs, name: str) -> int:
    url = sqs.get_queue_url(QueueName=dead_letter_queue_name(name))["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=[
        "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return sum(int(count) for count in attributes.values())


def redrive(sqs, name: str) -> int:
    """Send every visible message of the queue's dead-letter queue back to it; how many moved.
    (Standard queues: a FIFO message would need its group id.)"""
    source = sqs.get_queue_url(QueueName=name)["QueueUrl"]
    dead_letters = sqs.get_queue_url(QueueName=dead_letter_queue_name(name))["QueueUrl"]
    moved = 0
    while True:
        messages = sqs.receive_message(QueueUrl=dead_letters, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                       MessageAttributeNames=["All"]).get("Messages", [])
        if not messages:
            return moved
        for message in messages:
            sqs.send_message(QueueUrl=source, MessageBody=message["Body"],
                             MessageAttributes=message.get("MessageAttributes", {}))
            sqs.delete_message(QueueUrl=dead_letters, ReceiptHandle=message["ReceiptHandle"])
        moved += len(messages)


def main(argv: Optional[Sequence[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redrive", action="store_true", help="send every dead letter back to its queue")
    options = parser.parse_args(argv)
    from infra.local.environment import local_environment
    from infra.local.run import DATA_DIR, TABLE_NAME, read_or_create_admin_key
    os.environ.update(local_environment(int(os.environ.get("DYNAMODB_PORT", "8001")),
                                        int(os.environ.get("MOTO_PORT", "5001")), TABLE_NAME,
                                        read_or_create_admin_key(DATA_DIR / "admin_key")))
    import boto3

    from app import app
    from infra.local.event_sources import queue_name, sqs_sources
    sqs = boto3.client("sqs")
    counts: Dict[str, int] = {}
    for name in sorted({queue_name(source) for source in sqs_sources(app)}):
        counts[name] = redrive(sqs, name) if options.redrive else waiting(sqs, name)
    verb = "sent back from" if options.redrive else "waiting in"
    for name, count in counts.items():
        print(f"{count} message(s) {verb} {dead_letter_queue_name(name)}")


if __name__ == "__main__":
    sys.exit(main())
