"""Working the job queues (short jobs, exports) in tests, as Lambda's SQS event source would."""
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Set, Tuple

import boto3

from chalicelib import config
from infra.local.event_sources import lambda_handler, queue_name, sqs_sources
from infra.local.lambda_events import lambda_context, sqs_event


def deliver_twice(work: Callable[[Dict[str, Any]], Any], messages: List[Dict[str, Any]]) -> None:
    """Each message worked twice at once; one whose worker finds another holding its lease fails
    and comes back afterwards, as SQS redelivers a failed message."""
    from chalicelib.store.leases import LeaseHeld

    def attempt(message):
        try:
            work(message)
            return None
        except LeaseHeld:
            return message

    with ThreadPoolExecutor(max_workers=4) as pool:
        again = [m for m in pool.map(attempt, messages * 2) if m]
    for message in again:
        work(message)


def _jobs_queue(name: str = "") -> Tuple[Any, str]:
    sqs = boto3.client("sqs")
    return sqs, sqs.get_queue_url(QueueName=name or config.jobs_queue())["QueueUrl"]


def deliver_jobs(queue: str = "") -> Tuple[List[Dict[str, Any]], Set[str]]:
    """Receive once from a job queue (default: the jobs queue) and hand the messages to the app's
    handler of that queue in the event Lambda would pass; delete those done. Returns the messages
    and the ids reported failed, which stay in flight until their visibility timeout, as in SQS."""
    from app import app

    queue = queue or config.jobs_queue()
    sqs, url = _jobs_queue(queue)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0,
                                   AttributeNames=["All"]).get("Messages", [])
    if not messages:
        return [], set()
    source = next(s for s in sqs_sources(app) if queue_name(s) == queue)
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    result = lambda_handler(app, source)(sqs_event(messages, arn, sqs.meta.region_name), lambda_context(source.name))
    failed = {failure["itemIdentifier"] for failure in result["batchItemFailures"]}
    done = [m for m in messages if m["MessageId"] not in failed]
    if done:
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)])
    return messages, failed


def redeliver_at_once(messages: List[Dict[str, Any]], queue: str = "") -> None:
    """End the visibility timeout of messages in flight: the next receive gets them again."""
    sqs, url = _jobs_queue(queue)
    sqs.change_message_visibility_batch(QueueUrl=url, Entries=[
        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0} for i, m in enumerate(messages)])


def drain_jobs_queue(max_rounds: int = 50) -> int:
    """Receive and handle every message on the (moto) job queues, issues, jobs and exports, until
    all are empty; returns how many were handled."""
    handled = 0
    for _ in range(max_rounds):
        delivered = 0
        for queue in (config.issues_queue(), config.jobs_queue(), config.exports_queue()):
            messages, failed = deliver_jobs(queue)
            assert not failed, f"jobs failed on {queue}: {failed}"
            delivered += len(messages)
        if not delivered:
            return handled
        handled += delivered
    return handled
