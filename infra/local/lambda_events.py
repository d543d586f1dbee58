"""Events and context shaped like the ones Lambda passes to Chalice handlers."""
import base64
import uuid
from datetime import datetime, timezone
from typing import Any, Dict, List

from chalice.local import LambdaContext

ACCOUNT_ID = "123456789012"  # moto's default account
FUNCTION_TIMEOUT_MS = 60_000  # Chalice's default lambda_timeout
FUNCTION_MEMORY_MB = 128


def lambda_context(function_name: str) -> LambdaContext:
    return LambdaContext(function_name, FUNCTION_MEMORY_MB, FUNCTION_TIMEOUT_MS)


def scheduled_event(rule_name: str, fired_at: float, region: str) -> Dict[str, Any]:
    """An EventBridge "Scheduled Event"; `time` is the scheduled time, as in AWS."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": datetime.fromtimestamp(fired_at, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }


def sqs_event(messages: List[Dict[str, Any]], queue_arn: str, region: str) -> Dict[str, Any]:
    """Turn ReceiveMessage results into the Records of an SQS-triggered invocation."""
    return {"Records": [_sqs_record(m, queue_arn, region) for m in messages]}


def _sqs_record(message: Dict[str, Any], queue_arn: str, region: str) -> Dict[str, Any]:
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": message.get("Attributes", {}),
        "messageAttributes": {name: _lambda_attribute(value) for name, value
                              in message.get("MessageAttributes", {}).items()},
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _lambda_attribute(value: Dict[str, Any]) -> Dict[str, Any]:
    """From the SQS API's shape to Lambda's: camelCase keys, binary as base64 text."""
    converted = {"dataType": value["DataType"], "stringListValues": [], "binaryListValues": []}
    if "StringValue" in value:
        converted["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        converted["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode("ascii")
    return converted
