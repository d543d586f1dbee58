"""Uploads in tests: files put into the (moto) uploads bucket, and the uploads queue worked
as Lambda's event source would (one message per run, deleted once handled)."""
import json
from typing import Any, Dict, List

import boto3
import requests

from chalicelib import config
from chalicelib.jobs.imports import handle
from chalicelib.store.uploads import drop_batch_id


def queue_url() -> str:
    return boto3.client("sqs").get_queue_url(QueueName=config.uploads_queue())["QueueUrl"]


def receive(max_messages: int = 10) -> List[Dict[str, Any]]:
    return boto3.client("sqs").receive_message(QueueUrl=queue_url(), MaxNumberOfMessages=max_messages,
                                               WaitTimeSeconds=0).get("Messages", [])


def delete(message: Dict[str, Any]) -> None:
    boto3.client("sqs").delete_message(QueueUrl=queue_url(), ReceiptHandle=message["ReceiptHandle"])


def release(message: Dict[str, Any]) -> None:
    """Make a received message visible again at once (a redelivery)."""
    boto3.client("sqs").change_message_visibility(QueueUrl=queue_url(), ReceiptHandle=message["ReceiptHandle"],
                                                  VisibilityTimeout=0)


def deliver(message: Dict[str, Any]) -> Dict[str, Any]:
    return handle([{"messageId": message["MessageId"], "body": message["Body"]}])


def take(wanted: str) -> Dict[str, Any]:
    """The next message whose body mentions `wanted`; the ones before it are handled as usual."""
    for _ in range(1000):
        messages = receive(1)
        assert messages, f"no message mentions {wanted}"
        if wanted in messages[0]["Body"]:
            return messages[0]
        assert deliver(messages[0]) == {"batchItemFailures": []}
        delete(messages[0])
    raise AssertionError(f"no message mentions {wanted}")


def drain_uploads_queue(max_messages: int = 2000) -> int:
    """Handle every message on the uploads queue, one per run; returns how many."""
    handled = 0
    while handled < max_messages:
        messages = receive(1)
        if not messages:
            return handled
        result = deliver(messages[0])
        assert result == {"batchItemFailures": []}, f"an upload message failed: {messages[0]['Body'][:300]}"
        delete(messages[0])
        handled += 1
    raise AssertionError("the uploads queue did not run dry")


def drop(tenant_id: str, kind: str, name: str, body: bytes) -> Dict[str, str]:
    """Put a file straight into the bucket under the tenant's drop prefix; returns its key and batch id."""
    bucket, key = config.uploads_bucket(), f"tenants/{tenant_id}/drop/{kind}/{name}"
    etag = boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=body)["ETag"].strip('"')
    return {"key": key, "etag": etag, "batch_id": drop_batch_id(bucket, key, etag)}


def post_form(upload: Dict[str, Any], name: str, body: bytes) -> requests.Response:
    """Send a file through the presigned POST form a batch gave."""
    return requests.post(upload["url"], data=upload["fields"], files={"file": (name, body)}, timeout=30)


def fetch_report(url: str) -> Any:
    answer = requests.get(url, timeout=30)
    answer.raise_for_status()
    return json.loads(answer.content) if ".json" in url.split("?")[0] else answer.content.decode("utf-8")


def invoices_csv(count: int, lines: int = 2, customer: str = "Bright Bakery", first: int = 1,
                 prefix: str = "INV-") -> bytes:
    """`count` issued invoices of `lines` rows each, numbered from `first`, in our template's columns."""
    rows = ["number,customer,issue_date,description,quantity,unit_price,vat_rate"]
    for n in range(first, first + count):
        rows += [f"{prefix}{n:04d},{customer},31/03/2026,Service {n}.{i},{i + 1},19.99,20" for i in range(lines)]
    return ("\r\n".join(rows) + "\r\n").encode()
