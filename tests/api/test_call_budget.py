"""DynamoDB calls per request: the API key lookup (one GetItem) plus the operation's own."""
from chalicelib.services.products import PRODUCTS
from chalicelib.services.tenants import TENANTS
from chalicelib.store.diagnostics import count_dynamodb_calls
from chalicelib.store.models import RecordItem
from chalicelib.store.reads import CACHE

AUTH = {"GetItem": 1}


def calls(action):
    with count_dynamodb_calls() as counted:
        answer = action()
    assert answer.status < 300, answer.body
    return dict(counted)


def test_each_operation_stays_within_its_budget(tenant):
    product = {"name": "Budget", "unit_price": "1", "code": "B-1"}
    assert calls(lambda: tenant.post("/products", product)) == {"GetItem": 1, "TransactWriteItems": 1}
    product_id = tenant.get("/products").body["data"][0]["id"]
    assert calls(lambda: tenant.get(f"/products/{product_id}")) == {"GetItem": 2}
    assert calls(lambda: tenant.get("/products?status=active&q=budget")) == {"GetItem": 1, "Query": 1}
    assert calls(lambda: tenant.get(f"/products/{product_id}/history")) == {"GetItem": 1, "Query": 1}
    # A change to a record this process holds (it just read or wrote it): one transaction,
    # conditioned on the version it holds.
    assert calls(lambda: tenant.patch(f"/products/{product_id}", {"code": "B-2"})) == {
        "GetItem": 1, "TransactWriteItems": 1}
    assert calls(lambda: tenant.post(f"/products/{product_id}/archive")) == {
        "GetItem": 1, "TransactWriteItems": 1}
    # A cold Lambda reads the record first.
    CACHE.clear()
    assert calls(lambda: tenant.post(f"/products/{product_id}/restore")) == {
        "GetItem": 1, "TransactGetItems": 1, "TransactWriteItems": 1}
    # The idempotency record rides in the same transaction.
    assert calls(lambda: tenant.post("/customers", {"name": "Once"}, headers={"Idempotency-Key": "b1"})) == {
        "GetItem": 1, "TransactWriteItems": 1}


def test_invoices_read_at_most_once_and_write_once(tenant):
    customer = tenant.post("/customers", {"name": "C"}).body
    product = tenant.post("/products", {"name": "P", "unit_price": "3"}).body
    body = {"customer_id": customer["id"], "lines": [{"product_id": product["id"], "quantity": "1"}] * 10}
    CACHE.clear()  # a cold Lambda
    # One read of the tenant, customer and products together; one transaction.
    assert calls(lambda: tenant.post("/invoices", body)) == {"GetItem": 1, "TransactGetItems": 1,
                                                             "TransactWriteItems": 1}
    # Warm: what this process read or wrote is reused, and verified inside the transaction.
    assert calls(lambda: tenant.post("/invoices", body)) == {"GetItem": 1, "TransactWriteItems": 1}
    first, second = [i["id"] for i in tenant.get("/invoices").body["data"]]
    # The series does not exist before the first issue, so that one reads it.
    assert calls(lambda: tenant.post(f"/invoices/{first}/issue", {})) == {
        "GetItem": 1, "TransactGetItems": 1, "TransactWriteItems": 1}
    assert calls(lambda: tenant.post(f"/invoices/{second}/issue", {})) == {
        "GetItem": 1, "TransactWriteItems": 1}
    assert calls(lambda: tenant.get(f"/invoices/{first}")) == {"GetItem": 2}
    assert calls(lambda: tenant.get("/dashboard")) == {"GetItem": 2, "Query": 1}


def test_a_stale_cached_record_is_caught_by_the_transaction_and_read_again(tenant, admin):
    customer = tenant.post("/customers", {"name": "C"}).body
    body = {"customer_id": customer["id"], "lines": [{"description": "x", "quantity": "1", "unit_price": "9.99"}]}
    tenant.post("/invoices", body)  # the tenant and customer are now cached
    # Another Lambda changes the rounding policy: this process's cached tenant is now stale.
    stale = CACHE.get(RecordItem, TENANTS.store.pk(tenant.tenant_id, tenant.tenant_id), "RECORD")
    assert admin.patch(f"/tenants/{tenant.tenant_id}", {"rounding": {"vat_level": "line"}}).status == 200
    CACHE.put(stale)
    with count_dynamodb_calls() as counted:
        invoice = tenant.post("/invoices", body).body
    assert invoice["rounding"]["vat_level"] == "line"
    assert counted["TransactWriteItems"] == 2 and counted["TransactGetItems"] == 1


def test_an_allocation_is_one_transaction(tenant):
    customer = tenant.post("/customers", {"name": "C"}).body
    draft = tenant.post("/invoices", {"customer_id": customer["id"],
                                      "lines": [{"description": "x", "quantity": "1", "unit_price": "10"}]}).body
    tenant.post(f"/invoices/{draft['id']}/issue", {})
    payment = tenant.post("/payments", {"customer_id": customer["id"], "amount": "12"}).body
    CACHE.clear()
    assert calls(lambda: tenant.post(f"/payments/{payment['id']}/allocations", {"allocations": [
        {"invoice_id": draft["id"], "amount": "5"}]})) == {"GetItem": 1, "TransactGetItems": 1, "TransactWriteItems": 1}
    # Warm: the payment and invoice this process just wrote are reused and version-checked.
    assert calls(lambda: tenant.post(f"/payments/{payment['id']}/allocations", {"allocations": [
        {"invoice_id": draft["id"], "amount": "5"}]})) == {"GetItem": 1, "TransactWriteItems": 1}


def test_an_edit_based_on_a_stale_cached_record_lands_on_the_fresh_one(tenant):
    product = tenant.post("/products", {"name": "Old", "unit_price": "1"}).body
    key = (RecordItem, PRODUCTS.store.pk(tenant.tenant_id, product["id"]), "RECORD")
    stale = CACHE.get(*key)
    tenant.patch(f"/products/{product['id']}", {"unit_price": "5"})  # as if another Lambda did it
    CACHE.put(stale)
    answer = tenant.patch(f"/products/{product['id']}", {"name": "New"})
    assert answer.status == 200
    assert (answer.body["name"], answer.body["unit_price"], answer.body["version"]) == ("New", "5.00", 3)


def test_a_refusal_is_never_based_on_a_stale_cached_record(tenant):
    product = tenant.post("/products", {"name": "P", "unit_price": "1"}).body
    tenant.post(f"/products/{product['id']}/archive")
    key = (RecordItem, PRODUCTS.store.pk(tenant.tenant_id, product["id"]), "RECORD")
    stale = CACHE.get(*key)  # archived
    tenant.post(f"/products/{product['id']}/restore")
    CACHE.put(stale)
    assert tenant.patch(f"/products/{product['id']}", {"name": "Q"}).status == 200


def test_what_a_write_leaves_in_the_cache_is_what_the_table_holds(tenant):
    """Each item a transaction puts is cached as the transaction sent it: the next use case of this
    process must find exactly what a fresh read gives, new version included."""
    from chalicelib.services.document_types import INVOICE
    from chalicelib.store.models import DocumentItem, SeriesItem
    from chalicelib.store.numbering import series_key

    customer = tenant.post("/customers", {"name": "C"}).body
    draft = tenant.post("/invoices", {"customer_id": customer["id"],
                                      "lines": [{"description": "x", "quantity": "2", "unit_price": "10.05"}]}).body
    assert tenant.post(f"/invoices/{draft['id']}/issue", {}).status == 200
    for model, key in ((DocumentItem, (INVOICE.store.pk(tenant.tenant_id, draft["id"]), "RECORD")),
                       (SeriesItem, series_key(tenant.tenant_id, "invoice")),
                       (RecordItem, (TENANTS.store.pk(tenant.tenant_id, tenant.tenant_id), "RECORD"))):
        cached = CACHE.get(model, *key)
        assert cached is not None, key
        assert cached.serialize() == model.get(*key, consistent_read=True).serialize()
