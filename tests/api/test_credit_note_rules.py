"""Credit notes follow the VAT the invoice charged (VAT Regulations 1995 reg. 38, VATREC13070);
derived documents keep their source's rounding policy. Every figure below is worked by hand."""
import pytest

from tests.support.vat_rules import charged_per_rate, exact


def issued_invoice(api, lines, **extra):
    customer = api.post("/customers", {"name": "Credited"}).body
    draft = api.post("/invoices", {"customer_id": customer["id"], "lines": lines, **extra})
    assert draft.status == 201, draft.body
    return api.post(f"/invoices/{draft.body['id']}/issue", {}).body


def issued_credit(api, invoice, body):
    note = api.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "Credit", **body})
    assert note.status == 201, note.body
    answer = api.post(f"/credit-notes/{note.body['id']}/issue", {})
    assert answer.status == 200, answer.body
    return answer.body


def settle_with(api, invoice, note):
    answer = api.post(f"/credit-notes/{note['id']}/allocations",
                      {"allocations": [{"invoice_id": invoice["id"], "amount": note["totals"]["gross"]}]})
    assert answer.status == 200, answer.body
    return api.get(f"/invoices/{invoice['id']}").body


def test_an_amount_is_shared_over_the_rates_as_they_make_up_the_gross(tenant):
    # 1,000.00 zero-rated and 10.00 at 20% (VAT 2.00): gross 1,012.00.
    invoice = issued_invoice(tenant, [
        {"description": "Books", "quantity": "1", "unit_price": "1000.00", "vat_category": "zero"},
        {"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    # Half of it: 506.00 -> 500.00 zero-rated and 6.00 at 20%, of which VAT 6.00 x 2/12 = 1.00.
    half = issued_credit(tenant, invoice, {"amount": "506.00"})
    assert half["totals"]["vat"] == "1.00"
    assert charged_per_rate(half) == {("standard", "20"): (exact("5.00"), exact("1.00")),
                                      ("zero", "0"): (exact("500.00"), exact("0"))}
    # The rest: 506.00 again, shared over what is left (500.00 and 6.00); nothing more after that.
    rest = issued_credit(tenant, invoice, {"amount": "506.00"})
    assert rest["totals"]["vat"] == "1.00"
    refused = tenant.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "x", "amount": "0.01"})
    assert refused.status == 400 and refused.error_fields == ["amount"]


def test_the_whole_gross_as_an_amount_credits_exactly_the_vat_charged(tenant):
    invoice = issued_invoice(tenant, [
        {"description": "Books", "quantity": "1", "unit_price": "1000.00", "vat_category": "zero"},
        {"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    note = issued_credit(tenant, invoice, {"amount": "1012.00"})  # was VAT 168.67 at the "main" rate
    assert charged_per_rate(note) == charged_per_rate(invoice)
    assert settle_with(tenant, invoice, note)["outstanding"] == "0.00"


def test_a_caller_may_name_the_split_per_rate(tenant):
    invoice = issued_invoice(tenant, [
        {"description": "Books", "quantity": "1", "unit_price": "1000.00", "vat_category": "zero"},
        {"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    path = f"/invoices/{invoice['id']}/credit-notes"
    note = tenant.post(path, {"reason": "Pen broken", "rates": [
        {"vat_category": "standard", "vat_rate": "20.0", "amount": "12.00"}]}).body
    assert (note["totals"]["net"], note["totals"]["vat"]) == ("10.00", "2.00")
    too_much = tenant.post(path, {"reason": "x", "rates": [
        {"vat_category": "standard", "vat_rate": "20", "amount": "12.01"}]})
    assert too_much.status == 400 and too_much.error_fields == ["rates[0].amount"]
    unknown = tenant.post(path, {"reason": "x", "rates": [
        {"vat_category": "reduced", "vat_rate": "5", "amount": "1.00"}]})
    assert unknown.status == 400 and unknown.error_fields == ["rates[0].vat_rate"]
    both = tenant.post(path, {"reason": "x", "amount": "1.00", "lines": [0]})
    assert both.status == 400 and both.error_fields == ["amount"]


def test_credit_notes_together_never_take_back_more_than_was_charged(tenant):
    invoice = issued_invoice(tenant, [{"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    issued_credit(tenant, invoice, {"lines": [0]})
    second = tenant.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "again"}).body
    refused = tenant.post(f"/credit-notes/{second['id']}/issue", {})
    assert refused.status == 409 and refused.error_fields == ["lines"]
    by_hand = tenant.post("/credit-notes", {"invoice_id": invoice["id"], "reason": "x", "lines": [
        {"description": "Other", "quantity": "1", "unit_price": "1.00", "vat_category": "reduced"}]}).body
    assert tenant.post(f"/credit-notes/{by_hand['id']}/issue", {}).status == 409  # never charged at 5%


def test_a_void_credit_note_gives_its_credit_back(tenant):
    invoice = issued_invoice(tenant, [{"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    first = issued_credit(tenant, invoice, {})
    assert tenant.post(f"/credit-notes/{first['id']}/void", {"reason": "Raised in error"}).status == 200
    again = issued_credit(tenant, invoice, {})
    assert again["totals"]["gross"] == "12.00"


def test_an_issued_credit_note_edited_beyond_the_invoice_is_refused(tenant):
    invoice = issued_invoice(tenant, [{"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    note = issued_credit(tenant, invoice, {"amount": "6.00"})
    bigger = tenant.patch(f"/credit-notes/{note['id']}", {"lines": [
        {"description": "Pen", "quantity": "1", "unit_price": "10.01"}]})
    assert bigger.status == 409 and bigger.error_fields == ["lines"]
    assert tenant.get(f"/credit-notes/{note['id']}").body["totals"]["gross"] == "6.00"


def test_lines_credited_one_by_one_carry_the_invoice_lines_own_figures(new_tenant):
    api = new_tenant(rounding={"vat_level": "invoice", "mode": "half_up"})
    # 3 x 0.03 at 20%: VAT 0.018 -> 0.02, shown on the lines as 0.01, 0.01, 0.00; gross 0.11.
    invoice = issued_invoice(api, [{"description": "Clip", "quantity": "1", "unit_price": "0.03"}] * 3)
    assert [l["vat"] for l in invoice["lines"]] == ["0.01", "0.01", "0.00"]
    notes = [issued_credit(api, invoice, {"lines": [i]}) for i in range(3)]  # each re-rounded was 0.01
    assert [n["totals"]["vat"] for n in notes] == ["0.01", "0.01", "0.00"]
    for note in notes:
        settled = settle_with(api, invoice, note)
    assert (settled["outstanding"], settled["status"]) == ("0.00", "paid")


@pytest.mark.parametrize("later", [{"vat_level": "invoice", "mode": "down"}, {"vat_level": "line", "mode": "down"}])
def test_a_credit_note_keeps_its_invoices_policy_after_the_tenant_changes_it(new_tenant, admin, later):
    api = new_tenant(rounding={"vat_level": "line", "mode": "half_up"})
    # Per line, half up: 0.006 -> 0.01 three times, 0.005 -> 0.01: VAT 0.04, gross 0.23.
    invoice = issued_invoice(api, [{"description": "Clip", "quantity": "1", "unit_price": "0.03"}] * 3
                             + [{"description": "Card", "quantity": "1", "unit_price": "0.10",
                                 "vat_category": "reduced"}])
    assert (invoice["totals"]["vat"], invoice["totals"]["gross"]) == ("0.04", "0.23")
    assert admin.patch(f"/tenants/{api.tenant_id}", {"rounding": later}).status == 200
    whole = issued_credit(api, invoice, {})
    assert whole["rounding"] == {"vat_level": "line", "mode": "half_up"}
    assert whole["totals"] == invoice["totals"]
    by_hand = api.post("/credit-notes", {"invoice_id": invoice["id"], "reason": "x", "lines": [
        {"description": "Clip", "quantity": "1", "unit_price": "0.03"}]}).body
    assert (by_hand["rounding"], by_hand["totals"]["vat"]) == ({"vat_level": "line", "mode": "half_up"}, "0.01")
    settled = settle_with(api, invoice, whole)
    assert (settled["outstanding"], settled["status"]) == ("0.00", "paid")


def test_an_estimate_becomes_an_invoice_at_the_policy_it_was_quoted_at(new_tenant, admin):
    api = new_tenant(rounding={"vat_level": "line", "mode": "half_up"})
    customer = api.post("/customers", {"name": "Prospect"}).body
    estimate = api.post("/estimates", {"customer_id": customer["id"], "lines": [
        {"description": "Clip", "quantity": "1", "unit_price": "0.03"}] * 3}).body
    assert estimate["totals"]["vat"] == "0.03"  # 0.006 -> 0.01 on each line
    api.post(f"/estimates/{estimate['id']}/mark-sent", {})
    api.post(f"/estimates/{estimate['id']}/accept")
    assert admin.patch(f"/tenants/{api.tenant_id}", {"rounding": {"vat_level": "invoice", "mode": "down"}}).status == 200
    invoice = api.post(f"/estimates/{estimate['id']}/convert", {"issue": True}).body
    assert (invoice["rounding"], invoice["totals"]) == (estimate["rounding"], estimate["totals"])


def test_an_invoice_with_an_issued_credit_note_keeps_its_amounts(tenant):
    invoice = issued_invoice(tenant, [{"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    issued_credit(tenant, invoice, {"amount": "6.00"})
    cheaper = tenant.patch(f"/invoices/{invoice['id']}", {"lines": [
        {"description": "Pen", "quantity": "1", "unit_price": "1.00"}]})
    assert cheaper.status == 409 and cheaper.error_fields == ["lines"]
    assert tenant.patch(f"/invoices/{invoice['id']}", {"notes": "Credited in part"}).status == 200


def test_a_split_credit_note_keeps_its_policy_after_the_tenant_changes_it(new_tenant, admin):
    api = new_tenant(rounding={"vat_level": "line", "mode": "half_up"})
    invoice = issued_invoice(api, [{"description": "Clip", "quantity": "1", "unit_price": "0.03"}] * 3)
    by_hand = api.post("/credit-notes", {"invoice_id": invoice["id"], "reason": "x", "lines": [
        {"description": "Clip", "quantity": "1", "unit_price": "0.03"}] * 3}).body
    assert admin.patch(f"/tenants/{api.tenant_id}", {"rounding": {"vat_level": "invoice", "mode": "down"}}).status == 200
    split = api.post(f"/credit-notes/{by_hand['id']}/split", {"lines": [0, 1]})
    assert split.status == 201, split.body
    moved = split.body["new"]
    assert (moved["rounding"], moved["totals"]["vat"]) == ({"vat_level": "line", "mode": "half_up"}, "0.02")


def test_credit_notes_issued_before_the_invoice_kept_its_credits_still_count(tenant):
    from chalicelib.services.document_types import INVOICE

    invoice = issued_invoice(tenant, [{"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    issued_credit(tenant, invoice, {"amount": "6.00"})
    stored = INVOICE.store.get(tenant.tenant_id, invoice["id"])  # as stored before invoices kept their credits
    del stored.data["credited"]
    stored.save()
    too_much = tenant.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "x", "amount": "6.01"})
    assert too_much.status == 400 and too_much.error_fields == ["amount"]
    whole = tenant.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "x"}).body
    refused = tenant.post(f"/credit-notes/{whole['id']}/issue", {})
    assert refused.status == 409 and refused.error_fields == ["lines"]
    assert issued_credit(tenant, invoice, {"amount": "6.00"})["totals"]["vat"] == "1.00"


def test_an_invoice_issued_now_keeps_its_credits_so_none_are_looked_up(tenant):
    from chalicelib.store.diagnostics import count_dynamodb_calls

    invoice = issued_invoice(tenant, [{"description": "Pen", "quantity": "1", "unit_price": "10.00"}])
    with count_dynamodb_calls() as counted:
        issued_credit(tenant, invoice, {"amount": "6.00"})
    assert counted.get("Query", 0) == 0
