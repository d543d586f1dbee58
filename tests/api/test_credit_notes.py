from decimal import Decimal

import pytest


@pytest.fixture
def billed(tenant):
    tenant.customer = tenant.post("/customers", {"name": "Credited"}).body
    draft = tenant.post("/invoices", {"customer_id": tenant.customer["id"], "lines": [
        {"description": "Design", "quantity": "2", "unit_price": "100.00"},
        {"description": "Print", "quantity": "1", "unit_price": "50.00", "vat_category": "zero"}]}).body
    tenant.invoice = tenant.post(f"/invoices/{draft['id']}/issue", {}).body
    return tenant


def test_a_credit_note_names_the_invoice_and_takes_its_customer_and_currency(billed):
    note = billed.post("/credit-notes", {"invoice_id": billed.invoice["id"], "reason": "Damaged prints",
                                         "lines": [{"description": "Print", "quantity": "1", "unit_price": "50.00",
                                                    "vat_category": "zero"}]})
    assert note.status == 201, note.body
    body = note.body
    assert body["status"] == "draft" and body["customer_id"] == billed.customer["id"]
    assert (body["invoice_id"], body["invoice_number"], body["reason"]) == (
        billed.invoice["id"], "INV-0001", "Damaged prints")
    issued = billed.post(f"/credit-notes/{body['id']}/issue", {}).body
    assert issued["number"] == "CN-0001" and issued["credit_left"] == "50.00"
    assert "due_date" not in issued


def test_credit_notes_from_an_invoice_whole_by_lines_or_by_amount(billed):
    path = f"/invoices/{billed.invoice['id']}/credit-notes"
    whole = billed.post(path, {"reason": "Cancelled"}).body
    assert whole["totals"]["gross"] == billed.invoice["totals"]["gross"] == "290.00"
    some = billed.post(path, {"reason": "Print redone", "lines": [1]}).body
    assert [l["description"] for l in some["lines"]] == ["Print"] and some["totals"]["gross"] == "50.00"
    # 24.00 shared as the rates make up the 290.00: 240/290 -> 19.862 at 20%, 50/290 -> 4.138 zero-rated;
    # the odd penny to the larger remainder (zero). VAT 19.86 x 40/240 = 3.31.
    amount = billed.post(path, {"reason": "Goodwill", "amount": "24.00"}).body
    assert amount["totals"] == {"net": "20.69", "vat": "3.31", "gross": "24.00", "rates": [
        {"vat_category": "standard", "vat_rate": "20", "net": "16.55", "vat": "3.31", "gross": "19.86"},
        {"vat_category": "zero", "vat_rate": "0", "net": "4.14", "vat": "0.00", "gross": "4.14"}]}
    assert billed.post(path, {"reason": "x", "amount": "290.01"}).status == 400
    assert billed.post(path, {"reason": "x", "lines": [5]}).status == 400


def test_allocate_across_invoices_then_refund_the_rest(billed):
    second = billed.post("/invoices", {"customer_id": billed.customer["id"], "lines": [
        {"description": "x", "quantity": "1", "unit_price": "10"}]}).body
    billed.post(f"/invoices/{second['id']}/issue", {})
    note = billed.post(f"/invoices/{billed.invoice['id']}/credit-notes", {"reason": "Overcharged", "amount": "60"}).body
    refused = billed.post(f"/credit-notes/{note['id']}/allocations",
                          {"allocations": [{"invoice_id": billed.invoice["id"], "amount": "1"}]})
    assert refused.status == 409  # still a draft
    billed.post(f"/credit-notes/{note['id']}/issue", {})
    allocated = billed.post(f"/credit-notes/{note['id']}/allocations", {"allocations": [
        {"invoice_id": billed.invoice["id"], "amount": "40.00"}, {"invoice_id": second["id"], "amount": "12.00"}]})
    assert allocated.status == 200, allocated.body
    assert (allocated.body["status"], allocated.body["credit_left"]) == ("partially_allocated", "8.00")
    invoice = billed.get(f"/invoices/{billed.invoice['id']}").body
    assert (invoice["amount_credited"], invoice["outstanding"], invoice["status"]) == ("40.00", "250.00", "partially_paid")
    assert billed.get(f"/invoices/{second['id']}").body["status"] == "paid"
    too_much = billed.post(f"/credit-notes/{note['id']}/refunds", {"amount": "8.01"})
    assert too_much.status == 409
    refunded = billed.post(f"/credit-notes/{note['id']}/refunds", {"amount": "8.00", "reason": "Back to card"}).body
    assert (refunded["status"], refunded["credit_left"]) == ("allocated", "0.00")
    assert billed.post(f"/credit-notes/{note['id']}/void", {"reason": "x"}).status == 409


def test_a_fully_refunded_credit_note_says_so(billed):
    note = billed.post(f"/invoices/{billed.invoice['id']}/credit-notes", {"reason": "x", "amount": "10"}).body
    billed.post(f"/credit-notes/{note['id']}/issue", {})
    assert billed.post(f"/credit-notes/{note['id']}/refunds", {"amount": "10"}).body["status"] == "refunded"


def test_split_moves_lines_and_the_parts_add_up(new_tenant):
    api = new_tenant(rounding={"vat_level": "line"})
    customer = api.post("/customers", {"name": "C"}).body
    draft = api.post("/invoices", {"customer_id": customer["id"], "lines": [
        {"description": "a", "quantity": "1", "unit_price": "0.33"}] * 3}).body
    invoice = api.post(f"/invoices/{draft['id']}/issue", {}).body
    note = api.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "all"}).body
    split = api.post(f"/credit-notes/{note['id']}/split", {"lines": [0, 2]})
    assert split.status == 201, split.body
    original, new = split.body["original"], split.body["new"]
    assert len(original["lines"]) == 1 and len(new["lines"]) == 2
    assert Decimal(original["totals"]["gross"]) + Decimal(new["totals"]["gross"]) == Decimal(note["totals"]["gross"])
    assert new["invoice_id"] == invoice["id"] and new["status"] == "draft"
    assert api.post(f"/credit-notes/{note['id']}/split", {"lines": [0]}).status == 400  # nothing would remain


def test_split_refuses_when_rounding_per_note_would_change_the_total(tenant):
    customer = tenant.post("/customers", {"name": "C"}).body
    # VAT per note: 0.06 x 20% = 0.012 -> 0.01 in all, but 0.006 -> 0.01 on each half.
    lines = [{"description": "a", "quantity": "1", "unit_price": "0.03"}] * 2
    draft = tenant.post("/invoices", {"customer_id": customer["id"], "lines": lines}).body
    invoice = tenant.post(f"/invoices/{draft['id']}/issue", {}).body
    # Written by hand (a credit note from the invoice carries its lines' amounts and splits evenly).
    note = tenant.post("/credit-notes", {"invoice_id": invoice["id"], "reason": "all", "lines": lines}).body
    answer = tenant.post(f"/credit-notes/{note['id']}/split", {"lines": [0]})
    assert answer.status == 409 and answer.error_fields == ["lines"]
    assert tenant.get(f"/credit-notes/{note['id']}").body["totals"] == note["totals"]
    assert len(tenant.get("/credit-notes").body["data"]) == 1


def test_duplicate_makes_a_new_draft(billed):
    note = billed.post(f"/invoices/{billed.invoice['id']}/credit-notes", {"reason": "x", "amount": "5"}).body
    billed.post(f"/credit-notes/{note['id']}/issue", {})
    copy = billed.post(f"/credit-notes/{note['id']}/duplicate")
    assert copy.status == 201 and copy.body["status"] == "draft" and copy.body["number"] is None
    assert copy.body["totals"] == note["totals"] and copy.body["id"] != note["id"]


def test_credit_notes_refuse_draft_void_or_foreign_invoices(billed, new_tenant):
    draft = billed.post("/invoices", {"customer_id": billed.customer["id"], "lines": [
        {"description": "x", "quantity": "1", "unit_price": "1"}]}).body
    line = [{"description": "x", "quantity": "1", "unit_price": "1"}]
    assert billed.post("/credit-notes", {"invoice_id": draft["id"], "reason": "x", "lines": line}).status == 409
    other = billed.post("/customers", {"name": "Other"}).body
    answer = billed.post("/credit-notes", {"invoice_id": billed.invoice["id"], "customer_id": other["id"],
                                           "reason": "x", "lines": line})
    assert answer.status == 422 and answer.error_fields == ["customer_id"]
    stranger = new_tenant()
    assert stranger.post("/credit-notes", {"invoice_id": billed.invoice["id"], "reason": "x", "lines": line}).status == 422
    assert billed.post("/credit-notes", {"invoice_id": billed.invoice["id"], "lines": line}).error_fields == ["reason"]
    assert billed.get("/credit-notes").body["data"] == []


def test_history_and_lists(billed):
    note = billed.post(f"/invoices/{billed.invoice['id']}/credit-notes", {"reason": "x", "amount": "5"}).body
    billed.patch(f"/credit-notes/{note['id']}", {"reason": "Late delivery"})
    billed.post(f"/credit-notes/{note['id']}/issue", {})
    billed.post(f"/credit-notes/{note['id']}/mark-sent")
    actions = [h["action"] for h in billed.get(f"/credit-notes/{note['id']}/history").body["data"]]
    assert actions == ["sent", "issued", "updated", "created"]
    assert [n["id"] for n in billed.get("/credit-notes?status=issued&q=cn-0001").body["data"]] == [note["id"]]
