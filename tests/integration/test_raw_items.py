"""A Query's items taken from DynamoDB's JSON as sent (store/raw_items.py) are what botocore's own
parsing gives, for every type of value; an answer holding a binary value is parsed by botocore."""
from decimal import Decimal

import botocore.session

from chalicelib import config
from chalicelib.store.models import connection
from chalicelib.store.raw_items import take_items_as_sent

PK = "T#raw-items#test"
EVERY_TYPE = {"PK": {"S": PK}, "SK": {"S": "A"}, "text": {"S": "Müller \"&\" 北京 🎉 \\ \"B\": not binary"},
              "amount": {"N": "1234.50"}, "flag": {"BOOL": True}, "nothing": {"NULL": True},
              "names": {"SS": ["a", "b"]}, "numbers": {"NS": ["1", "2.5"]},
              "data": {"M": {"lines": {"L": [{"M": {"q": {"N": "3"}, "d": {"S": "x"}}}, {"NULL": True}]},
                             "empty": {"M": {}}, "list": {"L": []}}}}
WITH_BINARY = {"PK": {"S": PK}, "SK": {"S": "B"}, "logo": {"B": b"\x00\xffPNG"}, "parts": {"BS": [b"\x01"]}}


def _plain_client():
    """A client of its own, parsing every answer as botocore does."""
    return botocore.session.get_session().create_client("dynamodb")


def _query(client, **more):
    return client.query(TableName=config.table_name(), KeyConditionExpression="PK = :pk",
                        ExpressionAttributeValues={":pk": {"S": PK}}, **more)


def test_items_as_sent_are_what_botocore_parses_and_binary_answers_are_parsed_by_botocore():
    plain = _plain_client()
    plain.put_item(TableName=config.table_name(), Item=EVERY_TYPE)
    shortcut = connection().client
    take_items_as_sent(shortcut)  # as the store's connection is made; again changes nothing
    only_text = {"KeyConditionExpression": "PK = :pk AND SK = :a",
                 "ExpressionAttributeValues": {":pk": {"S": PK}, ":a": {"S": "A"}}}
    expected = plain.query(TableName=config.table_name(), **only_text)
    answered = shortcut.query(TableName=config.table_name(), **only_text)
    assert answered["Items"] == expected["Items"] and len(expected["Items"]) == 1
    assert answered["Count"] == 1 and "ResponseMetadata" in answered

    plain.put_item(TableName=config.table_name(), Item=WITH_BINARY)
    expected, answered = _query(plain), _query(shortcut)
    assert answered["Items"] == expected["Items"]
    assert answered["Items"][1]["logo"] == {"B": b"\x00\xffPNG"}  # bytes, as botocore decodes them


def test_pages_keep_their_last_key_and_consumed_capacity():
    plain = _plain_client()
    for sk in ("1", "2", "3"):
        plain.put_item(TableName=config.table_name(), Item={"PK": {"S": PK + "#pages"}, "SK": {"S": sk},
                                                             "n": {"N": str(Decimal(sk) / 4)}})
    asked = {"KeyConditionExpression": "PK = :pk", "ExpressionAttributeValues": {":pk": {"S": PK + "#pages"}},
             "Limit": 2, "ReturnConsumedCapacity": "TOTAL"}
    expected = plain.query(TableName=config.table_name(), **asked)
    answered = connection().client.query(TableName=config.table_name(), **asked)
    for name in ("Items", "Count", "ScannedCount", "LastEvaluatedKey", "ConsumedCapacity"):
        assert answered[name] == expected[name], name


def test_a_batch_get_answers_items_as_botocore_parses_them_without_its_parsing():
    """BatchGetItem's items by table (the recurring worker's read of a batch's templates) are taken
    as sent: botocore is left only the rest of the answer; with a binary value, it parses it all."""
    plain = _plain_client()
    plain.put_item(TableName=config.table_name(), Item=EVERY_TYPE)
    plain.put_item(TableName=config.table_name(), Item=WITH_BINARY)
    shortcut = connection().client
    left_to_botocore = []
    shortcut.meta.events.register_last("before-parse.dynamodb.BatchGetItem",
                                       lambda response_dict, **_: left_to_botocore.append(response_dict["body"]))
    table = config.table_name()
    for sks in (["A"], ["A", "B"]):
        keys = {table: {"Keys": [{"PK": {"S": PK}, "SK": {"S": sk}} for sk in sks] + [
            {"PK": {"S": PK}, "SK": {"S": "absent"}}], "ConsistentRead": True}}
        expected = plain.batch_get_item(RequestItems=keys, ReturnConsumedCapacity="TOTAL")
        answered = shortcut.batch_get_item(RequestItems=keys, ReturnConsumedCapacity="TOTAL")
        ordered = [sorted(answer["Responses"][table], key=lambda item: item["SK"]["S"])
                   for answer in (expected, answered)]
        assert ordered[0] == ordered[1] and len(ordered[0]) == len(sks)
        assert answered["UnprocessedKeys"] == expected["UnprocessedKeys"]
        assert answered["ConsumedCapacity"] == expected["ConsumedCapacity"]
    text_only, with_binary = left_to_botocore
    assert b"Responses" not in text_only and b"Responses" in with_binary


def test_single_and_transactional_reads_answer_items_as_botocore_parses_them_without_its_parsing():
    """GetItem's item and TransactGetItems' items (every request's reads of its records) are taken
    as sent, absent ones included; with a binary value, botocore parses the whole answer."""
    plain = _plain_client()
    plain.put_item(TableName=config.table_name(), Item=EVERY_TYPE)
    plain.put_item(TableName=config.table_name(), Item=WITH_BINARY)
    shortcut = connection().client
    left_to_botocore = []
    for operation in ("GetItem", "TransactGetItems"):
        shortcut.meta.events.register_last(f"before-parse.dynamodb.{operation}",
                                           lambda response_dict, **_: left_to_botocore.append(response_dict["body"]))
    table = config.table_name()

    def key(sk):
        return {"PK": {"S": PK}, "SK": {"S": sk}}

    for sk in ("A", "absent", "B"):
        asked = {"TableName": table, "Key": key(sk), "ConsistentRead": True, "ReturnConsumedCapacity": "TOTAL"}
        expected, answered = plain.get_item(**asked), shortcut.get_item(**asked)
        assert answered.get("Item") == expected.get("Item") and ("Item" in expected) == (sk != "absent")
        assert answered["ConsumedCapacity"] == expected["ConsumedCapacity"]
    for sks in (["A", "absent"], ["A", "B"]):
        asked = {"TransactItems": [{"Get": {"TableName": table, "Key": key(sk)}} for sk in sks]}
        expected, answered = plain.transact_get_items(**asked), shortcut.transact_get_items(**asked)
        assert answered["Responses"] == expected["Responses"]
        assert set(expected["Responses"][0]["Item"]) == set(EVERY_TYPE)  # found, every attribute
    get_text, get_absent, get_binary, transact_text, transact_binary = left_to_botocore
    assert b"Item" not in get_text + get_absent + transact_text
    assert b"Item" in get_binary and b"Responses" in transact_binary
