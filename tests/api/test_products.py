import pytest

HOURLY = {"name": "Consulting", "description": "Senior consultant, per hour", "code": "CONS-H",
          "unit": "hour", "unit_price": "95.00"}


def test_create_with_defaults_and_exact_prices(tenant):
    product = tenant.post("/products", {**HOURLY, "unit_price": "0.0125"})
    assert product.status == 201
    body = product.body
    assert body["unit_price"] == "0.0125" and body["currency"] == "GBP"
    assert body["vat_category"] == "standard" and body["vat_rate"] == "20"
    assert tenant.post("/products", {"name": "Whole", "unit_price": 12}).body["unit_price"] == "12.00"


@pytest.mark.parametrize("category, rate", [("reduced", "5"), ("zero", "0"), ("exempt", "0"),
                                            ("reverse_charge", "0"), ("outside_scope", "0")])
def test_a_category_without_a_rate_takes_its_default_rate(tenant, category, rate):
    body = tenant.post("/products", {"name": category, "unit_price": "1", "vat_category": category}).body
    assert body["vat_rate"] == rate


def test_changing_the_category_moves_the_rate_unless_one_is_given(tenant):
    product = tenant.post("/products", HOURLY).body
    assert tenant.patch(f"/products/{product['id']}", {"vat_category": "zero"}).body["vat_rate"] == "0"
    again = tenant.patch(f"/products/{product['id']}", {"vat_category": "reduced", "vat_rate": "12.5"})
    assert again.body["vat_rate"] == "12.5"


def test_every_change_is_kept_with_time_key_and_values_before_and_after(tenant):
    product = tenant.post("/products", HOURLY).body
    tenant.patch(f"/products/{product['id']}", {"unit_price": "100"})
    tenant.patch(f"/products/{product['id']}", {"name": "Consulting (senior)", "description": None})
    tenant.post(f"/products/{product['id']}/archive")
    history = tenant.get(f"/products/{product['id']}/history").body["data"]
    assert [h["action"] for h in history] == ["archived", "updated", "updated", "created"]
    assert history[2]["changes"] == {"unit_price": {"before": "95.00", "after": "100.00"}}
    assert history[1]["changes"] == {
        "description": {"before": "Senior consultant, per hour", "after": None},
        "name": {"before": "Consulting", "after": "Consulting (senior)"},
    }
    assert all(h["actor"] == tenant.key_id and h["at"].endswith("Z") for h in history)
    paged = tenant.get(f"/products/{product['id']}/history?limit=3").body
    assert len(paged["data"]) == 3 and paged["next_cursor"]
    rest = tenant.get(f"/products/{product['id']}/history?limit=3&cursor={paged['next_cursor']}").body
    assert [h["action"] for h in rest["data"]] == ["created"]


def test_codes_are_unique_per_tenant_ignoring_case(tenant, new_tenant):
    first = tenant.post("/products", HOURLY).body
    clash = tenant.post("/products", {**HOURLY, "code": "cons-h"})
    assert clash.status == 409 and clash.error_fields == ["code"]
    assert new_tenant().post("/products", HOURLY).status == 201
    renamed = tenant.patch(f"/products/{first['id']}", {"code": "CONS-HOUR"})
    assert renamed.status == 200
    assert tenant.post("/products", HOURLY).status == 201  # the old code was freed
    taken = tenant.patch(f"/products/{first['id']}", {"code": "CONS-H"})
    assert taken.status == 409
    assert tenant.get(f"/products/{first['id']}").body["code"] == "CONS-HOUR"


def test_list_filters_and_search(tenant):
    tenant.post("/products", {"name": "Bookkeeping", "unit_price": "250", "code": "BK-1"})
    hosting = tenant.post("/products", {"name": "Hosting", "unit_price": "10", "description": "Web hosting"}).body
    tenant.post(f"/products/{hosting['id']}/archive")

    def names(query):
        return [p["name"] for p in tenant.get("/products" + query).body["data"]]

    assert names("?status=active") == ["Bookkeeping"]
    assert names("?status=archived") == ["Hosting"]
    assert names("?q=bk-") == ["Bookkeeping"]
    assert names("?q=WEB") == ["Hosting"]
    assert names("?timeframe=this_year&status=active") == ["Bookkeeping"]


@pytest.mark.parametrize("body, field", [
    ({"unit_price": "1"}, "name"),
    ({"name": "P"}, "unit_price"),
    ({"name": "P", "unit_price": "-0.01"}, "unit_price"),
    ({"name": "P", "unit_price": "1000000000000"}, "unit_price"),
    ({"name": "P", "unit_price": "1.23456"}, "unit_price"),
    ({"name": "P", "unit_price": "12,50"}, "unit_price"),
    ({"name": "P", "unit_price": "Infinity"}, "unit_price"),
    ({"name": "P", "unit_price": ["1.50"]}, "unit_price"),
    ({"name": "P", "unit_price": True}, "unit_price"),
    ({"name": "P", "unit_price": "1", "currency": "ABC"}, "currency"),
    ({"name": "P", "unit_price": "1", "vat_category": "luxury"}, "vat_category"),
    ({"name": "P", "unit_price": "1", "vat_category": "zero", "vat_rate": "20"}, "vat_rate"),
    ({"name": "P", "unit_price": "1", "vat_category": "standard", "vat_rate": "0"}, "vat_rate"),
    ({"name": "P", "unit_price": "1", "vat_rate": "101"}, "vat_rate"),
    ({"name": "P", "unit_price": "1", "code": "has space"}, "code"),
    ({"name": "P" * 201, "unit_price": "1"}, "name"),
    ({"name": "P", "unit_price": "1", "price": "1"}, "price"),
])
def test_bad_products_are_refused_and_nothing_is_written(tenant, body, field):
    answer = tenant.post("/products", body)
    assert answer.status == 400, answer.body
    assert field in answer.error_fields
    assert tenant.get("/products").body["data"] == []


def test_a_bad_update_changes_nothing(tenant):
    product = tenant.post("/products", HOURLY).body
    answer = tenant.patch(f"/products/{product['id']}", {"vat_category": "exempt", "vat_rate": "20"})
    assert answer.status == 400 and answer.error_fields == ["vat_rate"]
    assert tenant.get(f"/products/{product['id']}").body == product
