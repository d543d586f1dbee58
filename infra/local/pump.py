"""The dev pump: fires the app's schedules and drains its queues into its handlers,
in background threads, as EventBridge and Lambda's SQS event source mapping would.
"""
import json
import logging
import threading
import time
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Set

import boto3
from botocore.exceptions import BotoCoreError, ClientError
from chalice.app import Chalice, ScheduledEventConfig, SQSEventConfig

from infra.local.event_sources import (lambda_handler, queue_name, schedule_expression,
                                       scheduled_sources, sqs_sources)
from infra.local.lambda_events import lambda_context, scheduled_event, sqs_event
from infra.local.schedules import next_fire_time

log = logging.getLogger(__name__)
MAX_SQS_BATCH = 10  # ReceiveMessage returns at most 10 messages


class DevPump:
    def __init__(self, app: Chalice, stage: str = "local", retry_after_seconds: int = 5,
                 poll_seconds: int = 2, clock: Callable[[], float] = time.time, pollers: int = 1):
        """retry_after_seconds: how long a failed message stays invisible before redelivery.
        poll_seconds: the long-poll wait, which also bounds how long stop() takes.
        clock: wall-clock time in Unix seconds, which the schedules follow.
        pollers: copies of each queue's handler at work at once, as Lambda's concurrency. On a FIFO
        queue SQS (moto too) hands out no message of a group while another of it is in flight, so
        one group's messages are worked one batch at a time, in order, and groups in parallel."""
        self._app = app
        self._stage = stage
        self._retry_after = retry_after_seconds
        self._poll_seconds = poll_seconds
        self._clock = clock
        self._pollers = pollers
        self._stopping = threading.Event()
        self._threads: List[threading.Thread] = []
        self._sqs = boto3.client("sqs")
        self._region = self._sqs.meta.region_name

    def start(self) -> None:
        """One thread per schedule and per queue; fails at once if a queue does not exist."""
        for source in scheduled_sources(self._app):
            self._spawn(source.name, self._run_schedule, source)
        for source in sqs_sources(self._app):
            url = self._sqs.get_queue_url(QueueName=queue_name(source))["QueueUrl"]
            attributes = self._sqs.get_queue_attributes(
                QueueUrl=url, AttributeNames=["QueueArn", "RedrivePolicy"])["Attributes"]
            queue = Queue(queue_name(source), url, attributes["QueueArn"], _redrive(attributes))
            receiving = threading.Lock()  # one ReceiveMessage at a time per queue: see _run_queue
            for _ in range(self._pollers):
                self._spawn(source.name, self._run_queue, source, queue, receiving)

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def fire(self, source: ScheduledEventConfig, fired_at: float) -> Any:
        """Call a schedule's handler once, as if EventBridge fired it at `fired_at`."""
        name = self._function_name(source)
        log.info("schedule %s fired", source.name)
        return lambda_handler(self._app, source)(
            scheduled_event(name, fired_at, self._region), lambda_context(name))

    def _spawn(self, name: str, target: Callable, *args: Any) -> None:
        thread = threading.Thread(target=target, args=args, name=f"pump-{name}", daemon=True)
        thread.start()
        self._threads.append(thread)

    def _function_name(self, source: Any) -> str:
        return f"{self._app.app_name}-{self._stage}-{source.name}"

    def _run_schedule(self, source: ScheduledEventConfig) -> None:
        expression = schedule_expression(source)
        due = self._clock()
        while True:
            # max(): never fire the same occurrence twice if the wait ends a hair early.
            due = next_fire_time(expression, max(self._clock(), due))
            if self._stopping.wait(max(0.0, due - self._clock())):
                return
            try:
                self.fire(source, due)
            except Exception:
                log.exception("schedule %s failed", source.name)

    def _run_queue(self, source: SQSEventConfig, queue: "Queue", receiving: threading.Lock) -> None:
        """A poller. Its receives take turns with the queue's other pollers (the handling does not):
        moto's ReceiveMessage takes no lock, so two at once can both hand out messages of one FIFO
        group, which SQS never does."""
        while not self._stopping.is_set():
            try:
                with receiving:
                    messages = self._sqs.receive_message(
                        QueueUrl=queue.url, MaxNumberOfMessages=min(source.batch_size, MAX_SQS_BATCH),
                        WaitTimeSeconds=self._poll_seconds,
                        AttributeNames=["All"], MessageAttributeNames=["All"],
                    ).get("Messages", [])
                if messages:
                    self._deliver(source, queue, messages)
            except (BotoCoreError, ClientError):
                if self._stopping.is_set():
                    return
                log.exception("queue %s: SQS call failed; retrying", queue.name)
                self._stopping.wait(1)

    def _deliver(self, source: SQSEventConfig, queue: "Queue", messages: List[Dict[str, Any]]) -> None:
        name = self._function_name(source)
        log.info("queue %s: %d message(s) to %s", queue.name, len(messages), source.name)
        try:
            result = lambda_handler(self._app, source)(
                sqs_event(messages, queue.arn, self._region), lambda_context(name))
        except Exception:
            log.exception("%s failed; its %d message(s) will be redelivered", name, len(messages))
            failed_ids = {m["MessageId"] for m in messages}
        else:
            failed_ids = _reported_failures(result)
        done = [m for m in messages if m["MessageId"] not in failed_ids]
        failed = [m for m in messages if m["MessageId"] in failed_ids]
        if done:
            self._sqs.delete_message_batch(QueueUrl=queue.url, Entries=_entries(done))
        if failed:
            self._sqs.change_message_visibility_batch(QueueUrl=queue.url, Entries=[
                dict(entry, VisibilityTimeout=self._retry_after) for entry in _entries(failed)])
            _announce_dead_letters(queue, failed)


class Redrive(NamedTuple):
    max_receive_count: int
    dead_letter_queue: str


class Queue(NamedTuple):
    name: str
    url: str
    arn: str
    redrive: Optional[Redrive]


def _redrive(attributes: Dict[str, str]) -> Optional[Redrive]:
    """The queue's redrive policy (resources.py sets one on every handler's queue), if any."""
    if "RedrivePolicy" not in attributes:
        return None
    policy = json.loads(attributes["RedrivePolicy"])
    return Redrive(int(policy["maxReceiveCount"]), policy["deadLetterTargetArn"].rsplit(":", 1)[-1])


def _announce_dead_letters(queue: Queue, failed: List[Dict[str, Any]]) -> None:
    """Once per message: the failure that makes SQS move it to the dead-letter queue at the
    next receive instead of delivering it again."""
    if queue.redrive is None:
        return
    for message in failed:
        receives = int(message["Attributes"]["ApproximateReceiveCount"])
        if receives >= queue.redrive.max_receive_count:
            log.error("queue %s: message %s failed %d times and goes to the dead-letter queue %s "
                      "(`make dead-letters REDRIVE=1` sends it back); its body starts %r", queue.name,
                      message["MessageId"], receives, queue.redrive.dead_letter_queue,
                      message["Body"][:200])


def _reported_failures(result: Any) -> Set[str]:
    """Message ids a handler reported as failed in the ReportBatchItemFailures shape
    (what powertools' process_partial_response returns). Lambda honours it only when
    the event source mapping enables ReportBatchItemFailures (see ARCHITECTURE.md)."""
    if not isinstance(result, dict):
        return set()
    return {failure["itemIdentifier"] for failure in result.get("batchItemFailures") or []}


def _entries(messages: List[Dict[str, Any]]) -> List[Dict[str, str]]:
    return [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
