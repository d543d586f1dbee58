"""SQS queues, each with its dead-letter queue, sized from the timeout of the function that reads it."""
from aws_cdk import Duration, Stack
from aws_cdk import aws_sqs as sqs

from chalicelib.config import MAX_RECEIVE_COUNT

# AWS advises a visibility timeout of six times the consumer's timeout (plus the batching
# window, 0 here), so that a batch retried by Lambda's poller is not delivered twice meanwhile.
VISIBILITY_PER_TIMEOUT = 6


def visibility_for(function_timeout_seconds: int) -> Duration:
    return Duration.seconds(VISIBILITY_PER_TIMEOUT * function_timeout_seconds)


def make_queue(stack: Stack, construct_id: str, name: str, function_timeout_seconds: int):
    """(queue, dead-letter queue): after MAX_RECEIVE_COUNT receives a message waits 14 days in the DLQ.

    A name ending in .fifo makes a FIFO queue (and DLQ) in high-throughput mode: deduplication and
    the throughput limit per message group (a tenant), so tenants do not share one queue-wide limit."""
    fifo = name.endswith(".fifo")
    dlq = sqs.Queue(
        stack, f"{construct_id}Dlq", queue_name=f"{name[:-5]}-dlq.fifo" if fifo else f"{name}-dlq",
        retention_period=Duration.days(14), fifo=fifo or None,
        encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
    )
    queue = sqs.Queue(
        stack, f"{construct_id}Queue", queue_name=name,
        visibility_timeout=visibility_for(function_timeout_seconds),
        retention_period=Duration.days(4),
        dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=MAX_RECEIVE_COUNT),
        encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
        **(dict(fifo=True, deduplication_scope=sqs.DeduplicationScope.MESSAGE_GROUP,
                fifo_throughput_limit=sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID) if fifo else {}),
    )
    return queue, dlq
