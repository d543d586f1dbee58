"""Countries are ISO 3166-1 alpha-2 and VAT numbers carry their country's prefix, on every record."""


def test_uk_is_refused_with_gb_suggested(tenant):
    answer = tenant.post("/customers", {"name": "C", "billing_address": {"line1": "1 High St", "country": "UK"}})
    assert answer.status == 400 and answer.error_fields == ["billing_address.country"]
    assert "GB" in answer.body["error"]["details"][0]["message"]
    for code in ("ZZ", "XX"):
        refused = tenant.post("/customers", {"name": "C", "shipping_address": {"line1": "x", "country": code}})
        assert refused.status == 400 and refused.error_fields == ["shipping_address.country"]


def test_a_lower_case_country_is_kept_in_upper_case(tenant):
    answer = tenant.post("/customers", {"name": "C", "billing_address": {"line1": "1 High St", "country": "gb"}})
    assert answer.status == 201 and answer.body["billing_address"]["country"] == "GB"


def test_vat_numbers_need_their_prefix_and_form(tenant, admin):
    for number, status in (("GB123456789", 201), ("EL123456789", 201), ("XI 123 4567 89", 201),
                           ("UK123456789", 400), ("GR123456789", 400), ("123456789", 400), ("DE12345678", 400)):
        answer = tenant.post("/customers", {"name": "C", "vat_number": number})
        assert answer.status == status, (number, answer.body)
        if status == 400:
            assert answer.error_fields == ["vat_number"]
    refused = admin.patch(f"/tenants/{tenant.tenant_id}", {"vat_number": "UK123456789",
                                                           "address": {"line1": "1 High St", "country": "UK"}})
    assert refused.status == 400 and sorted(refused.error_fields) == ["address.country", "vat_number"]
