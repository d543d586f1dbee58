import threading

import pytest


def test_a_retry_returns_the_first_answer_and_creates_nothing_new(tenant):
    headers = {"Idempotency-Key": "create-ann-1"}
    first = tenant.post("/customers", {"name": "Ann"}, headers=headers)
    again = tenant.post("/customers", {"name": "Ann"}, headers=headers)
    assert first.status == again.status == 201
    assert again.body == first.body
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert len(tenant.get("/customers").body["data"]) == 1


def test_the_same_key_with_another_body_is_a_409(tenant):
    tenant.post("/customers", {"name": "Ann"}, headers={"Idempotency-Key": "k1"})
    answer = tenant.post("/customers", {"name": "Bob"}, headers={"Idempotency-Key": "k1"})
    assert answer.status == 409 and answer.error_fields == ["Idempotency-Key"]
    assert [c["name"] for c in tenant.get("/customers").body["data"]] == ["Ann"]


def test_a_retried_action_replays_even_when_the_state_moved_on(tenant):
    customer = tenant.post("/customers", {"name": "Ann"}).body
    archive = f"/customers/{customer['id']}/archive"
    first = tenant.post(archive, headers={"Idempotency-Key": "arch-1"})
    tenant.post(f"/customers/{customer['id']}/restore")
    again = tenant.post(archive, headers={"Idempotency-Key": "arch-1"})
    assert again.body == first.body and again.body["status"] == "archived"
    assert tenant.get(f"/customers/{customer['id']}").body["status"] == "active"


def test_keys_are_scoped_to_the_tenant(tenant, new_tenant):
    other = new_tenant()
    mine = tenant.post("/customers", {"name": "Ann"}, headers={"Idempotency-Key": "shared"})
    theirs = other.post("/customers", {"name": "Ann"}, headers={"Idempotency-Key": "shared"})
    assert theirs.status == 201 and theirs.body["id"] != mine.body["id"]


def test_a_refused_request_is_not_remembered(tenant):
    bad = tenant.post("/customers", {"name": ""}, headers={"Idempotency-Key": "fix-and-retry"})
    assert bad.status == 400
    good = tenant.post("/customers", {"name": "Fixed"}, headers={"Idempotency-Key": "fix-and-retry"})
    assert good.status == 201


def test_the_secret_of_a_new_api_key_is_never_replayed(admin, tenant):
    path = f"/tenants/{tenant.tenant_id}/api-keys"
    first = admin.post(path, {"name": "ci"}, headers={"Idempotency-Key": "key-1"})
    again = admin.post(path, {"name": "ci"}, headers={"Idempotency-Key": "key-1"})
    assert first.body["api_key"] and again.body["api_key"] is None
    assert again.body["id"] == first.body["id"]


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there"])
def test_malformed_keys_are_refused(tenant, key):
    answer = tenant.post("/customers", {"name": "Ann"}, headers={"Idempotency-Key": key})
    if key == "":
        assert answer.status == 201  # an empty header is no key at all
    else:
        assert answer.status == 400 and answer.error_fields == ["Idempotency-Key"]


def test_concurrent_repeats_of_one_request_create_exactly_one_record(tenant):
    answers = []

    def send():
        answers.append(tenant.post("/products", {"name": "Widget", "unit_price": "2.50"},
                                   headers={"Idempotency-Key": "burst-1"}))

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {a.status for a in answers} == {201}
    assert len({a.body["id"] for a in answers}) == 1
    assert len(tenant.get("/products").body["data"]) == 1


def test_the_first_answer_and_its_replay_show_the_version_a_read_shows(tenant):
    key = {"Idempotency-Key": "versioned-create"}
    first = tenant.post("/customers", {"name": "Versioned"}, headers=key)
    again = tenant.post("/customers", {"name": "Versioned"}, headers=key)
    read = tenant.get(f"/customers/{first.body['id']}").body
    assert first.body["version"] == again.body["version"] == read["version"] == 1
    edit_key = {"Idempotency-Key": "versioned-action"}
    draft = tenant.post("/invoices", {"customer_id": read["id"], "lines": [
        {"description": "x", "quantity": "1", "unit_price": "1"}]}).body
    issued = tenant.post(f"/invoices/{draft['id']}/issue", {}, headers=edit_key)
    assert issued.body["version"] == tenant.get(f"/invoices/{draft['id']}").body["version"] == draft["version"] + 1
