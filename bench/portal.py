"""The customer portal's pages: DynamoDB calls and CPU time per page view, warm.

A page is the whole request in-process (Chalice's local gateway, no authorizer: the token is the
key): the token and the document read in one TransactGetItems, the view written to the
document's history. CPU is this process's (DynamoDB Local runs apart), so it includes boto3's
own work on the two calls; rendering alone is measured too.

    python bench/portal.py [--views 200]
"""
import argparse
import time
from collections import Counter
from datetime import date
from statistics import median
from urllib.parse import urlsplit

from stack import local_stack  # sets the environment: import it before chalicelib

from chalicelib.store.diagnostics import count_dynamodb_calls  # noqa: E402

TARGET_MS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--views", type=int, default=200)
    views = parser.parse_args().views
    with local_stack():
        from app import app
        from tests.support.api import Api, gateway_client

        with gateway_client(app) as client:
            admin = Api(client, "bench-admin-key")
            tenant = admin.post("/tenants", {"legal_name": "Bench Ltd"}).body
            api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
            customer = api.post("/customers", {"name": "Bench Customer"}).body
            lines = [{"description": f"Item {n}", "quantity": "2", "unit_price": "19.99"} for n in range(10)]
            draft = api.post("/invoices", {"customer_id": customer["id"], "lines": lines}).body
            api.post(f"/invoices/{draft['id']}/issue", {})
            link = api.post(f"/customers/{customer['id']}/portal-links", {"document_id": draft["id"]}).body
            path = urlsplit(link["url"]).path
            client.http.get(path)  # warm: modules imported, the tenant's time zone kept
            _page_views(client, path, views)
            _rendering(tenant["id"], draft["id"], views)


def _page_views(client, path: str, views: int) -> None:
    cpu, calls = [], Counter()
    for _ in range(views):
        with count_dynamodb_calls() as counted:
            started = time.thread_time()
            assert client.http.get(path).status_code == 200
            cpu.append((time.thread_time() - started) * 1000)
        calls += counted
    per_view = {name: count / views for name, count in sorted(calls.items())}
    print(f"invoice page (10 lines), {views} warm views: DynamoDB calls per view {per_view}")
    print(f"  CPU per view: median {median(cpu):.2f} ms, p95 {sorted(cpu)[int(views * 0.95) - 1]:.2f} ms "
          f"(target < {TARGET_MS:.0f} ms) -> {'OK' if median(cpu) < TARGET_MS else 'OVER'}")


def _rendering(tenant_id: str, invoice_id: str, views: int) -> None:
    from chalicelib.render.portal_html import document_page
    from chalicelib.services.document_types import INVOICE
    from chalicelib.services.document_view import present_document

    item = INVOICE.store.get(tenant_id, invoice_id)
    started = time.thread_time()
    for _ in range(views):
        document_page(present_document(item, today=date.today()), "INVOICE", {"pdf": "x/pdf"})
    print(f"  of which presenting and rendering the HTML: {(time.thread_time() - started) * 1000 / views:.2f} ms")


if __name__ == "__main__":
    main()
