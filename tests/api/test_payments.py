import pytest


@pytest.fixture
def billed(tenant):
    """A customer with two issued invoices of 120.00 and 60.00."""
    tenant.customer = tenant.post("/customers", {"name": "Payer"}).body
    tenant.invoices = []
    for price in ("100", "50"):
        draft = tenant.post("/invoices", {"customer_id": tenant.customer["id"],
                                          "lines": [{"description": "x", "quantity": "1", "unit_price": price}]}).body
        tenant.invoices.append(tenant.post(f"/invoices/{draft['id']}/issue", {}).body)
    return tenant


def pay(api, amount, allocations=(), **extra):
    answer = api.post("/payments", {"customer_id": api.customer["id"], "amount": amount,
                                    "allocations": list(allocations), **extra})
    assert answer.status == 201, answer.body
    return answer.body


def invoice(api, index):
    return api.get(f"/invoices/{api.invoices[index]['id']}").body


def test_a_payment_split_across_invoices_with_the_rest_kept_as_credit(billed):
    first, second = billed.invoices
    payment = pay(billed, "200.00", [{"invoice_id": first["id"], "amount": "120.00"},
                                     {"invoice_id": second["id"], "amount": "30.00"}],
                  method="bank_transfer", reference="BACS 991", date="2026-11-20")
    assert (payment["status"], payment["allocated"], payment["unallocated"]) == (
        "partially_allocated", "150.00", "50.00")
    assert payment["date"] == "2026-11-20" and payment["currency"] == "GBP"
    assert (invoice(billed, 0)["status"], invoice(billed, 0)["outstanding"]) == ("paid", "0.00")
    assert (invoice(billed, 1)["status"], invoice(billed, 1)["amount_paid"],
            invoice(billed, 1)["outstanding"]) == ("partially_paid", "30.00", "30.00")
    later = billed.post(f"/payments/{payment['id']}/allocations",
                        {"allocations": [{"invoice_id": second["id"], "amount": "30.00"}]})
    assert later.status == 200 and later.body["unallocated"] == "20.00"
    assert invoice(billed, 1)["status"] == "paid"
    board = billed.get("/dashboard").body["currencies"][0]
    assert (board["amount_raised"], board["amount_received"], board["outstanding"]) == ("180.00", "180.00", "0.00")


def test_deallocate_refund_and_delete(billed):
    first, _ = billed.invoices
    payment = pay(billed, "150.00", [{"invoice_id": first["id"], "amount": "120.00"}])
    taken = billed.delete(f"/payments/{payment['id']}/allocations/{first['id']}")
    assert taken.status == 200 and taken.body["unallocated"] == "150.00"
    assert invoice(billed, 0)["status"] == "issued" and invoice(billed, 0)["outstanding"] == "120.00"
    refund = billed.post(f"/payments/{payment['id']}/refunds", {"amount": "150.01"})
    assert refund.status == 409 and refund.error_fields == ["amount"]
    refund = billed.post(f"/payments/{payment['id']}/refunds", {"amount": "30.00", "reason": "overpaid"})
    assert refund.body["refunded"] == "30.00" and refund.body["unallocated"] == "120.00"
    assert billed.delete(f"/payments/{payment['id']}").status == 409  # refunded in part

    other = pay(billed, "120.00", [{"invoice_id": first["id"], "amount": "120.00"}])
    deleted = billed.delete(f"/payments/{other['id']}")
    assert deleted.body["status"] == "deleted" and deleted.body["allocations"] == []
    assert invoice(billed, 0)["outstanding"] == "120.00"
    actions = [h["action"] for h in billed.get(f"/invoices/{first['id']}/history").body["data"]]
    assert actions[:2] == ["deallocated", "allocated"]


@pytest.mark.parametrize("allocation, status, field", [
    ({"amount": "120.01"}, 409, "allocations[0].amount"),
    ({"amount": "0"}, 400, "allocations[0].amount"),
    ({"amount": "-5"}, 400, "allocations[0].amount"),
    ({"amount": "1.005"}, 400, "allocations[0].amount"),
    ({"invoice_id": "inv_missing000000000"}, 422, "allocations[0].invoice_id"),
])
def test_bad_allocations_are_refused_and_nothing_is_written(billed, allocation, status, field):
    wanted = {"invoice_id": billed.invoices[0]["id"], "amount": "10", **allocation}
    answer = billed.post("/payments", {"customer_id": billed.customer["id"], "amount": "500",
                                       "allocations": [wanted]})
    assert answer.status == status and field in answer.error_fields
    assert billed.get("/payments").body["data"] == []
    assert invoice(billed, 0)["outstanding"] == "120.00"


def test_allocating_more_than_the_payment_has_left_is_refused(billed):
    payment = pay(billed, "50.00")
    answer = billed.post(f"/payments/{payment['id']}/allocations",
                         {"allocations": [{"invoice_id": billed.invoices[0]["id"], "amount": "50.01"}]})
    assert answer.status == 409 and answer.error_fields == ["allocations[0].amount"]


def test_allocations_across_customers_currencies_drafts_and_void_invoices_are_refused(billed):
    other = billed.post("/customers", {"name": "Someone else"}).body
    theirs = billed.post("/invoices", {"customer_id": other["id"],
                                       "lines": [{"description": "x", "quantity": "1", "unit_price": "5"}]}).body
    billed.post(f"/invoices/{theirs['id']}/issue", {})
    euro = billed.post("/invoices", {"customer_id": billed.customer["id"], "currency": "EUR",
                                     "lines": [{"description": "x", "quantity": "1", "unit_price": "5"}]}).body
    billed.post(f"/invoices/{euro['id']}/issue", {"exchange_rate": "0.85"})
    draft = billed.post("/invoices", {"customer_id": billed.customer["id"],
                                      "lines": [{"description": "x", "quantity": "1", "unit_price": "5"}]}).body
    billed.post(f"/invoices/{billed.invoices[1]['id']}/void", {"reason": "wrong"})
    payment = pay(billed, "10.00")
    for invoice_id, status in [(theirs["id"], 422), (euro["id"], 422), (draft["id"], 409),
                               (billed.invoices[1]["id"], 409)]:
        answer = billed.post(f"/payments/{payment['id']}/allocations",
                             {"allocations": [{"invoice_id": invoice_id, "amount": "1"}]})
        assert answer.status == status, (invoice_id, answer.body)
    assert billed.get(f"/payments/{payment['id']}").body["unallocated"] == "10.00"


def test_a_void_needs_its_payments_removed_first(billed):
    pay(billed, "10", [{"invoice_id": billed.invoices[0]["id"], "amount": "10"}])
    assert billed.post(f"/invoices/{billed.invoices[0]['id']}/void", {"reason": "x"}).status == 409
    assert billed.patch(f"/invoices/{billed.invoices[0]['id']}", {"lines": [
        {"description": "y", "quantity": "1", "unit_price": "1"}]}).status == 409


def test_payments_list_filters(billed):
    pay(billed, "10", reference="CHQ-1", method="cheque")
    pay(billed, "20", date="2025-06-01")
    assert [p["amount"] for p in billed.get("/payments?q=chq").body["data"]] == ["10.00"]
    assert [p["amount"] for p in billed.get("/payments?timeframe=last_year").body["data"]] == ["20.00"]
    assert len(billed.get(f"/payments?customer_id={billed.customer['id']}&status=unallocated").body["data"]) == 2


def test_amounts_finer_than_the_currency_are_refused(billed):
    answer = billed.post("/payments", {"customer_id": billed.customer["id"], "amount": "10.001"})
    assert answer.status == 400 and answer.error_fields == ["amount"]
    payment = pay(billed, "10.00")
    assert billed.post(f"/payments/{payment['id']}/refunds", {"amount": "0.005"}).error_fields == ["amount"]
