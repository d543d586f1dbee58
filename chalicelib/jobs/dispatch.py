"""Queue plumbing: the tick's messages go out in batches; the worker takes them in."""
import json
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Dict, Iterable, List

from .. import config
from ..observability import logger
from .billing import bill_due, run_billing_tick
from .documents import prepare_pdf
from .overdue import find_overdue, handle_overdue
from .recurring import generate_due, run_tick


@lru_cache(maxsize=None)
def _queue(name: str):
    """(SQS client, the queue's URL), once per process and queue."""
    import boto3

    sqs = boto3.client("sqs")
    return sqs, sqs.get_queue_url(QueueName=name)["QueueUrl"]


def send_job(message: Dict[str, Any], queue: str = "") -> None:
    sqs, url = _queue(queue or config.jobs_queue())
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(message))


def queue_pdf(tenant_id: str, item) -> None:
    """Render an issued or changed document's PDF in the background (see jobs.documents)."""
    send_job({"kind": "pdf", "tenant_id": tenant_id, "document_kind": item.kind, "document_id": item.id,
              "version": item.version})


def queue_export(tenant_id: str, export_id: str) -> None:
    # Minutes long: on their own queue, so they never hold back (or time out) a batch of short jobs.
    send_job({"kind": "export", "tenant_id": tenant_id, "export_id": export_id}, config.exports_queue())


class QueueSender:
    """Sends messages to the jobs queue ten at a time (SQS's batch size)."""

    def __init__(self):
        self._sqs, self._url = _queue(config.jobs_queue())
        self._pending: List[Dict[str, Any]] = []

    def __call__(self, message: Dict[str, Any]) -> None:
        self._pending.append(message)
        if len(self._pending) == 10:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            entries = [{"Id": str(i), "MessageBody": json.dumps(m)} for i, m in enumerate(self._pending)]
            failed = self._sqs.send_message_batch(QueueUrl=self._url, Entries=entries).get("Failed")
            if failed:
                raise RuntimeError(f"SQS refused {len(failed)} messages: {failed[0].get('Message')}")
            self._pending = []


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


def handle(messages: Iterable[Dict[str, Any]]) -> Dict[str, List[Dict[str, str]]]:
    """Process SQS records as Lambda gives them ({messageId, body, attributes}); report those
    that failed, so only they come back."""
    failures = []
    for message in messages:
        try:
            work(json.loads(message["body"]), is_last_delivery(message))
        except Exception:  # one bad message must not hold back the batch; it is retried, then dead-lettered
            logger.exception("job failed", extra={"message_id": message["messageId"],
                                                  "receive_count": receive_count(message)})
            failures.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failures}


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
    elif job.get("kind") == "overdue":
        handle_overdue(job["tenant_id"], job["invoice_id"], date.fromisoformat(job["today"]))
    else:
        raise ValueError(f"unknown job kind {job.get('kind')!r}")
