"""Tenants are sealed: every tenant route, replayed with another tenant's key and ids, answers 404."""
import re

import app  # noqa: F401  (declares every route)
from chalicelib.api.routing import READ, ROUTES, WRITE

TENANT_ROUTES = [doc for doc in ROUTES if doc.access in (READ, WRITE)]


# Bodies that pass validation, so that the route reaches the lookup that must answer 404.
VALID_BODIES = {
    "/void": {"reason": "test"},
    "/allocations": {"allocations": [{"invoice_id": "inv_x", "amount": "1"}]},
    "/refunds": {"amount": "1"},
    "/split": {"lines": [0]},
    "/print-ready": {"print_ready": True},
    "/credit-notes": {"reason": "test"},
    "/versions": {"effective_from": "2026-01-01", "csv": "prefix,destination,price_per_minute,increment\n44,UK,1,1/1"},
    "/change-package": {"package_id": "pkg_x", "effective_from": "2026-01-01"},
}


def valid_body(doc):
    if doc.method not in ("POST", "PATCH"):
        return None
    return next((body for suffix, body in VALID_BODIES.items() if doc.path.endswith(suffix)), {})


def make_records(api):
    """One record of every kind a tenant route can address, keyed by path prefix."""
    customer_id = api.post("/customers", {"name": "Sealed Customer"}).body["id"]
    invoice = api.post("/invoices", {"customer_id": customer_id,
                                     "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]})
    return {
        "/customers": customer_id,
        "/products": api.post("/products", {"name": "Sealed Product", "unit_price": "1"}).body["id"],
        "/invoices": invoice.body["id"],
        "/payments": api.post("/payments", {"customer_id": customer_id, "amount": "5"}).body["id"],
        "/credit-notes": _credit_note(api, invoice.body["id"]),
        "/estimates": api.post("/estimates", {"customer_id": customer_id, "lines": [
            {"description": "x", "quantity": "1", "unit_price": "1"}]}).body["id"],
        "/exports": api.post("/exports", {"resource": "products", "format": "csv"}).body["id"],
        "/recurring-invoices": api.post("/recurring-invoices", {
            "name": "sealed", "customer_id": customer_id,
            "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}],
            "schedule": {"unit": "month", "interval": 1, "start_date": "2030-01-31"}}).body["id"],
        # /uploads/templates/{kind} too: an id is no kind, so that answers 404 as well.
        "/uploads": api.post("/uploads", {"kind": "customers", "files": [{"name": "a.csv", "size": 10}]}).body["id"],
        **_catalogue(api, customer_id),
        "/accounting/xero-push": api.post("/accounting/xero-push", {
            "access_token": "sealed-token", "xero_tenant_id": "org-1",
            "from": "2026-10-01", "to": "2026-10-31"}).body["id"],
    }


def _catalogue(api, customer_id):
    card_id = api.post("/rate-cards", {"name": "Sealed card"}).body["id"]
    package_id = api.post("/packages", {"name": "Sealed", "fee": "1", "period": {"unit": "month", "interval": 1},
                                        "rate_card_id": card_id}).body["id"]
    subscription_id = api.post("/subscriptions", {"customer_id": customer_id, "package_id": package_id,
                                                  "start_date": "2030-01-01"}).body["id"]
    return {"/rate-cards": card_id, "/packages": package_id, "/subscriptions": subscription_id}


def _credit_note(api, invoice_id):
    api.post(f"/invoices/{invoice_id}/issue", {})
    return api.post(f"/invoices/{invoice_id}/credit-notes", {"reason": "sealed", "amount": "1"}).body["id"]


def snapshot(api, ids):
    return {prefix: (api.get(f"{prefix}/{record_id}").body,
                     api.get(f"{prefix}/{record_id}/history").body)
            for prefix, record_id in ids.items()}


def test_every_route_with_an_id_answers_404_to_another_tenant(tenant, new_tenant):
    intruder = new_tenant()
    ids = make_records(tenant)
    before = snapshot(tenant, ids)
    routes_with_ids = [doc for doc in TENANT_ROUTES if "{" in doc.path]
    assert routes_with_ids, "no tenant routes with ids were found"
    for doc in routes_with_ids:
        prefix = next((p for p in ids if doc.path.startswith(p + "/")), None)
        assert prefix, f"add a record for {doc.path} to make_records()"
        path = re.sub(r"{\w+}", ids[prefix], doc.path)
        answer = intruder.call(doc.method, path, valid_body(doc))
        assert answer.status == 404, (doc.method, doc.path, answer.body)
        assert answer.body["error"]["code"] == "not_found"
    assert snapshot(tenant, ids) == before


def test_lists_show_only_the_callers_records(tenant, new_tenant):
    intruder = new_tenant()
    make_records(tenant)
    for doc in TENANT_ROUTES:
        if doc.list_response and "{" not in doc.path:
            answer = intruder.get(doc.path)
            assert answer.status == 200 and answer.body["data"] == [], doc.path
    assert intruder.get("/dashboard").body == {"from": None, "to": None, "customers": 0, "currencies": []}


def test_a_cursor_from_another_tenant_is_refused(tenant, new_tenant):
    intruder = new_tenant()
    for i in range(3):
        tenant.post("/customers", {"name": f"C{i}"})
    cursor = tenant.get("/customers?limit=1").body["next_cursor"]
    answer = intruder.get(f"/customers?limit=1&cursor={cursor}")
    assert answer.status == 400 and answer.error_fields == ["cursor"]


def test_the_tenant_comes_from_the_key_alone(tenant, new_tenant):
    intruder = new_tenant()
    answer = intruder.post("/customers", {"name": "x", "tenant_id": tenant.tenant_id})
    assert answer.status == 400
    assert intruder.get("/tenant").body["id"] == intruder.tenant_id
