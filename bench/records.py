"""Customers and products against DynamoDB Local: DynamoDB calls per request and throughput.

Each request goes through the whole app in-process (Chalice's local gateway, the
authorizer, validation, services), as API Gateway would send it.

    python bench/records.py [--records 500]
"""
import argparse
import json
import time

from stack import local_stack  # sets the environment: import it before chalicelib

from chalicelib.store.diagnostics import count_dynamodb_calls  # noqa: E402
from chalicelib.store.reads import CACHE  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=500)
    count = parser.parse_args().records
    with local_stack():
        from app import app
        from tests.support.api import Api, gateway_client

        with gateway_client(app) as client:
            admin = Api(client, "bench-admin-key")
            tenant = admin.post("/tenants", {"legal_name": "Bench Ltd"}).body
            api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
            customer = {"name": "Bench Customer", "emails": ["a@bench.example"], "payment_terms_days": 14,
                        "billing_address": {"line1": "1 Road", "city": "Leeds", "country": "GB"}}
            product = {"name": "Widget", "unit_price": "9.99", "code": "W-0"}
            print("DynamoDB calls per request (the API key lookup is the GetItem in each):")
            sample = _measure(lambda: api.post("/customers", customer), "create customer")
            cid = sample.body["id"]
            _measure(lambda: api.get(f"/customers/{cid}"), "get customer (with balances)")
            _measure(lambda: api.get("/customers?limit=50"), "list customers")
            _measure(lambda: api.get("/customers?q=bench"), "search customers")
            _measure(lambda: api.patch(f"/customers/{cid}", {"notes": "warm"}), "update customer (warm)")
            CACHE.clear()
            _measure(lambda: api.patch(f"/customers/{cid}", {"notes": "cold"}), "update customer (cold)")
            _measure(lambda: api.post(f"/customers/{cid}/archive"), "archive customer (warm)")
            _measure(lambda: api.get(f"/customers/{cid}/history"), "customer history")
            pid = _measure(lambda: api.post("/products", product), "create product (claims its code)").body["id"]
            _measure(lambda: api.get(f"/products/{pid}"), "get product")
            _measure(lambda: api.patch(f"/products/{pid}", {"unit_price": "10.49"}), "update product (warm)")

            started = time.perf_counter()
            for i in range(count):
                api.post("/products", {**product, "code": f"W-{i + 1}"})
            created = time.perf_counter() - started
            started = time.perf_counter()
            for _ in range(count):
                api.get(f"/products/{pid}")
            read = time.perf_counter() - started
            print(f"{count} product creates: {created:.2f} s ({count / created:.0f}/s); "
                  f"{count} gets: {read:.2f} s ({count / read:.0f}/s), one client, through the whole app")


def _measure(request, label):
    with count_dynamodb_calls() as calls:
        answer = request()
    assert answer.status < 300, json.dumps(answer.body)
    print(f"  {label:34s} {sum(calls.values())} calls {dict(calls)}")
    return answer


if __name__ == "__main__":
    main()
