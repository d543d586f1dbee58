from chalicelib.services.api_keys import API_KEYS


def test_a_tenant_gets_settings_with_defaults(admin):
    answer = admin.post("/tenants", {
        "legal_name": "Acme Accounting Ltd", "trading_name": "Acme", "vat_number": "GB123456789",
        "address": {"line1": "1 Main St", "city": "York", "postal_code": "YO1 1AA", "country": "GB"},
        "timezone": "Europe/London", "numbering": {"invoice": {"prefix": "ACME-", "yearly_reset": True}},
        "rounding": {"vat_level": "line"}})
    assert answer.status == 201
    tenant = answer.body
    assert tenant["base_currency"] == "GBP"
    assert tenant["numbering"]["invoice"] == {"prefix": "ACME-", "padding": 4, "yearly_reset": True}
    assert tenant["numbering"]["credit_note"]["prefix"] == "CN-"
    assert tenant["rounding"] == {"vat_level": "line", "mode": "half_up"}
    assert admin.get(f"/tenants/{tenant['id']}").body == tenant


def test_tenant_settings_change_with_history_but_the_base_currency_never(admin):
    tenant = admin.post("/tenants", {"legal_name": "Old Name Ltd", "base_currency": "EUR"}).body
    changed = admin.patch(f"/tenants/{tenant['id']}", {"legal_name": "New Name Ltd", "timezone": "Europe/Dublin"})
    assert changed.status == 200 and changed.body["timezone"] == "Europe/Dublin"
    refused = admin.patch(f"/tenants/{tenant['id']}", {"base_currency": "GBP"})
    assert refused.status == 400 and refused.error_fields == ["base_currency"]
    history = admin.get(f"/tenants/{tenant['id']}/history").body["data"]
    assert history[0]["changes"]["legal_name"] == {"before": "Old Name Ltd", "after": "New Name Ltd"}
    assert history[0]["actor"] == "admin"


def test_bad_tenants_are_refused(admin):
    answer = admin.post("/tenants", {"legal_name": "", "base_currency": "ZZZ", "timezone": "Europe/Atlantis",
                                     "rounding": {"vat_level": "page"},
                                     "numbering": {"invoice": {"padding": 0}}})
    assert answer.status == 400
    assert set(answer.error_fields) == {"legal_name", "base_currency", "timezone", "rounding.vat_level",
                                        "numbering.invoice.padding"}


def test_keys_are_shown_once_and_stored_only_as_a_hash(admin, tenant):
    created = admin.post(f"/tenants/{tenant.tenant_id}/api-keys", {"name": "Portal"})
    assert created.status == 201
    secret = created.body["api_key"]
    listed = admin.get(f"/tenants/{tenant.tenant_id}/api-keys").body["data"]
    assert {k["id"] for k in listed} == {tenant.key_id, created.body["id"]}
    assert all("api_key" not in k and "secret_hash" not in k for k in listed)
    stored = API_KEYS.store.get(tenant.tenant_id, created.body["id"])
    assert secret.split(".")[2] not in str(stored.attribute_values)


def test_a_revoked_key_stops_working_at_once(admin, tenant):
    assert tenant.get("/customers").status == 200
    revoked = admin.delete(f"/tenants/{tenant.tenant_id}/api-keys/{tenant.key_id}")
    assert revoked.status == 200 and revoked.body["status"] == "revoked"
    answer = tenant.get("/customers")
    assert answer.status == 401 and answer.body["error"]["code"] == "unauthorized"


def test_a_read_key_can_read_but_not_write(new_tenant):
    reader = new_tenant(scopes=["read"])
    assert reader.get("/customers").status == 200
    answer = reader.post("/customers", {"name": "Nope"})
    assert answer.status == 403 and answer.body["error"]["code"] == "forbidden"
    assert reader.get("/customers").body["data"] == []


def test_missing_malformed_and_forged_keys_get_401_in_the_one_shape(anonymous, client, tenant):
    from tests.support.api import Api

    forged = tenant.key.rsplit(".", 1)[0] + ".not-the-secret"
    for api in (anonymous, Api(client, "garbage"), Api(client, forged), Api(client, "a.b.c")):
        answer = api.get("/customers")
        assert answer.status == 401
        assert answer.body["error"]["code"] == "unauthorized"


def test_tenant_keys_cannot_manage_tenants_and_the_admin_key_holds_no_tenant(admin, tenant):
    assert tenant.post("/tenants", {"legal_name": "Sneaky Ltd"}).status == 403
    assert tenant.get(f"/tenants/{tenant.tenant_id}").status == 403
    assert admin.get("/customers").status == 403


def test_a_tenant_reads_its_own_settings(tenant):
    answer = tenant.get("/tenant")
    assert answer.status == 200 and answer.body["id"] == tenant.tenant_id


def test_keys_of_unknown_tenants_answer_404(admin):
    assert admin.post("/tenants/ten_nothere0000000/api-keys", {}).status == 404
    assert admin.get("/tenants/ten_nothere0000000/api-keys").status == 404
    assert admin.delete("/tenants/ten_nothere0000000/api-keys/key_nothere0000000").status == 404
