import pytest

FULL = {
    "name": "Bright Bakery",
    "company": "Bright Bakery Ltd",
    "contact_name": "Ann Baker",
    "emails": ["Ann@Bright.example", "accounts@bright.example"],
    "phone": "+44 20 7946 0000",
    "billing_address": {"line1": "1 High Street", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"},
    "shipping_address": {"line1": "Unit 4", "city": "Leeds", "country": "GB"},
    "vat_number": "GB123456789",
    "currency": "EUR",
    "payment_terms_days": 14,
    "notes": "Prefers email",
}


def test_create_get_and_defaults(tenant):
    created = tenant.post("/customers", FULL)
    assert created.status == 201
    body = created.body
    assert body["id"].startswith("cus_") and body["status"] == "active" and body["version"] == 1
    assert body["emails"] == ["ann@bright.example", "accounts@bright.example"]
    assert tenant.get(f"/customers/{body['id']}").body == {**body, "balances": []}
    minimal = tenant.post("/customers", {"name": "Walk-in"}).body
    assert minimal["currency"] == "GBP" and minimal["payment_terms_days"] == 30


def test_update_records_before_and_after_in_history(tenant):
    customer = tenant.post("/customers", FULL).body
    updated = tenant.patch(f"/customers/{customer['id']}", {"payment_terms_days": 30, "notes": None})
    assert updated.status == 200
    assert updated.body["payment_terms_days"] == 30 and "notes" not in updated.body
    assert updated.body["version"] == 2
    history = tenant.get(f"/customers/{customer['id']}/history").body["data"]
    assert [h["action"] for h in history] == ["updated", "created"]
    assert history[0]["changes"] == {
        "notes": {"before": "Prefers email", "after": None},
        "payment_terms_days": {"before": 14, "after": 30},
    }
    assert history[0]["actor"] == tenant.key_id
    assert history[1]["changes"]["name"] == {"before": None, "after": "Bright Bakery"}


def test_an_update_that_changes_nothing_writes_no_history(tenant):
    customer = tenant.post("/customers", FULL).body
    same = tenant.patch(f"/customers/{customer['id']}", {"name": "Bright Bakery"})
    assert same.status == 200 and same.body["version"] == 1
    assert len(tenant.get(f"/customers/{customer['id']}/history").body["data"]) == 1


def test_archive_and_restore_with_history_and_no_edits_while_archived(tenant):
    customer = tenant.post("/customers", {"name": "Old Client"}).body
    archived = tenant.post(f"/customers/{customer['id']}/archive")
    assert archived.status == 200 and archived.body["status"] == "archived"
    refused = tenant.patch(f"/customers/{customer['id']}", {"name": "New Name"})
    assert refused.status == 409 and refused.body["error"]["code"] == "conflict"
    assert tenant.post(f"/customers/{customer['id']}/archive").body["status"] == "archived"
    restored = tenant.post(f"/customers/{customer['id']}/restore")
    assert restored.body["status"] == "active"
    actions = [h["action"] for h in tenant.get(f"/customers/{customer['id']}/history").body["data"]]
    assert actions == ["restored", "archived", "created"]
    assert tenant.get(f"/customers/{customer['id']}").body["name"] == "Old Client"


def test_there_is_no_way_to_hard_delete_a_customer(tenant):
    customer = tenant.post("/customers", {"name": "Keep Me"}).body
    assert tenant.delete(f"/customers/{customer['id']}").status in (404, 405)
    assert tenant.get(f"/customers/{customer['id']}").status == 200


def test_list_filters_by_status_and_searches_name_company_and_email(tenant):
    ids = {}
    for name, company, email in [("Alpha", "Zeta Holdings", "a@alpha.example"),
                                 ("Beta", "Omega plc", "billing@beta.example"),
                                 ("Gamma", None, "gamma@zeta-mail.example")]:
        body = {"name": name, "emails": [email], **({"company": company} if company else {})}
        ids[name] = tenant.post("/customers", body).body["id"]
    tenant.post(f"/customers/{ids['Beta']}/archive")

    def names(query):
        answer = tenant.get("/customers" + query)
        assert answer.status == 200, answer.body
        return [c["name"] for c in answer.body["data"]]

    assert names("") == ["Gamma", "Beta", "Alpha"]
    assert names("?status=active") == ["Gamma", "Alpha"]
    assert names("?status=archived") == ["Beta"]
    assert names("?q=ZETA") == ["Gamma", "Alpha"]
    assert names("?q=billing%40beta") == ["Beta"]
    assert names("?q=nobody") == []


def test_list_filters_by_creation_timeframe(tenant):
    tenant.post("/customers", {"name": "Today"})
    assert len(tenant.get("/customers?timeframe=this_month").body["data"]) == 1
    assert tenant.get("/customers?timeframe=last_year").body["data"] == []
    assert tenant.get("/customers?to=2001-01-01").body["data"] == []
    assert len(tenant.get("/customers?from=2001-01-01").body["data"]) == 1


def test_cursor_pagination_walks_every_record_once(tenant):
    created = [tenant.post("/customers", {"name": f"Customer {i}"}).body["id"] for i in range(7)]
    seen, cursor = [], None
    while True:
        answer = tenant.get("/customers?limit=3" + (f"&cursor={cursor}" if cursor else ""))
        assert len(answer.body["data"]) <= 3
        seen += [c["id"] for c in answer.body["data"]]
        cursor = answer.body["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(created))


@pytest.mark.parametrize("query, field", [
    ("?limit=0", "limit"), ("?limit=101", "limit"), ("?limit=ten", "limit"),
    ("?status=deleted", "status"), ("?from=2026-13-01", "from"), ("?timeframe=forever", "timeframe"),
    ("?cursor=garbage", "cursor"), ("?sort=name", "sort"), ("?q=" + "x" * 101, "q"),
    ("?timeframe=this_year&from=2026-01-01", "timeframe"), ("?from=2026-02-01&to=2026-01-01", "to"),
])
def test_bad_list_parameters_name_the_parameter(tenant, query, field):
    answer = tenant.get("/customers" + query)
    assert answer.status == 400 and field in answer.error_fields


@pytest.mark.parametrize("body, field", [
    ({}, "name"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 10_000}, "name"),
    ({"name": 42}, "name"),
    ({"name": "Ok", "emails": ["not-an-email"]}, "emails[0]"),
    ({"name": "Ok", "emails": "a@b.example"}, "emails"),
    ({"name": "Ok", "currency": "POUNDS"}, "currency"),
    ({"name": "Ok", "payment_terms_days": -1}, "payment_terms_days"),
    ({"name": "Ok", "payment_terms_days": 366}, "payment_terms_days"),
    ({"name": "Ok", "payment_terms_days": "30"}, "payment_terms_days"),
    ({"name": "Ok", "billing_address": {"city": "Leeds"}}, "billing_address.line1"),
    ({"name": "Ok", "billing_address": {"line1": "x", "country": "GBR"}}, "billing_address.country"),
    ({"name": "Ok", "vat_number": "GB 123 <script>"}, "vat_number"),
    ({"name": "Ok", "tenant_id": "ten_other"}, "tenant_id"),
    ({"name": "Ok", "status": "archived"}, "status"),
])
def test_bad_customers_are_refused_and_nothing_is_written(tenant, body, field):
    answer = tenant.post("/customers", body)
    assert answer.status == 400
    assert answer.body["error"]["code"] == "validation_error"
    assert field in answer.error_fields
    assert tenant.get("/customers").body["data"] == []


def test_bad_update_leaves_the_customer_and_its_history_unchanged(tenant):
    customer = tenant.post("/customers", FULL).body
    answer = tenant.patch(f"/customers/{customer['id']}", {"name": None, "phone": "call me"})
    assert answer.status == 400 and set(answer.error_fields) == {"name", "phone"}
    assert tenant.get(f"/customers/{customer['id']}").body == {**customer, "balances": []}
    assert len(tenant.get(f"/customers/{customer['id']}/history").body["data"]) == 1


def test_unknown_ids_answer_404(tenant):
    for answer in (tenant.get("/customers/cus_doesnotexist0000"),
                   tenant.patch("/customers/cus_doesnotexist0000", {"name": "x"}),
                   tenant.post("/customers/cus_doesnotexist0000/archive"),
                   tenant.get("/customers/cus_doesnotexist0000/history"),
                   tenant.get("/customers/..%2F..%2Fx")):
        assert answer.status == 404 and answer.body["error"]["code"] == "not_found"


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/Los_Angeles"])
@pytest.mark.parametrize("path", ["/customers", "/products"])
def test_timeframes_reaching_the_calendars_ends_list_nothing_or_everything(new_tenant, zone, path):
    """Any date the field accepts: the first and last days (whose local day starts outside the
    years a datetime holds, in a zone ahead of or behind UTC) and years before 1000 (whose instants
    must still sort before later ones) filter as every other date does."""
    api = new_tenant(timezone=zone)
    api.post(path, {"name": "Now", "description": "Now", "unit_price": "1.00"}
             if path == "/products" else {"name": "Now"})

    def count(query):
        answer = api.get(f"{path}?{query}")
        assert answer.status == 200, answer.body
        return len(answer.body["data"])

    assert count("from=0001-01-01&to=9999-12-31") == 1
    assert count("from=0339-05-24&to=1759-06-16") == 0
    assert count("from=0339-05-24") == 1
    assert count("to=0999-12-31") == 0
    assert count("from=9999-12-31") == 0
