"""Queue plumbing: the tick's messages go out in batches; the worker takes them in."""
import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Dict, Iterable, List, Optional

from .. import config
from ..observability import logger
from .billing import bill_due, run_billing_tick
from .billing_ahead import read_billing_ahead
from .documents import prepare_pdf
from .overdue import find_overdue, handle_overdue
from .recurring import generate_due, read_templates_ahead, run_tick
from .worker_gc import freeze_once


@lru_cache(maxsize=None)
def _queue(name: str):
    """(SQS client, the queue's URL), once per process and queue."""
    import boto3

    sqs = boto3.client("sqs")
    return sqs, sqs.get_queue_url(QueueName=name)["QueueUrl"]


# Jobs that take the next number of a tenant's series (a recurring occurrence or a subscription's
# period may issue an invoice): they go
# through the FIFO issues queue with the tenant as message group, so one tenant's run one at a
# time (no conflicts on its series item) while tenants run in parallel. SQS drops a message whose
# deduplication id it saw in the last 5 minutes (a repeated tick); a later repeat finds its work
# done (each occurrence is claimed once).
NUMBERING_KINDS = ("recurring", "billing")


def queue_of(message: Dict[str, Any]) -> str:
    return config.issues_queue() if message["kind"] in NUMBERING_KINDS else config.jobs_queue()


def _entry(message: Dict[str, Any]) -> Dict[str, str]:
    """SendMessage's parameters for the message (FIFO ones with its group and deduplication id)."""
    entry = {"MessageBody": json.dumps(message)}
    if message["kind"] in NUMBERING_KINDS:
        entry.update(MessageGroupId=message["tenant_id"], MessageDeduplicationId=message["key"])
    return entry


def send_job(message: Dict[str, Any], queue: str = "") -> None:
    sqs, url = _queue(queue or queue_of(message))
    sqs.send_message(QueueUrl=url, **_entry(message))


def queue_pdf(tenant_id: str, item) -> None:
    """Render an issued or changed document's PDF in the background (see jobs.documents)."""
    send_job({"kind": "pdf", "tenant_id": tenant_id, "document_kind": item.kind, "document_id": item.id,
              "version": item.version})


def queue_export(tenant_id: str, export_id: str) -> None:
    # Minutes long: on their own queue, so they never hold back (or time out) a batch of short jobs.
    send_job({"kind": "export", "tenant_id": tenant_id, "export_id": export_id}, config.exports_queue())


def queue_xero_push(tenant_id: str, push_id: str) -> None:
    # Minutes when Xero is slow or rate-limits: the exports worker's 900 s, not the jobs worker's 120 s.
    send_job({"kind": "xero_push", "tenant_id": tenant_id, "push_id": push_id}, config.exports_queue())


class QueueSender:
    """Sends messages ten at a time (SQS's batch size), each to its queue (queue_of)."""

    def __init__(self):
        self._pending: Dict[str, List[Dict[str, Any]]] = {}

    def __call__(self, message: Dict[str, Any]) -> None:
        queue = queue_of(message)
        pending = self._pending.setdefault(queue, [])
        pending.append(message)
        if len(pending) == 10:
            self._send(queue)

    def flush(self) -> None:
        for queue in list(self._pending):
            self._send(queue)

    def _send(self, queue: str) -> None:
        messages = self._pending.pop(queue, [])
        if messages:
            sqs, url = _queue(queue)
            entries = [{"Id": str(i), **_entry(m)} for i, m in enumerate(messages)]
            failed = sqs.send_message_batch(QueueUrl=url, Entries=entries).get("Failed")
            if failed:
                raise RuntimeError(f"SQS refused {len(failed)} messages: {failed[0].get('Message')}")


def tick(as_of: datetime) -> int:
    """Fan out the recurring templates due, the subscription periods ended and the invoices newly
    overdue at `as_of`."""
    sender = QueueSender()
    due = run_tick(as_of, sender)
    billing = run_billing_tick(as_of, sender)
    overdue = find_overdue(as_of, sender)
    sender.flush()
    logger.info("tick", extra={"as_of": as_of.isoformat(), "templates_due": due, "subscriptions_due": billing,
                               "newly_overdue": overdue})
    return due


def handle(messages: Iterable[Dict[str, Any]], in_order: bool = False) -> Dict[str, List[Dict[str, str]]]:
    """Process SQS records as Lambda gives them ({messageId, body, attributes}); report those
    that failed, so only they come back.

    in_order (a FIFO queue): after a failed message the rest of the batch is reported failed
    unworked, as AWS advises for FIFO with partial batch responses, so that no message of a group
    is worked before one sent ahead of it."""
    messages = list(messages)
    jobs = [_parsed(message) for message in messages]  # once each: a carried template is most of a body
    read_templates_ahead(jobs)
    read_billing_ahead(jobs)
    failures = []
    for message, job in zip(messages, jobs):
        if in_order and failures:
            failures.append({"itemIdentifier": message["messageId"]})
            continue
        try:
            work(job if job is not None else json.loads(message["body"]), is_last_delivery(message))
        except Exception:  # one bad message must not hold back the batch; it is retried, then dead-lettered
            logger.exception("job failed", extra={"message_id": message["messageId"],
                                                  "receive_count": receive_count(message)})
            failures.append({"itemIdentifier": message["messageId"]})
    freeze_once()
    return {"batchItemFailures": failures}


def _parsed(message: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """The message's job, or None if its body is not one (it then fails when worked, alone)."""
    try:
        job = json.loads(message["body"])
    except (KeyError, TypeError, ValueError):
        return None
    return job if isinstance(job, dict) else None


def receive_count(message: Dict[str, Any]) -> int:
    return int(message.get("attributes", {}).get("ApproximateReceiveCount", 1))


def is_last_delivery(message: Dict[str, Any]) -> bool:
    """If this delivery fails too, SQS dead-letters the message instead of delivering it again."""
    return receive_count(message) >= config.MAX_RECEIVE_COUNT


def work(job: Dict[str, Any], last_delivery: bool) -> None:
    if job.get("kind") == "recurring":
        generate_due(job["tenant_id"], job["template_id"], datetime.fromisoformat(job["as_of"].replace("Z", "+00:00")))
    elif job.get("kind") == "billing":
        bill_due(job["tenant_id"], job["subscription_id"], datetime.fromisoformat(job["as_of"].replace("Z", "+00:00")))
    elif job.get("kind") == "pdf":
        prepare_pdf(job["tenant_id"], job["document_kind"], job["document_id"], int(job["version"]))
    elif job.get("kind") == "export":
        from ..api.exports import parse_filters  # the list routes' own filters
        from ..services.exports import run_export

        run_export(job["tenant_id"], job["export_id"], parse_filters, last_delivery)
    elif job.get("kind") == "xero_push":
        from ..services.xero_pushes import run_push

        run_push(job["tenant_id"], job["push_id"], last_delivery)
    elif job.get("kind") == "overdue":
        handle_overdue(job["tenant_id"], job["invoice_id"], date.fromisoformat(job["today"]))
    else:
        raise ValueError(f"unknown job kind {job.get('kind')!r}")
