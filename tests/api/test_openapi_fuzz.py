"""Schemathesis over every operation of /openapi.json, with a tenant's key and with the admin key.

No answer may be a 5xx, and every answer's status, content type and body must be what the
document declares. The examples per operation are bounded and derandomized (a fixed seed), so CI
time stays fixed and a failure reproduces. (Schemathesis' pytest plugin does not run under this
pytest, so each operation is a parametrized test that runs the operation's strategy itself.)
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

import app  # noqa: F401  (registers every route)
from chalicelib.api.openapi import document
from tests.support.api import Api
from tests.support.fuzz_records import existing_ids, seed_records
from tests.support.wsgi import wsgi_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
FUZZ = settings(max_examples=12, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
SCHEMA = schemathesis.openapi.from_dict(document())
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}


@pytest.fixture(scope="session")
def wsgi(client):
    return wsgi_app(client)


@pytest.fixture(scope="session")
def keys(admin):
    tenant = admin.post("/tenants", {"legal_name": "Fuzzed Trading Ltd"})
    key = admin.post(f"/tenants/{tenant.body['id']}/api-keys", {"scopes": ["read", "write"]})
    return {"tenant": key.body["api_key"], "admin": admin.key, "tenant_id": tenant.body["id"],
            "key_id": key.body["id"]}


@pytest.fixture(scope="session")
def existing(admin, keys, client):
    """Ids of one record of each kind in the fuzzed tenant, so that operations on one reach their
    answers beyond 404 (schemathesis' own ids name nothing)."""
    return seed_records(Api(client, keys["tenant"]), keys)


@pytest.mark.parametrize("role", ["tenant", "admin"])
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_answers_as_documented(label, role, wsgi, keys, existing):
    headers = {"Authorization": f"Bearer {keys[role]}"}
    operation = OPERATIONS[label]

    @FUZZ
    @given(case=operation.as_strategy(), data=st.data())
    def fuzz(case, data):
        for name, generated in list((case.path_parameters or {}).items()):
            choices = existing_ids(existing, operation.path, name)
            case.path_parameters[name] = data.draw(st.sampled_from(choices + [generated]), label=name)
        case.call_and_validate(app=wsgi, headers=headers, checks=CHECKS)

    fuzz()
