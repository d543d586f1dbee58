"""The one table: its keys, indexes and TTL, defined once.

The pynamodb models, the local stack, the tests and the CDK stack all build the
table from this module, so the definition cannot drift between them.
"""
from typing import Any, Dict, List

HASH_KEY = "PK"
RANGE_KEY = "SK"
# Generic global secondary indexes; each has <NAME>PK / <NAME>SK string keys and
# projects every attribute. Entities give them meaning (see store/keys.py).
INDEX_NAMES = ("GSI1", "GSI2", "GSI3", "GSI4", "GSI5")
TTL_ATTRIBUTE = "expires_at"


def index_keys(index: str) -> tuple:
    return f"{index}PK", f"{index}SK"


def _index_definition(index: str) -> Dict[str, Any]:
    pk, sk = index_keys(index)
    return {
        "IndexName": index,
        "KeySchema": [
            {"AttributeName": pk, "KeyType": "HASH"},
            {"AttributeName": sk, "KeyType": "RANGE"},
        ],
        "Projection": {"ProjectionType": "ALL"},
    }


def attribute_definitions() -> List[Dict[str, str]]:
    names = [HASH_KEY, RANGE_KEY] + [k for i in INDEX_NAMES for k in index_keys(i)]
    return [{"AttributeName": n, "AttributeType": "S"} for n in names]


def create_table_request(table_name: str) -> Dict[str, Any]:
    """Keyword arguments for DynamoDB CreateTable (on-demand billing)."""
    return {
        "TableName": table_name,
        "KeySchema": [
            {"AttributeName": HASH_KEY, "KeyType": "HASH"},
            {"AttributeName": RANGE_KEY, "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": attribute_definitions(),
        "GlobalSecondaryIndexes": [_index_definition(i) for i in INDEX_NAMES],
        "BillingMode": "PAY_PER_REQUEST",
    }


def ensure_table(client, table_name: str) -> None:
    """Create the table, or add any index a newer version of the code defines.

    Used by the local stack and the tests; in AWS the CDK stack owns the table.
    """
    try:
        existing = client.describe_table(TableName=table_name)["Table"]
    except client.exceptions.ResourceNotFoundException:
        client.create_table(**create_table_request(table_name))
        client.get_waiter("table_exists").wait(TableName=table_name)
        return
    present = {i["IndexName"] for i in existing.get("GlobalSecondaryIndexes", [])}
    for index in INDEX_NAMES:
        if index not in present:
            client.update_table(
                TableName=table_name,
                AttributeDefinitions=attribute_definitions(),
                GlobalSecondaryIndexUpdates=[{"Create": _index_definition(index)}],
            )
