import pytest


@pytest.fixture(autouse=True)
def _uses_local_aws(local_aws):
    """Every test here talks to DynamoDB Local and moto over the wire."""
