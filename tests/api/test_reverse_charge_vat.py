"""The API shows the VAT a reverse-charged invoice leaves its customer to account for; it is never payable."""


def test_a_reverse_charge_invoice_states_the_customers_vat(tenant):
    customer = tenant.post("/customers", {"name": "Builder Ltd", "vat_number": "GB987654321"}).body
    draft = tenant.post("/invoices", {"customer_id": customer["id"], "lines": [
        {"description": "Groundworks", "quantity": "1", "unit_price": "1000.00", "vat_category": "reverse_charge",
         "vat_rate": "20"},
        {"description": "Skip", "quantity": "1", "unit_price": "100.00", "vat_category": "reverse_charge",
         "vat_rate": "5"}]})
    assert draft.status == 201, draft.body
    invoice = tenant.post(f"/invoices/{draft.body['id']}/issue", {}).body
    assert [l["reverse_charge_vat"] for l in invoice["lines"]] == ["200.00", "5.00"]
    totals = invoice["totals"]
    assert (totals["vat"], totals["gross"], totals["reverse_charge_vat"]) == ("0.00", "1100.00", "205.00")
    assert invoice["outstanding"] == "1100.00"
    wrong = tenant.post("/invoices", {"customer_id": customer["id"], "lines": [
        {"description": "x", "quantity": "1", "unit_price": "1", "vat_category": "reverse_charge", "vat_rate": "101"}]})
    assert wrong.status == 400 and wrong.error_fields == ["lines[0].vat_rate"]
