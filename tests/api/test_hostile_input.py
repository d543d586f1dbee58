"""Input a careless client or an attacker sends: a clear 4xx naming the field, nothing stored, no 500.

Bodies are sent as raw bytes where JSON's own escapes matter (a lone surrogate can only be written
as an escape), exactly as a client would send them.
"""
import json

import pytest

REFUSED_TEXT = [
    ("\\ud800", "U+D800"),  # a lone surrogate
    ("\\udfff", "U+DFFF"),
    ("\\ufffe", "U+FFFE"),  # non-characters
    ("\\uffff", "U+FFFF"),
    ("\\ud83f\\udffe", "U+1FFFE"),
    ("\\u0085", "U+0085"),  # C1 control
    ("\\u007f", "U+007F"),  # DEL
    ("\\u202e", "U+202E"),  # bidi override
    ("\\u2066", "U+2066"),  # bidi isolate
    ("\\u2028", "U+2028"),  # line separator
    ("\\ufeff", "U+FEFF"),  # byte order mark
]


@pytest.mark.parametrize("escape, shown", REFUSED_TEXT)
def test_refused_characters_are_a_400_naming_the_field_and_nothing_is_stored(tenant, escape, shown):
    before = tenant.get("/customers").body["data"]
    answer = tenant.post("/customers", raw=('{"name": "a%sb"}' % escape).encode())
    assert answer.status == 400
    assert answer.body["error"]["details"] == [{"field": "name", "message": f"must not contain the character {shown}"}]
    listed = tenant.get("/customers")
    assert listed.status == 200 and listed.body["data"] == before


def test_emoji_and_other_scripts_are_text(tenant):
    name = "Café 東京 مرحبا 😀"
    made = tenant.post("/customers", {"name": name})
    assert made.status == 201 and tenant.get(f"/customers/{made.body['id']}").body["name"] == name


@pytest.mark.parametrize("price", ["١٢", "１２", "12.5٠"])
def test_amounts_take_ascii_digits_only(tenant, price):
    answer = tenant.post("/products", {"name": "Widget", "unit_price": price})
    assert answer.status == 400 and answer.error_fields == ["unit_price"]


@pytest.mark.parametrize("number", ["1e28", "1e309", "-1e309", "1e200000", "1" * 5000, "1e-200000"])
def test_huge_and_tiny_numbers_are_refused_before_any_arithmetic(tenant, number):
    product = tenant.post("/products", raw=('{"name": "Widget", "unit_price": %s}' % number).encode())
    assert product.status == 400 and product.error_fields == ["unit_price"], product.body
    customer = tenant.post("/customers", raw=('{"name": "Ann", "payment_terms_days": %s}' % number).encode())
    assert customer.status == 400 and customer.error_fields == ["payment_terms_days"], customer.body


def test_a_megabyte_of_numbers_is_refused_field_by_field(tenant):
    body = '{"name": "Ann", "emails": [%s]}' % ",".join(["1e200000"] * 60000)
    answer = tenant.post("/customers", raw=body.encode())
    assert answer.status == 400 and answer.error_fields == ["emails"]


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_json_constants_are_not_json(tenant, constant):
    answer = tenant.post("/products", raw=('{"name": "Widget", "unit_price": %s}' % constant).encode())
    assert answer.status == 400 and answer.error_fields == ["body"]


@pytest.mark.parametrize("depth", [21, 1000, 100000])
def test_deeply_nested_json_is_a_400(tenant, depth):
    answer = tenant.post("/customers", raw=('{"name": "Ann", "notes": %s%s}' % ("[" * depth, "]" * depth)).encode())
    assert answer.status == 400 and answer.error_fields == ["body"]


@pytest.mark.parametrize("path", ["/customers/{id}", "/products/{id}", "/invoices/{id}", "/invoices/{id}/pdf",
                                  "/payments/{id}", "/recurring-invoices/{id}", "/exports/{id}"])
def test_a_path_id_of_any_length_or_form_answers_404(tenant, path):
    for bad in ["x" * 2100, "cus_%E2%80%AE", "a%2Fb"]:
        answer = tenant.get(path.format(id=bad))
        assert answer.status == 404, (path, bad[:20], answer.status)
        assert answer.body["error"]["code"] == "not_found"


@pytest.mark.parametrize("path, body, field", [
    ("/products", {"name": "Widget", "unit_price": "1.00", "currency": None}, "currency"),
    ("/customers", {"name": "Ann", "payment_terms_days": None}, "payment_terms_days"),
])
def test_null_for_a_field_with_a_default_is_a_400(tenant, path, body, field):
    answer = tenant.post(path, body)
    assert answer.status == 400 and answer.body["error"]["details"] == [{"field": field, "message": "must not be null"}]


@pytest.mark.parametrize("changes, field", [
    ({"timezone": None}, "timezone"),
    ({"email_templates": {"invoice": None}}, "email_templates.invoice"),
    ({"numbering": {"invoice": {"prefix": "INV-", "padding": None}}}, "numbering.invoice.padding"),
    ({"rounding": None}, "rounding"),
])
def test_null_tenant_settings_are_refused_and_the_tenant_keeps_working(tenant, admin, changes, field):
    answer = tenant.patch("/tenant", changes)
    assert answer.status == 400 and answer.error_fields == [field]
    assert admin.patch(f"/tenants/{tenant.tenant_id}", changes).status == 400
    assert tenant.get("/tenant").status == 200
    assert tenant.post("/customers", {"name": "Still works"}).status == 201


def test_an_unknown_field_name_is_echoed_short(tenant):
    name = "z" * 100000
    answer = tenant.post("/customers", raw=json.dumps({"name": "Ann", name: 1}).encode())
    assert answer.status == 400
    text = json.dumps(answer.body)
    assert len(text) < 1000 and answer.error_fields == ["z" * 40 + "..."]


def test_an_unknown_field_with_a_refused_character_is_echoed_escaped(tenant):
    answer = tenant.post("/customers", raw=b'{"name": "Ann", "x\\ud800": 1}')
    assert answer.status == 400 and answer.error_fields == ["x\\ud800"]


def test_a_body_with_hundreds_of_wrong_items_gets_a_short_answer(tenant):
    answer = tenant.post("/invoices", {"customer_id": "cus_x", "lines": [{"quantity": "0"}] * 500})
    assert answer.status == 400 and len(answer.body["error"]["details"]) == 100
    assert "and 400 more problems not listed" in answer.body["error"]["message"]
