"""Requests sent as built (store/raw_items.py): a transaction's or a batch read's body is the JSON
botocore's own serializer writes from the same parameters, byte for byte, and so are the method,
headers and URL; a request holding bytes is botocore's whole (base64)."""
import botocore.session
from botocore.config import Config
from hypothesis import given, strategies as st

from chalicelib.store.raw_items import send_requests_as_built

_scalar = st.one_of(
    st.builds(lambda s: {"S": s}, st.text()),
    st.builds(lambda n: {"N": str(n)}, st.decimals(allow_nan=False, allow_infinity=False)),
    st.builds(lambda b: {"BOOL": b}, st.booleans()),
    st.just({"NULL": True}),
    st.builds(lambda s: {"SS": s}, st.lists(st.text(), min_size=1, max_size=3, unique=True)),
    st.builds(lambda n: {"NS": [str(i) for i in n]}, st.lists(st.integers(), min_size=1, max_size=3, unique=True)))
_value = st.recursive(_scalar, lambda inner: st.one_of(
    st.builds(lambda m: {"M": m}, st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    st.builds(lambda l: {"L": l}, st.lists(inner, max_size=3))), max_leaves=8)
_binary = st.one_of(st.builds(lambda b: {"B": b}, st.binary(max_size=8)),
                    st.builds(lambda b: {"BS": b}, st.lists(st.binary(min_size=1, max_size=4), min_size=1, max_size=2,
                                                            unique=True)))
_names = st.dictionaries(st.from_regex(r"#[a-z]{1,3}", fullmatch=True), st.text(min_size=1, max_size=5), max_size=2)


def _key(value):
    return st.fixed_dictionaries({"PK": st.builds(lambda s: {"S": s}, st.text(min_size=1)), "SK": value})


def _conditioned(value, **required):
    return st.fixed_dictionaries({"TableName": st.just("invoicing"), **required}, optional={
        "ConditionExpression": st.text(min_size=1, max_size=20), "ExpressionAttributeNames": _names,
        "ExpressionAttributeValues": st.dictionaries(st.from_regex(r":[a-z]{1,3}", fullmatch=True), value,
                                                     max_size=2),
        "ReturnValuesOnConditionCheckFailure": st.sampled_from(["ALL_OLD", "NONE"])})


def _transaction(value):
    action = st.one_of(
        st.builds(lambda put: {"Put": put},
                  _conditioned(value, Item=st.dictionaries(st.text(min_size=1, max_size=6), value, max_size=5))),
        st.builds(lambda check: {"ConditionCheck": check}, _conditioned(value, Key=_key(value))),
        st.builds(lambda delete: {"Delete": delete}, _conditioned(value, Key=_key(value))),
        st.builds(lambda update: {"Update": update},
                  _conditioned(value, Key=_key(value), UpdateExpression=st.text(min_size=1, max_size=20))))
    return st.fixed_dictionaries({"TransactItems": st.lists(action, min_size=1, max_size=5)}, optional={
        "ReturnConsumedCapacity": st.sampled_from(["TOTAL", "NONE", "INDEXES"]),
        "ClientRequestToken": st.text(min_size=1, max_size=36)})


def _batch_read(value):
    return st.fixed_dictionaries({"RequestItems": st.dictionaries(st.sampled_from(["invoicing", "other"]),
                                                                  st.fixed_dictionaries({
                                                                      "Keys": st.lists(_key(value), min_size=1,
                                                                                       max_size=4)},
                                                                      optional={"ConsistentRead": st.booleans()}),
                                                                  min_size=1)},
                                 optional={"ReturnConsumedCapacity": st.just("TOTAL")})


def _clients():
    """botocore's client as pynamodb makes it (no parameter validation), and one with the shortcut."""
    session = botocore.session.get_session()
    make = lambda: session.create_client("dynamodb", region_name="eu-west-2", aws_access_key_id="a",  # noqa: E731
                                         aws_secret_access_key="b", config=Config(parameter_validation=False))
    plain, shortcut = make(), make()
    send_requests_as_built(shortcut)
    send_requests_as_built(shortcut)  # again: changes nothing
    return plain, shortcut


PLAIN, SHORTCUT = _clients()


def _serialized(client, operation, parameters):
    model = client.meta.service_model.operation_model(operation)
    return client._serializer.serialize_to_request(parameters, model)


@given(st.one_of(st.tuples(st.just("TransactWriteItems"), _transaction(_value)),
                 st.tuples(st.just("BatchGetItem"), _batch_read(_value))))
def test_a_request_is_what_botocore_serializes(request):
    operation, parameters = request
    assert _serialized(SHORTCUT, operation, parameters) == _serialized(PLAIN, operation, parameters)


@given(_transaction(_value), _binary)
def test_a_request_with_bytes_is_botocores_base64(parameters, binary):
    parameters["TransactItems"].append({"Put": {"TableName": "invoicing", "Item": {"PK": {"S": "a"}, "logo": binary}}})
    expected = _serialized(PLAIN, "TransactWriteItems", parameters)
    assert _serialized(SHORTCUT, "TransactWriteItems", parameters) == expected


def test_botocore_walks_only_what_the_shortcut_leaves_it():
    session = botocore.session.get_session()
    client = session.create_client("dynamodb", region_name="eu-west-2", aws_access_key_id="a",
                                   aws_secret_access_key="b", config=Config(parameter_validation=False))
    walked, serialize = [], client._serializer.serialize_to_request
    client._serializer.serialize_to_request = lambda parameters, model: walked.append(parameters) or serialize(
        parameters, model)
    send_requests_as_built(client)
    text = {"TransactItems": [{"Put": {"TableName": "invoicing", "Item": {"PK": {"S": "a"}}}}]}
    binary = {"TransactItems": [{"Put": {"TableName": "invoicing", "Item": {"PK": {"B": b"a"}}}}]}
    for parameters in (text, binary):
        _serialized(client, "TransactWriteItems", parameters)
    assert walked == [{}, binary]


def test_other_operations_and_the_shortcut_installed_once():
    parameters = {"TableName": "invoicing", "Key": {"PK": {"S": "a"}, "SK": {"B": b"\x00"}}}
    assert _serialized(SHORTCUT, "GetItem", parameters) == _serialized(PLAIN, "GetItem", parameters)
    assert not isinstance(SHORTCUT._serializer._serializer, type(SHORTCUT._serializer))
