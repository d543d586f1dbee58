import pytest

from tests.support.api import Api, gateway_client


@pytest.fixture(autouse=True)
def fresh_portal_rate_limit():
    """Each test starts as a new client: the portal's refusals of unknown tokens (kept per process,
    by address) from other tests, fuzzing ones above all, must not make its lookups a 429."""
    from chalicelib.api.portal_guard import FAILED_LOOKUPS

    FAILED_LOOKUPS.clear()
    yield
    FAILED_LOOKUPS.clear()


@pytest.fixture(scope="session")
def client(local_aws):
    from app import app

    with gateway_client(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def admin(client, local_aws):
    return Api(client, local_aws["INVOICING_ADMIN_KEY"])


@pytest.fixture(scope="session")
def anonymous(client):
    return Api(client, None)


@pytest.fixture
def new_tenant(admin, client):
    """Makes a tenant with a read-write key; returns an Api holding that key."""

    def make(scopes=("read", "write"), **settings):
        tenant = admin.post("/tenants", {"legal_name": "Test Trading Ltd", **settings})
        assert tenant.status == 201, tenant.body
        key = admin.post(f"/tenants/{tenant.body['id']}/api-keys", {"scopes": list(scopes)})
        assert key.status == 201, key.body
        api = Api(client, key.body["api_key"])
        api.tenant_id, api.key_id = tenant.body["id"], key.body["id"]
        return api

    return make


@pytest.fixture
def tenant(new_tenant):
    return new_tenant()
