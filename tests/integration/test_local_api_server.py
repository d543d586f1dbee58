"""`make run`'s API server over HTTP: what API Gateway answers before the app, in the one shape.

Expected answers are API Gateway's documented behaviour (a request with no Authorization
header to a route with a TOKEN authorizer is UNAUTHORIZED, 401; an unknown path, or a method
the path does not have, is MISSING_AUTHENTICATION_TOKEN, which the stack answers as 404;
other 4XX keep their status under DEFAULT_4XX) with the codes of README's error conventions.
"""
import http.client
import json
import logging
import threading

import pytest
from chalice import AuthResponse, Chalice
from chalice.config import Config

from chalicelib.observability import logger, observe_http
from infra.local.api_server import create_server
from infra.local.environment import free_port
from infra.local.processes import start_child, stop_children, wait_until_answering
from infra.local.services import ROOT, api_server_argv


@pytest.fixture(scope="module")
def api_port(local_aws, tmp_path_factory):
    port = free_port()
    server = start_child("API server", api_server_argv(port), port,
                         tmp_path_factory.mktemp("api-server") / "api.log", cwd=ROOT)
    try:
        wait_until_answering([server])
        yield port
    finally:
        stop_children([server])


def call(port, method, path, headers=()):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=dict(headers))
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer("test-admin-key")
LONG_ID = "k" * 2090  # over DynamoDB's 1,024-byte sort key limit


@pytest.mark.parametrize("method, path, headers, status, code", [
    ("GET", "/customers", {}, 401, "unauthorized"),
    ("GET", "/customers", bearer("x" * 2100), 401, "unauthorized"),
    ("GET", "/customers", bearer(f"ten_0123456789abcdef.{LONG_ID}.s"), 401, "unauthorized"),
    ("GET", "/no-such-resource", {}, 404, "not_found"),
    ("GET", "/no-such-resource", ADMIN, 404, "not_found"),
    ("DELETE", "/tenants", ADMIN, 404, "not_found"),
    ("PUT", "/customers", bearer("x"), 404, "not_found"),
    ("OPTIONS", "/customers", {}, 404, "not_found"),
    ("BREW", "/customers", {}, 404, "not_found"),
    ("GET", "/customers/" + "a" * 70_000, {}, 414, "bad_request"),
    ("GET", "/customers", {"X-Padding": "p" * 70_000}, 431, "bad_request"),
])
def test_gateway_answers_are_in_the_error_shape(api_port, method, path, headers, status, code):
    answer = call(api_port, method, path, headers)
    assert answer[:2] == (status, "application/json")
    body = json.loads(answer[2])
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["code", "details", "message"]
    assert body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["details"] == []


def test_routes_still_answer_with_the_callers_identity(api_port):
    status, _, body = call(api_port, "GET", "/health")
    assert status == 200
    status, _, body = call(api_port, "GET", "/customers", ADMIN)  # the admin key is no tenant's
    assert (status, json.loads(body)["error"]["code"]) == (403, "forbidden")


class Lines(logging.Handler):
    """The JSON lines the service's logger writes, formatted in the thread that logs them."""

    def __init__(self):
        super().__init__()
        self.setFormatter(logger.registered_formatter)
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def log_context_app():
    """observe_http as app.py registers it; each caller's tenant is its bearer token, and its
    view logs an error once both callers are inside their requests."""
    app = Chalice(app_name="log-context")
    app.register_middleware(observe_http, "http")
    both_inside = threading.Barrier(2, timeout=5)

    @app.authorizer(ttl_seconds=0)
    def tenant_token(auth_request):
        return AuthResponse(routes=["*"], principal_id="caller",
                            context={"tenant_id": auth_request.token.split()[-1]})

    @app.route("/fail/{tenant}", authorizer=tenant_token)
    def fail(tenant):
        both_inside.wait()
        logger.error("failed", extra={"path_tenant": tenant})
        both_inside.wait()  # neither leaves (and drops its context) before both have logged
        return {}

    return app


def test_each_log_line_carries_its_own_requests_tenant_under_the_threaded_server():
    app = log_context_app()
    port = free_port()
    server = create_server(app, Config.create(chalice_app=app, app_name=app.app_name),
                           "127.0.0.1", port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lines = Lines()
    logger.addHandler(lines)
    answers = {}
    try:
        for _ in range(3):
            callers = [threading.Thread(target=lambda t=tenant: answers.setdefault(t, []).append(
                call(port, "GET", f"/fail/{t}", bearer(t))[0])) for tenant in ("ten_a", "ten_b")]
            for caller in callers:
                caller.start()
            for caller in callers:
                caller.join()
    finally:
        logger.removeHandler(lines)
        server.shutdown()
    assert answers == {"ten_a": [200] * 3, "ten_b": [200] * 3}
    errors = [line for line in lines.lines if line["message"] == "failed"]
    assert sorted(line["path_tenant"] for line in errors) == ["ten_a"] * 3 + ["ten_b"] * 3
    assert [line.get("tenant_id") for line in errors] == [line["path_tenant"] for line in errors]
    requests = [line for line in lines.lines if line["message"] == "request"]
    assert len(requests) == 6 and all(line["tenant_id"] in ("ten_a", "ten_b") for line in requests)
