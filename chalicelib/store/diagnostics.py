"""Watching DynamoDB calls, for the tests and benchmarks that hold us to a budget."""
import copy
from collections import Counter
from contextlib import contextmanager

from .models import connection


@contextmanager
def count_dynamodb_calls():
    """Counts every DynamoDB API call made in the block, by operation name."""
    calls = Counter()

    def record(model, **_):
        calls[model.name] += 1

    with _listening("before-call.dynamodb", record):
        yield calls


@contextmanager
def captured_transactions():
    """The TransactWriteItems requests made in the block, as sent."""
    requests = []

    def keep(params, **_):
        requests.append(copy.deepcopy(params))

    with _listening("provide-client-params.dynamodb.TransactWriteItems", keep):
        yield requests


@contextmanager
def _listening(event: str, handler):
    events = connection().client.meta.events
    events.register(event, handler)
    try:
        yield
    finally:
        events.unregister(event, handler)
