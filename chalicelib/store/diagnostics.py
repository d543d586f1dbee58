"""Counting DynamoDB calls, for the tests and benchmarks that hold us to a budget."""
from collections import Counter
from contextlib import contextmanager

from .models import connection


@contextmanager
def count_dynamodb_calls():
    """Counts every DynamoDB API call made in the block, by operation name."""
    calls = Counter()

    def record(model, **_):
        calls[model.name] += 1

    events = connection().client.meta.events
    events.register("before-call.dynamodb", record)
    try:
        yield calls
    finally:
        events.unregister("before-call.dynamodb", record)
