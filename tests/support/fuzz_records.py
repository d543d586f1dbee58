"""Records for the OpenAPI fuzz run: one or two of each kind, so that schemathesis' cases reach
the answers an existing record gives (an edit, an issue, an allocation), not only 404."""
from typing import Dict, List

LINES = [{"description": "Fuzzed service", "quantity": "2", "unit_price": "12.50"}]


def seed_records(api, keys: Dict[str, str]) -> Dict[str, List[str]]:
    """Ids by path prefix (and by the parameter names that name another resource)."""
    customer = api.post("/customers", {"name": "Fuzzed Customer", "emails": ["fuzz@example.com"],
                                       "billing_address": {"line1": "1 Road", "country": "GB"}}).body["id"]
    draft = _invoice(api, customer)
    issued = _invoice(api, customer)
    api.post(f"/invoices/{issued}/issue", {})
    note = api.post(f"/invoices/{issued}/credit-notes", {"reason": "fuzz", "amount": "1.00"}).body["id"]
    issued_note = api.post(f"/invoices/{issued}/credit-notes", {"reason": "fuzz", "amount": "2.00"}).body["id"]
    api.post(f"/credit-notes/{issued_note}/issue", {})
    payment = api.post("/payments", {"customer_id": customer, "amount": "5.00"}).body["id"]
    product = api.post("/products", {"name": "Fuzzed Product", "unit_price": "3.00"}).body["id"]
    api.post(f"/payments/{payment}/allocations", {"allocations": [{"invoice_id": issued, "amount": "1.00"}]})
    ids = {
        "/customers": [customer],
        "/products": [product],
        "/invoices": [draft, issued],
        "/credit-notes": [note, issued_note],
        "/estimates": [api.post("/estimates", {"customer_id": customer, "lines": LINES}).body["id"]],
        "/payments": [payment],
        "/recurring-invoices": [api.post("/recurring-invoices", {
            "name": "Fuzzed", "customer_id": customer, "lines": LINES,
            "schedule": {"unit": "month", "interval": 1, "start_date": "2030-01-31"}}).body["id"]],
        "/exports": [api.post("/exports", {"resource": "products", "format": "csv"}).body["id"]],
        "/uploads": [api.post("/uploads", {"kind": "customers", "files": [{"name": "a.csv", "size": 10}]}).body["id"]],
        "/tenants": [keys["tenant_id"]],
    }
    ids.update(invoice_id=[issued], customer_id=[customer], product_id=[product], key_id=[keys["key_id"]],
               kind=["customers", "products", "invoices"])
    return ids


def _invoice(api, customer: str) -> str:
    return api.post("/invoices", {"customer_id": customer, "lines": LINES}).body["id"]


def existing_ids(ids: Dict[str, List[str]], path: str, name: str) -> List[str]:
    """The ids an operation's path parameter may take: those of the path's own resource for the
    parameter right after its first segment, else by the parameter's name (invoice_id in an
    allocation, key_id, kind)."""
    first = "/" + path.split("/")[1]
    if path.startswith(f"{first}/{{{name}}}"):
        return ids.get(first, [])
    return ids.get(name, [])


# Body fields that name another record: a generated id names nothing, so the body stops at a 422.
REFERENCES = ("customer_id", "product_id", "invoice_id")


def with_references(value, ids: Dict[str, List[str]], draw):
    """The body with each reference (at any depth: a line's product_id) drawn from the seeded ids
    or kept as generated, so cases also reach what a valid reference leads to."""
    if isinstance(value, list):
        return [with_references(v, ids, draw) for v in value]
    if not isinstance(value, dict):
        return value
    return {k: (draw(ids[k] + [v]) if k in REFERENCES and isinstance(v, str) else with_references(v, ids, draw))
            for k, v in value.items()}
