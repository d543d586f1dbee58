"""Templates saved before a template could name at most 80 products (the limit came with commit de3d557)
may name up to 95, as many as one read of the records an invoice names could take then: each of their
occurrences is generated like any other, never failed on every delivery into the dead-letter queue; one
naming more than any invoice may (only writable to the table directly) pauses, saying why."""
from decimal import Decimal

from chalicelib.services.recurring import TEMPLATES
from tests.api.test_recurring import retainer, template  # noqa: F401 (a fixture)
from tests.api.test_recurring_held import FEBRUARY, JANUARY, delivered, generated


def products(api, count):
    return [api.post("/products", {"name": f"Part {i}", "unit_price": "1.00"}).body["id"] for i in range(count)]


def stored_with(api, made, product_ids):
    """The template as the code before the limit saved it: one line per product, quantity 1."""
    item = TEMPLATES.store.get(api.tenant_id, made["id"])
    item.data["lines"] = [{"product_id": product_id, "quantity": Decimal(1)} for product_id in product_ids]
    item.save()


def test_a_template_stored_with_90_products_generates_and_issues_each_occurrence(retainer):
    ids = products(retainer, 90)
    made = template(retainer, {"lines": [{"product_id": i, "quantity": "1"} for i in ids[:80]],
                               "action": "issue"}, start_date="2026-01-15")
    stored_with(retainer, made, ids)
    assert delivered(retainer, made, JANUARY) == []
    assert delivered(retainer, made, JANUARY, times=2) == []
    assert delivered(retainer, made, FEBRUARY) == []
    january, february = generated(retainer, made)
    for invoice in (january, february):
        assert invoice["status"] == "issued" and invoice["number"] and not invoice.get("not_issued"), invoice
        assert len(invoice["lines"]) == 90 and invoice["totals"]["net"] == "90.00"
    shown = retainer.get(f"/recurring-invoices/{made['id']}").body
    assert shown["status"] == "active" and shown["generated"] == 2


def test_a_template_stored_with_more_products_than_an_invoice_may_name_pauses_saying_why(retainer):
    ids = products(retainer, 99)  # with the tenant and customer, over one read's 100
    made = template(retainer, {"lines": [{"product_id": i, "quantity": "1"} for i in ids[:80]],
                               "action": "issue"}, start_date="2026-01-15")
    stored_with(retainer, made, ids)
    assert delivered(retainer, made, JANUARY) == []
    held = retainer.get(f"/recurring-invoices/{made['id']}").body
    assert held["status"] == "paused" and held["next_occurrence"] == 0, held
    assert "products" in held["not_generated"]["reason"], held
    assert generated(retainer, made) == []
