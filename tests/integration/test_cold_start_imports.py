"""What a cold start must not load: at `import app` (every Lambda's), what the API's routes need only
on some requests, loaded by those (chalicelib/lazy.py); on the API function's first invoice
requests, what only other routes, jobs or files use. bench/cold_start.py times the rest."""
import json
import os
import subprocess
import sys
from pathlib import Path

from chalicelib.services.api_keys import create_api_key
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.records import Actor, create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.unit_of_work import UnitOfWork

ROOT = Path(__file__).resolve().parents[2]
# Renderers and readers of files, the jobs, and the usage and rating code of the catalogue's routes
# (packages, subscriptions, rate cards, usage records: their schemas name only domain/usage_terms),
# and the portal's page renderer (its own routes only).
NEVER_ON_INVOICE_REQUESTS = (
    "fpdf", "xlsxwriter", "PIL", "fontTools", "openpyxl", "lxml", "chalicelib.jobs", "chalicelib.imports",
    "chalicelib.render.portal_html", "chalicelib.render.statement_rows",
    "chalicelib.domain.usage_lines", "chalicelib.domain.rating", "chalicelib.domain.rate_card_rows",
    "chalicelib.domain.usage_records", "chalicelib.domain.billing_periods",
    # boto3 is the S3, SQS and SES client; DynamoDB is reached through pynamodb and botocore alone.
    "boto3", "s3transfer")
# What only issuing, voiding and crediting use (the customer's ledger, the dashboard sums, the limits
# of what credit notes take back): a draft is created and read without them.
NOT_FOR_A_DRAFT = ("chalicelib.services.money_events", "chalicelib.store.ledger", "chalicelib.domain.credits")
# The AWS SDK and the store: loaded by a route's first request.
NEVER_AT_IMPORT = NEVER_ON_INVOICE_REQUESTS + ("botocore.client", "pynamodb", "chalicelib.store",
                                               "chalicelib.services")

FIRST_INVOICE_REQUESTS = """
import json, sys
import app

def event(method, resource, path, body=None, params=None):
    return {"resource": resource, "path": path, "httpMethod": method, "body": body,
            "headers": {"Content-Type": "application/json"}, "multiValueQueryStringParameters": None,
            "pathParameters": params, "stageVariables": None, "isBase64Encoded": False,
            "requestContext": {"resourcePath": resource, "httpMethod": method, "path": path, "stage": "api",
                               "requestId": "r1", "identity": {"sourceIp": "127.0.0.1"}, "authorizer": IDENTITY}}

made = app.app(event("POST", "/invoices", "/invoices", BODY), None)
assert made["statusCode"] == 201, made
invoice_id = json.loads(made["body"])["id"]
got = app.app(event("GET", "/invoices/{document_id}", "/invoices/" + invoice_id, None,
                    {"document_id": invoice_id}), None)
assert got["statusCode"] == 200, got
print("\\n".join(sys.modules))
"""


def _loaded(script: str) -> list:
    env = {**os.environ, "AWS_REGION": os.environ.get("AWS_REGION", "eu-west-2")}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout.split()


def _among(loaded: list, packages: tuple) -> list:
    return [m for m in loaded if m in packages or m.startswith(tuple(p + "." for p in packages))]


def test_import_app_leaves_what_only_some_requests_use_for_them():
    assert _among(_loaded("import sys, app; print('\\n'.join(sys.modules))"), NEVER_AT_IMPORT) == []


def test_the_first_invoice_requests_load_neither_boto3_nor_other_routes_code():
    actor = Actor("cold-start")
    tenant = create_tenant(UnitOfWork(), actor, {"legal_name": "Cold Start Ltd"})
    key, _ = create_api_key(UnitOfWork(), tenant, actor, {"scopes": ["read", "write"]})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, actor, {"name": "Acme Trading"})
    identity = {"role": "tenant", "tenant_id": tenant.id, "key_id": key.id, "scopes": "read,write",
                "base_currency": "GBP", "principalId": "caller"}
    body = json.dumps({"customer_id": customer.id,
                       "lines": [{"description": "Consulting", "quantity": "2", "unit_price": "95.00"}]})
    loaded = _loaded(f"IDENTITY = {identity!r}\nBODY = {body!r}\n" + FIRST_INVOICE_REQUESTS)
    assert "chalicelib.services.drafts" in loaded  # the requests were served by the app's own code
    assert _among(loaded, NEVER_ON_INVOICE_REQUESTS + NOT_FOR_A_DRAFT) == []
