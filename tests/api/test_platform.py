import json

from app import app
from chalicelib.api.routing import ROUTES


def test_health_needs_no_key(anonymous):
    assert anonymous.get("/health").body == {"status": "ok"}


def test_bodies_over_one_megabyte_get_413(tenant):
    answer = tenant.post("/customers", raw=json.dumps({"name": "x", "notes": "y" * 1_100_000}).encode())
    assert answer.status == 413 and answer.body["error"]["code"] == "payload_too_large"
    assert tenant.get("/customers").body["data"] == []


def test_bodies_that_are_not_json_get_415_or_400(tenant):
    assert tenant.post("/customers", raw=b"name=x", headers={"Content-Type": "text/plain"}).status == 415
    for raw in (b"{not json", b'{"name": "x"', b"\xff\xfe", b"", b"null", b"[]"):
        answer = tenant.post("/customers", raw=raw)
        assert answer.status == 400, raw
        assert answer.body["error"]["code"] == "validation_error"
    assert tenant.get("/customers").body["data"] == []


def test_unknown_routes_answer_404_in_the_one_shape(tenant):
    answer = tenant.get("/no-such-thing")
    assert answer.status == 404 and answer.body["error"]["code"] == "not_found"


def test_openapi_describes_every_route_the_app_serves(anonymous):
    spec = anonymous.get("/openapi.json").body
    assert spec["openapi"].startswith("3.")
    served = {(method.lower(), path) for path, methods in app.routes.items() for method in methods}
    described = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert served == described
    create = spec["paths"]["/customers"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"]["required"] == ["name"]
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    assert {(d.method, d.path) for d in ROUTES} == {(m.upper(), p) for m, p in described}


def test_the_docs_page_loads_nothing_from_outside(anonymous):
    answer = anonymous.get("/docs")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/html")
    page = answer.body
    assert "openapi.json" in page
    assert "http://" not in page and "https://" not in page and "//cdn" not in page
