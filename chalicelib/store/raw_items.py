"""A Query's items as DynamoDB sent them, without botocore's parsing of every value.

botocore turns a JSON answer into Python by walking the service model for each attribute value
(one structure per value): with lists read whole page by page, that walk was 40% of a list
export's CPU (bench/README.md "Exports"). For every type but binary, DynamoDB's wire form already
is what the walk returns ({"S": "x"}, {"N": "1.50"}, {"M": {...}}, {"L": [...]}, {"BOOL": true},
{"NULL": true}, {"SS": [...]}, {"NS": [...]}); binary values (B, BS) are base64 on the wire and
bytes after it. So a Query answer's items are taken from the JSON as it is and botocore parses
the rest (keys, counts, consumed capacity); an answer with a binary value anywhere, or an error,
goes through botocore whole.
"""
import json
import re

_BINARY = re.compile(rb'"BS?"\s*:')


def items_as_sent(response_dict, customized_response_dict, **_) -> None:
    """botocore's before-parse event: `customized_response_dict` is laid over the parsed answer."""
    body = response_dict.get("body")
    if response_dict.get("status_code") != 200 or not body or _BINARY.search(body):
        return
    answer = json.loads(body)
    if "Items" in answer:
        customized_response_dict["Items"] = answer.pop("Items")
        response_dict["body"] = json.dumps(answer).encode()


def take_items_as_sent(client) -> None:
    """Installs the shortcut on a DynamoDB client (once: registering again changes nothing)."""
    client.meta.events.register("before-parse.dynamodb.Query", items_as_sent, unique_id="raw_items.items_as_sent")
