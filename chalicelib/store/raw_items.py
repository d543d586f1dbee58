"""Items as DynamoDB sent them, and requests as we built them, without botocore's walk of its
model for every value.

botocore turns a JSON answer into Python by walking the service model for each attribute value
(one structure per value): with lists read whole page by page, that walk was 40% of a list
export's CPU (bench/README.md "Exports"), and three quarters of what a recurring worker spends
reading a batch's templates (BatchGetItem, "Recurring"). For every type but binary, DynamoDB's
wire form already is what the walk returns ({"S": "x"}, {"N": "1.50"}, {"M": {...}}, {"L": [...]},
{"BOOL": true}, {"NULL": true}, {"SS": [...]}, {"NS": [...]}); binary values (B, BS) are base64
on the wire and bytes after it. So a Query's items, a BatchGetItem's items by table, and the
items of a GetItem and a TransactGetItems (every request's reads: the first POST of a cold start
reads its tenant and customer so) are taken from the JSON as it is and botocore parses the rest
(keys, counts, unprocessed keys, consumed capacity); an answer with a binary value anywhere, or an
error, goes through botocore whole.

Requests the same way round: a transaction's items (and a batch read's keys) are built in
DynamoDB's wire form already, so botocore's serializer, walking its model for every value to write
the same JSON, is left only the request's method and headers; the body is `json.dumps` of the
parameters as botocore writes it (the same bytes, property-tested). A request holding bytes (a
binary value, which goes base64) is serialized by botocore whole.
"""
import json
import re

_BINARY = re.compile(rb'"BS?"\s*:')
# Each operation: the member of its answer that holds the items, taken as sent, and the id its
# shortcut is registered under (bench/export.py removes the Query's to measure botocore's parsing).
_ITEMS = {"Query": ("Items", "raw_items.items_as_sent"),
          "BatchGetItem": ("Responses", "raw_items.batch_items_as_sent"),
          "GetItem": ("Item", "raw_items.item_as_sent"),
          "TransactGetItems": ("Responses", "raw_items.transact_items_as_sent")}


def _items_as_sent(member: str):
    def take(response_dict, customized_response_dict, **_) -> None:
        """botocore's before-parse event: `customized_response_dict` is laid over the parsed answer."""
        body = response_dict.get("body")
        if response_dict.get("status_code") != 200 or not body or _BINARY.search(body):
            return
        answer = json.loads(body)
        if member in answer:
            customized_response_dict[member] = answer.pop(member)
            response_dict["body"] = json.dumps(answer).encode()
    return take


_AS_BUILT = frozenset({"TransactWriteItems", "BatchGetItem"})


class _SentAsBuilt:
    """botocore's serializer, but for the requests of `_AS_BUILT` that hold no bytes."""

    def __init__(self, serializer):
        self._serializer = serializer

    def serialize_to_request(self, parameters, operation_model):
        if operation_model.name in _AS_BUILT:
            try:
                body = json.dumps(parameters).encode()
            except TypeError:  # bytes: botocore writes them base64
                pass
            else:
                request = self._serializer.serialize_to_request({}, operation_model)
                request["body"] = body
                return request
        return self._serializer.serialize_to_request(parameters, operation_model)


def send_requests_as_built(client) -> None:
    """Installs the request shortcut on a DynamoDB client (once: again changes nothing)."""
    if not isinstance(client._serializer, _SentAsBuilt):  # botocore keeps it there; no event replaces it
        client._serializer = _SentAsBuilt(client._serializer)


def take_items_as_sent(client) -> None:
    """Installs the shortcuts on a DynamoDB client (once: registering again changes nothing)."""
    for operation, (member, unique_id) in _ITEMS.items():
        client.meta.events.register(f"before-parse.dynamodb.{operation}", _items_as_sent(member),
                                    unique_id=unique_id)
