"""DynamoDB request units per operation through the whole app (gateway, authorizer, validation,
services) and the jobs it queues. The figures the cost model in infra/README.md is built from.

Read units as DynamoDB Local reports them (ReturnConsumedCapacity=TOTAL, table and indexes); write
units worked out from the sizes of the items written (write_units.py), as DynamoDB Local reports
one item's units for a whole TransactWriteItems.

    python bench/units.py [--repeat 20]
"""
import argparse
from statistics import median

from stack import local_stack  # sets the environment: import it before chalicelib

import capacity  # noqa: E402
from seed_templates import AS_OF, seed  # noqa: E402
from write_units import WriteUnits  # noqa: E402

from chalicelib.jobs.recurring import generate_due  # noqa: E402

LINES = 10


def main() -> None:
    repeat = _arguments().repeat
    with local_stack():
        from app import app
        from tests.support.api import Api, gateway_client
        from tests.support.jobs import drain_jobs_queue

        meter, units = capacity.install(), WriteUnits()
        with gateway_client(app) as client:
            admin = Api(client, "bench-admin-key")
            tenant = admin.post("/tenants", {"legal_name": "Bench Ltd"}).body
            api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
            customer = {"name": "Bench Customer", "emails": ["a@bench.example"], "payment_terms_days": 14,
                        "billing_address": {"line1": "1 Road", "city": "Leeds", "country": "GB"}}
            cid = api.post("/customers", customer).body["id"]
            draft = {"customer_id": cid, "currency": "GBP", "lines": [
                {"description": f"Service {i}", "quantity": "2", "unit_price": "49.50", "vat_rate": "20"}
                for i in range(LINES)]}
            first = api.post("/invoices", draft).body["id"]
            api.post(f"/invoices/{first}/issue", {})  # the first issue creates the number series
            drain_jobs_queue()
            rows = []

            def measure(label, action, prepare=lambda: None):
                figures = []
                for _ in range(repeat):
                    prepare()
                    with meter.measuring() as counts, units.counting() as written:
                        action()
                    figures.append((counts["rcu"], written["units"]))
                rows.append((label, median(f[0] for f in figures), median(f[1] for f in figures)))

            invoices = []
            measure("POST /customers", lambda: api.post("/customers", customer))
            measure(f"POST /invoices ({LINES} lines)", lambda: invoices.append(api.post("/invoices", draft).body["id"]))
            issued = iter(list(invoices))
            measure("POST /invoices/{id}/issue", lambda: _ok(api.post(f"/invoices/{next(issued)}/issue", {})))
            drain_jobs_queue()
            more = iter([api.post("/invoices", draft).body["id"] for _ in range(repeat)])
            measure("PDF job of one issued invoice (jobs worker)", drain_jobs_queue,
                    prepare=lambda: _ok(api.post(f"/invoices/{next(more)}/issue", {})))
            sent = iter(list(invoices))
            measure("POST /invoices/{id}/send (email with PDF)", lambda: _ok(api.post(f"/invoices/{next(sent)}/send", {})))
            templates = iter(_recurring(app, repeat, units))
            measure("recurring invoice generated and issued (jobs worker, 5-line template)",
                    lambda: generate_due(*next(templates), AS_OF))
            measure("GET /invoices/{id}", lambda: _ok(api.get(f"/invoices/{first}")))
            measure("GET /invoices?limit=50", lambda: _ok(api.get("/invoices?limit=50")))
            measure("GET /customers/{id}", lambda: _ok(api.get(f"/customers/{cid}")))
        print(f"Request units per operation, median of {repeat} (table and indexes; writes from item sizes):")
        print("| operation | read units | write units |")
        print("|---|---|---|")
        for label, rcu, wcu in rows:
            print(f"| {label} | {rcu:.1f} | {wcu:.1f} |")


def _recurring(app, count: int, units: WriteUnits):
    """(tenant id, template id) of `count` due templates of one tenant, whose number series exists."""
    seeded = seed(app, count + 1, "Recurring Ltd")
    units.remember(seeded.items)
    (first, tenant_id), *rest = seeded.templates.items()
    generate_due(tenant_id, first, AS_OF)  # the first issue creates the number series
    return [(tenant_id, template_id) for template_id, _ in rest]


def _ok(answer):
    assert answer.status < 300, answer.body
    return answer


def _arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    return parser.parse_args()


if __name__ == "__main__":
    main()
