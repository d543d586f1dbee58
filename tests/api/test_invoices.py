
import pytest


@pytest.fixture
def books(tenant):
    """A tenant with a customer and a product."""
    tenant.customer = tenant.post("/customers", {"name": "Bright Bakery", "payment_terms_days": 14,
                                                 "billing_address": {"line1": "1 High St"}}).body
    tenant.product = tenant.post("/products", {"name": "Bookkeeping", "unit_price": "250.00", "unit": "month",
                                               "code": "BK"}).body
    return tenant


def draft(api, **extra):
    body = {"customer_id": api.customer["id"], "lines": [{"product_id": api.product["id"], "quantity": "1"}]}
    answer = api.post("/invoices", {**body, **extra})
    assert answer.status == 201, answer.body
    return answer.body


def test_a_draft_from_a_product_is_priced_by_the_server(books):
    invoice = draft(books, lines=[{"product_id": books.product["id"], "quantity": "2"},
                                  {"description": "Travel", "quantity": "1", "unit_price": "35.50",
                                   "vat_category": "zero"},
                                  {"description": "Training", "quantity": "3", "unit_price": "100",
                                   "discount": {"type": "percent", "value": "10"}}])
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert invoice["currency"] == "GBP" and invoice["payment_terms_days"] == 14
    first = invoice["lines"][0]
    assert (first["description"], first["unit_price"], first["net"], first["vat"]) == (
        "Bookkeeping", "250.00", "500.00", "100.00")
    assert invoice["lines"][2]["discount_amount"] == "30.00" and invoice["lines"][2]["net"] == "270.00"
    assert invoice["totals"]["net"] == "805.50"
    assert invoice["totals"]["vat"] == "154.00"
    assert invoice["totals"]["gross"] == "959.50"
    assert [(r["vat_category"], r["vat"]) for r in invoice["totals"]["rates"]] == [
        ("standard", "154.00"), ("zero", "0.00")]
    assert invoice["customer"]["name"] == "Bright Bakery"


def test_a_line_may_override_what_it_copies_from_the_product(books):
    invoice = draft(books, lines=[{"product_id": books.product["id"], "quantity": "1", "unit_price": "200",
                                   "description": "Bookkeeping (discounted)", "vat_category": "exempt"}])
    line = invoice["lines"][0]
    assert (line["description"], line["unit_price"], line["vat"]) == ("Bookkeeping (discounted)", "200.00", "0.00")


def test_issue_gives_numbers_in_order_and_deleted_drafts_burn_none(books):
    first, second, third = draft(books), draft(books), draft(books)
    assert books.delete(f"/invoices/{first['id']}").status == 200
    issued = books.post(f"/invoices/{second['id']}/issue", {"issue_date": "2026-03-01"})
    assert issued.status == 200, issued.body
    assert issued.body["number"] == "INV-0001" and issued.body["status"] == "issued"
    assert issued.body["issue_date"] == "2026-03-01" and issued.body["due_date"] == "2026-03-15"
    assert issued.body["supplier"]["legal_name"] == "Test Trading Ltd"
    assert books.post(f"/invoices/{third['id']}/issue", {}).body["number"] == "INV-0002"
    again = books.post(f"/invoices/{second['id']}/issue", {})
    assert again.status == 409
    assert books.delete(f"/invoices/{second['id']}").status == 409
    assert books.get(f"/invoices/{first['id']}").status == 404


def test_yearly_series_carry_the_year_and_restart(new_tenant):
    api = new_tenant(numbering={"invoice": {"prefix": "ACME-", "padding": 3, "yearly_reset": True}})
    customer = api.post("/customers", {"name": "C"}).body
    numbers = []
    for day in ("2025-12-31", "2026-01-01", "2026-01-02"):
        invoice = api.post("/invoices", {"customer_id": customer["id"], "issue_date": day,
                                         "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]}).body
        numbers.append(api.post(f"/invoices/{invoice['id']}/issue", {}).body["number"])
    assert numbers == ["ACME-2025-001", "ACME-2026-001", "ACME-2026-002"]


def test_an_issued_invoice_is_editable_until_sent_then_its_amounts_lock(books):
    invoice = draft(books)
    books.post(f"/invoices/{invoice['id']}/issue", {})
    edited = books.patch(f"/invoices/{invoice['id']}", {"lines": [{"product_id": books.product["id"], "quantity": "3"}]})
    assert edited.status == 200 and edited.body["totals"]["gross"] == "900.00"
    assert books.patch(f"/invoices/{invoice['id']}", {"customer_id": invoice["customer_id"]}).status == 409
    sent = books.post(f"/invoices/{invoice['id']}/mark-sent")
    assert sent.body["status"] == "sent" and sent.body["sent_at"]
    locked = books.patch(f"/invoices/{invoice['id']}", {"lines": [{"description": "x", "quantity": "1",
                                                                      "unit_price": "1"}]})
    assert locked.status == 409 and locked.error_fields == ["lines"]
    assert "credit note" in locked.body["error"]["message"]
    assert books.patch(f"/invoices/{invoice['id']}", {"notes": "Thanks!"}).status == 200
    actions = [h["action"] for h in books.get(f"/invoices/{invoice['id']}/history").body["data"]]
    assert actions == ["updated", "sent", "updated", "issued", "created"]


def test_void_keeps_the_number_and_the_reason(books):
    invoice = draft(books)
    assert books.post(f"/invoices/{invoice['id']}/void", {"reason": "x"}).status == 409  # a draft
    number = books.post(f"/invoices/{invoice['id']}/issue", {}).body["number"]
    assert books.post(f"/invoices/{invoice['id']}/void", {}).error_fields == ["reason"]
    voided = books.post(f"/invoices/{invoice['id']}/void", {"reason": "Billed the wrong customer"})
    assert voided.body["status"] == "void" and voided.body["number"] == number
    assert voided.body["void_reason"] == "Billed the wrong customer" and voided.body["outstanding"] == "0.00"
    assert books.patch(f"/invoices/{invoice['id']}", {"notes": "x"}).status == 409


def test_a_foreign_currency_invoice_records_the_rate_and_vat_in_sterling(books):
    invoice = draft(books, currency="EUR", lines=[{"description": "Audit", "quantity": "1", "unit_price": "1000"}])
    refused = books.post(f"/invoices/{invoice['id']}/issue", {})
    assert refused.status == 400 and refused.error_fields == ["exchange_rate"]
    issued = books.post(f"/invoices/{invoice['id']}/issue", {"exchange_rate": "0.8567"}).body
    assert issued["exchange_rate"] == "0.8567"
    assert issued["vat_in_base_currency"] == {"20": "171.34"}
    gbp = draft(books)
    assert books.post(f"/invoices/{gbp['id']}/issue", {"exchange_rate": "1.1"}).status == 400


def test_tax_inclusive_prices_and_per_line_rounding_are_stored_on_the_invoice(new_tenant):
    api = new_tenant(rounding={"vat_level": "line", "mode": "half_up"})
    customer = api.post("/customers", {"name": "C"}).body
    invoice = api.post("/invoices", {"customer_id": customer["id"], "prices_include_vat": True,
                                     "lines": [{"description": "a", "quantity": "1", "unit_price": "10.00"}] * 3}).body
    assert invoice["rounding"] == {"vat_level": "line", "mode": "half_up"}
    assert invoice["totals"] == {"net": "24.99", "vat": "5.01", "gross": "30.00", "rates": [
        {"vat_category": "standard", "vat_rate": "20", "net": "24.99", "vat": "5.01", "gross": "30.00"}]}


def test_lists_filter_by_status_overdue_dates_customer_currency_and_text(books):
    other = books.post("/customers", {"name": "Zed Motors", "currency": "EUR"}).body
    old = draft(books, reference="PO-777", issue_date="2025-01-10")
    books.post(f"/invoices/{old['id']}/issue", {})
    recent = draft(books)
    books.post(f"/invoices/{recent['id']}/issue", {})
    euro = books.post("/invoices", {"customer_id": other["id"],
                                    "lines": [{"description": "x", "quantity": "1", "unit_price": "5"}]}).body

    def ids(query):
        answer = books.get("/invoices" + query)
        assert answer.status == 200, answer.body
        return [i["id"] for i in answer.body["data"]]

    assert set(ids("")) == {old["id"], recent["id"], euro["id"]}
    assert ids("?status=draft") == [euro["id"]]
    assert ids("?status=overdue") == [old["id"]]
    assert books.get(f"/invoices/{old['id']}").body["overdue"] is True
    assert ids("?timeframe=last_year") == [old["id"]]
    assert ids("?from=2025-01-01&to=2025-01-31&date_field=due") == [old["id"]]
    assert set(ids(f"?customer_id={books.customer['id']}")) == {old["id"], recent["id"]}
    assert ids(f"?customer_id={books.customer['id']}&status=overdue") == [old["id"]]
    assert ids("?currency=EUR") == [euro["id"]]
    assert ids("?q=po-777") == [old["id"]]
    assert ids("?q=inv-0002") == [recent["id"]]
    assert ids("?q=zed") == [euro["id"]]
    listed = books.get("/invoices?status=draft").body["data"][0]
    assert "lines" not in listed and listed["line_count"] == 1
    assert books.get("/invoices?status=draft&expand=lines").body["data"][0]["lines"][0]["description"] == "x"


def test_the_dashboard_equals_the_sums_over_the_invoices(books):
    amounts = []
    for quantity in ("1", "2", "3"):
        invoice = draft(books, lines=[{"product_id": books.product["id"], "quantity": quantity}])
        amounts.append(books.post(f"/invoices/{invoice['id']}/issue", {}).body)
    books.post(f"/invoices/{amounts[2]['id']}/void", {"reason": "duplicate"})
    draft(books)  # drafts raise nothing
    board = books.get("/dashboard?timeframe=this_year").body
    assert board["customers"] == 1
    assert board["currencies"] == [{"currency": "GBP", "invoices": 2, "amount_raised": "900.00",
                                    "amount_received": "0.00", "amount_credited": "0.00",
                                    "outstanding": "900.00"}]
    assert books.get("/dashboard?timeframe=last_year").body["currencies"] == []


@pytest.mark.parametrize("line, field", [
    ({"description": "x", "quantity": "0", "unit_price": "1"}, "lines[0].quantity"),
    ({"description": "x", "quantity": "-1", "unit_price": "1"}, "lines[0].quantity"),
    ({"description": "x", "quantity": "1.00001", "unit_price": "1"}, "lines[0].quantity"),
    ({"description": "x", "quantity": "999999999", "unit_price": "999999"}, "lines[0].quantity"),
    ({"description": "x", "quantity": "1", "unit_price": "-5"}, "lines[0].unit_price"),
    ({"quantity": "1", "unit_price": "5"}, "lines[0].description"),
    ({"description": "x", "quantity": "1"}, "lines[0].unit_price"),
    ({"description": "x", "quantity": "1", "unit_price": "5", "vat_category": "zero", "vat_rate": "20"},
     "lines[0].vat_rate"),
    ({"description": "x", "quantity": "1", "unit_price": "5", "discount": {"type": "percent", "value": "101"}},
     "lines[0].discount.value"),
    ({"description": "x", "quantity": "1", "unit_price": "5", "discount": {"type": "amount", "value": "6"}},
     "lines[0].discount.value"),
    ({"description": "x", "quantity": "1", "unit_price": "5", "colour": "red"}, "lines[0].colour"),
])
def test_bad_lines_are_refused_and_nothing_is_written(books, line, field):
    answer = books.post("/invoices", {"customer_id": books.customer["id"], "lines": [line]})
    assert answer.status == 400, answer.body
    assert field in answer.error_fields
    assert books.get("/invoices").body["data"] == []


def test_unknown_or_foreign_references_get_422(books, new_tenant):
    stranger = new_tenant()
    their_customer = stranger.post("/customers", {"name": "Theirs"}).body
    their_product = stranger.post("/products", {"name": "Theirs", "unit_price": "1"}).body
    for body, field in [
        ({"customer_id": their_customer["id"], "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]},
         "customer_id"),
        ({"customer_id": books.customer["id"], "lines": [{"product_id": their_product["id"], "quantity": "1"}]},
         "lines[0].product_id"),
    ]:
        answer = books.post("/invoices", body)
        assert answer.status == 422 and answer.error_fields == [field]
    books.post(f"/customers/{books.customer['id']}/archive")
    archived = books.post("/invoices", {"customer_id": books.customer["id"],
                                        "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]})
    assert archived.status == 422
    assert books.get("/invoices").body["data"] == []


def test_a_product_priced_in_another_currency_needs_a_price(books):
    answer = books.post("/invoices", {"customer_id": books.customer["id"], "currency": "USD",
                                      "lines": [{"product_id": books.product["id"], "quantity": "1"}]})
    assert answer.status == 400 and answer.error_fields == ["lines[0].unit_price"]


def test_overflowing_totals_and_bad_dates_are_refused(books):
    many = [{"description": "x", "quantity": "999999", "unit_price": "999999"}] * 2
    answer = books.post("/invoices", {"customer_id": books.customer["id"], "lines": many})
    assert answer.status == 400 and answer.error_fields == ["lines"]
    answer = books.post("/invoices", {"customer_id": books.customer["id"], "issue_date": "2026-05-01",
                                      "due_date": "2026-04-01",
                                      "lines": [{"description": "x", "quantity": "1", "unit_price": "1"}]})
    assert answer.status == 400 and answer.error_fields == ["due_date"]


def test_a_customer_change_after_the_draft_reaches_the_issued_invoice(books):
    invoice = draft(books)
    books.patch(f"/customers/{books.customer['id']}", {"billing_address": {"line1": "2 New Road"}})
    issued = books.post(f"/invoices/{invoice['id']}/issue", {}).body
    assert issued["customer"]["billing_address"] == {"line1": "2 New Road"}


def test_issuing_to_an_archived_customer_is_refused(books):
    invoice = draft(books)
    books.post(f"/customers/{books.customer['id']}/archive")
    assert books.post(f"/invoices/{invoice['id']}/issue", {}).status == 422
    assert books.get(f"/invoices/{invoice['id']}").body["status"] == "draft"


def test_a_500_line_invoice_is_priced_stored_and_issued(books):
    lines = [{"description": f"Call bundle {i}", "quantity": "1.5", "unit_price": "0.0133"} for i in range(500)]
    invoice = books.post("/invoices", {"customer_id": books.customer["id"], "lines": lines})
    assert invoice.status == 201, invoice.body
    assert invoice.body["line_count"] == 500 and invoice.body["totals"]["net"] == "10.00"
    issued = books.post(f"/invoices/{invoice.body['id']}/issue", {})
    assert issued.status == 200 and len(issued.body["lines"]) == 500
    assert books.post("/invoices", {"customer_id": books.customer["id"], "lines": lines + lines[:1]}).status == 400


def test_the_products_limit_says_the_number_it_takes(tenant):
    """One read takes 100 records: the tenant, the customer and 98 products."""
    customer = tenant.post("/customers", {"name": "Many Ltd"}).body["id"]

    def lines(count):
        return [{"product_id": f"prd_{n:016d}", "quantity": "1"} for n in range(count)]

    over = tenant.post("/invoices", {"customer_id": customer, "lines": lines(99)})
    assert over.status == 400 and over.error_fields == ["lines"], over.body
    assert "at most 98 different products" in over.body["error"]["message"]
    at_limit = tenant.post("/invoices", {"customer_id": customer, "lines": lines(98)})
    assert at_limit.status == 422, at_limit.body  # within the limit: each product is looked for
