"""The uploads queue's handler: S3 events of the uploads bucket, and chunks of files.

S3 sends a `s3:TestEvent` when the notification is set up; it is skipped.
Each message is worked on its own; one that fails is reported, so only it
comes back (ReportBatchItemFailures), and after config.MAX_RECEIVE_COUNT tries it
waits in the dead-letter queue.
"""
import json
from typing import Any, Dict, Iterable, List
from urllib.parse import unquote_plus

from ..observability import logger
from .import_chunks import CHUNK, run_chunk
from .import_files import accept_upload
from .worker_gc import collect_young_less_often, freeze_once


def handle(messages: Iterable[Dict[str, str]]) -> Dict[str, List[Dict[str, str]]]:
    failures = []
    for message in messages:
        try:
            work(json.loads(message["body"]))
        except Exception:  # reported, retried, then dead-lettered; the others go on
            logger.exception("upload message failed", extra={"message_id": message["messageId"]})
            failures.append({"itemIdentifier": message["messageId"]})
    freeze_once()
    collect_young_less_often()
    return {"batchItemFailures": failures}


def work(body: Dict[str, Any]) -> None:
    if body.get("Event") == "s3:TestEvent":
        return
    if body.get("kind") == CHUNK:
        return run_chunk(body["tenant_id"], body["batch_id"], body["file_id"], int(body["chunk"]), body.get("piece"))
    if "Records" not in body:
        raise ValueError(f"not an S3 event nor a chunk: {sorted(body)}")
    for record in body["Records"]:
        if record.get("eventSource") == "aws:s3" and record.get("eventName", "").startswith("ObjectCreated"):
            s3 = record["s3"]
            accept_upload(s3["bucket"]["name"], unquote_plus(s3["object"]["key"]), s3["object"]["eTag"],
                          int(s3["object"]["size"]))
