"""Random invoices under random policy histories, credited in random ways through the API:
(a) what the issued credit notes take back never exceeds, per rate, the net or VAT charged;
(b) crediting what is left as an amount brings the invoice to exactly zero, rate by rate."""
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.support.api import Api
from tests.support.vat_rules import charged_per_rate

POLICIES = st.fixed_dictionaries({"vat_level": st.sampled_from(["line", "invoice"]),
                                  "mode": st.sampled_from(["half_up", "down"])})
LINES = st.lists(st.fixed_dictionaries({
    "description": st.just("x"),
    "quantity": st.sampled_from(["1", "2", "3", "0.5", "7"]),
    "unit_price": st.sampled_from(["0.03", "0.33", "10.01", "12.34", "99.99", "1000.00"]),
    "vat_category": st.sampled_from(["standard", "reduced", "zero"])}), min_size=1, max_size=4)
ACTIONS = st.lists(st.one_of(st.tuples(st.just("amount"), st.integers(1, 99)),
                             st.tuples(st.just("lines"), st.lists(st.integers(0, 3), min_size=1, max_size=3))),
                   max_size=3)


def _tenant(admin, client, policy) -> Api:
    tenant = admin.post("/tenants", {"legal_name": "Property Ltd", "rounding": policy}).body
    api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
    api.tenant_id = tenant["id"]
    return api


def _issue_and_allocate(api, invoice, body):
    note = api.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "x", **body})
    if note.status == 400:  # an amount or lines beyond the invoice: refused before any draft
        return None
    issued = api.post(f"/credit-notes/{note.body['id']}/issue", {})
    if issued.status == 409:
        assert issued.error_fields == ["lines"]
        return None
    assert issued.status == 200, issued.body
    allocated = api.post(f"/credit-notes/{issued.body['id']}/allocations", {"allocations": [
        {"invoice_id": invoice["id"], "amount": issued.body["totals"]["gross"]}]})
    assert allocated.status == 200, allocated.body
    return issued.body


def _sum_per_rate(notes):
    sums = {}
    for note in notes:
        for key, (net, vat) in charged_per_rate(note).items():
            before = sums.get(key, (0, 0))
            sums[key] = (before[0] + net, before[1] + vat)
    return {key: value for key, value in sums.items() if value != (0, 0)}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(POLICIES, POLICIES, LINES, ACTIONS)
def test_credit_notes_under_any_policy_history(admin, client, first, later, lines, actions):
    api = _tenant(admin, client, first)
    customer = api.post("/customers", {"name": "C"}).body
    draft = api.post("/invoices", {"customer_id": customer["id"], "lines": lines}).body
    invoice = api.post(f"/invoices/{draft['id']}/issue", {}).body
    charged = {key: value for key, value in charged_per_rate(invoice).items() if value != (0, 0)}
    assert admin.patch(f"/tenants/{api.tenant_id}", {"rounding": later}).status == 200
    notes = []
    for kind, what in actions:
        if kind == "amount":
            left = Decimal(api.get(f"/invoices/{invoice['id']}").body["outstanding"])
            amount = (left * what / 100).quantize(Decimal("0.01"))
            body = {"amount": str(amount)} if amount > 0 else None
        else:
            body = {"lines": what}
        note = _issue_and_allocate(api, invoice, body) if body else None
        if note:
            notes.append(note)
        for key, (net, vat) in _sum_per_rate(notes).items():  # (a)
            assert net <= charged[key][0] and vat <= charged[key][1]
    left = api.get(f"/invoices/{invoice['id']}").body["outstanding"]
    if Decimal(left) > 0:
        rest = _issue_and_allocate(api, invoice, {"amount": left})
        assert rest is not None
        notes.append(rest)
    assert _sum_per_rate(notes) == charged  # (b)
    settled = api.get(f"/invoices/{invoice['id']}").body
    assert (settled["outstanding"], settled["status"]) == ("0.00", "paid")
