"""Many recurring templates in seconds, stored exactly as the service stores them.

One tenant, customer and template are made through the API (Chalice's local gateway, as a
client would); the template's transaction is captured as sent, and its items are written again
under fresh template ids with BatchWriteItem (no history or counter differs but the id; the
history item's key follows its template). A few copies are read back through the API and must
answer as the original does, but for their ids. Creating 10,000 through the API took 20-30
minutes on the loaded machine; this takes well under one.
"""
import json
import random
from datetime import datetime, timezone
from typing import Dict, List, NamedTuple, Tuple

import boto3

from chalicelib import config
from chalicelib.store.diagnostics import captured_transactions
from chalicelib.store.keys import new_id

TEMPLATE = {"name": "Retainer", "action": "issue", "missed": "generate_each",
            "lines": [{"description": f"Service {i}", "quantity": "1", "unit_price": "99.50"} for i in range(5)],
            "schedule": {"unit": "month", "interval": 1, "start_date": "2026-01-31"}}
AS_OF = datetime(2026, 2, 1, tzinfo=timezone.utc)  # when the templates' occurrence 0 (31 January) is due
BATCH_ITEMS = 25  # BatchWriteItem's most
CHECKED = 5


class Seeded(NamedTuple):
    templates: Dict[str, str]  # template id -> tenant id
    items: List[dict]  # every template's items as stored (for write_units.WriteUnits.remember)


def seed(app, count: int, tenant_name: str = "Bench Ltd") -> Seeded:
    """`count` monthly five-line templates from 31 January 2026 of a new tenant, to be issued."""
    from tests.support.api import Api, gateway_client

    with gateway_client(app) as client:
        admin = Api(client, "bench-admin-key")
        tenant_id = _created(admin.post("/tenants", {"legal_name": tenant_name}))["id"]
        api = Api(client, _created(admin.post(f"/tenants/{tenant_id}/api-keys", {}))["api_key"])
        customer_id = _created(api.post("/customers", {"name": "Customer", "currency": "GBP",
                                                       "payment_terms_days": 30}))["id"]
        with captured_transactions() as sent:
            original = _created(api.post("/recurring-invoices", {**TEMPLATE, "customer_id": customer_id}))
        (request,) = sent
        ids, copies = write_copies(request, original["id"], count - 1)
        for template_id in random.sample(ids, min(CHECKED, len(ids))):
            copy = api.get(f"/recurring-invoices/{template_id}")
            assert copy.status == 200 and copy.body == {**original, "id": template_id}, copy.body
    return Seeded(dict.fromkeys([original["id"], *ids], tenant_id), _items(request) + copies)


def write_copies(request: dict, original_id: str, count: int) -> Tuple[List[str], List[dict]]:
    """The items a captured create transaction put, written again `count` times under fresh
    template ids (BatchWriteItem); the new ids and the items written."""
    sample = json.dumps(_items(request))
    ids = [new_id("rec") for _ in range(count)]
    copies = [item for i in ids for item in json.loads(sample.replace(original_id, i))]
    _batch_write(copies)
    return ids, copies


def _items(request: dict) -> List[dict]:
    return [body["Item"] for entry in request["TransactItems"] for body in entry.values()]


def _created(answer):
    assert answer.status == 201, answer.body
    return answer.body


def _batch_write(items: List[dict]) -> None:
    client, table = boto3.client("dynamodb"), config.table_name()
    for start in range(0, len(items), BATCH_ITEMS):
        pending = {table: [{"PutRequest": {"Item": item}} for item in items[start:start + BATCH_ITEMS]]}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
