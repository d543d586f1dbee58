"""Calling the app in-process, through Chalice's local gateway, as a client would."""
import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

from chalice.test import Client, TestHTTPClient
from chalice.local import LocalGatewayException
from chalice.test import HTTPResponse

from chalicelib.api.gateway_responses import local_equivalent
from infra.local.api_server import ApiGatewayLike


class GatewayHTTPClient(TestHTTPClient):
    """Chalice's test client, with API Gateway's own answers in the one error shape,
    as the CDK stack's Gateway Responses give them in AWS (and `make run` does)."""

    def __init__(self, app, config):
        super().__init__(app, config)
        self._local_gateway = ApiGatewayLike(app, self._config)

    def _error_response(self, e: LocalGatewayException) -> HTTPResponse:
        status, body = local_equivalent(e.CODE, e.headers.get("x-amzn-ErrorType", ""))
        return HTTPResponse(headers={"Content-Type": "application/json"}, body=body.encode(),
                            status_code=status)


def gateway_client(app) -> Client:
    client = Client(app)
    client._http_client = GatewayHTTPClient(app, client._chalice_config)
    return client


@dataclass
class Answer:
    status: int
    body: Any
    headers: Dict[str, str]

    @property
    def error_fields(self):
        return [d["field"] for d in self.body["error"]["details"]]


class Api:
    """A caller holding one key (or none)."""

    def __init__(self, client: Client, key: Optional[str]):
        self.client = client
        self.key = key

    def call(self, method: str, path: str, body: Any = None, *, raw: Optional[bytes] = None,
             headers: Optional[Dict[str, str]] = None) -> Answer:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if self.key:
            sent["Authorization"] = f"Bearer {self.key}"
        payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        response = self.client.http.request(method, path, headers=sent, body=payload)
        text = response.body.decode() if isinstance(response.body, bytes) else response.body
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return Answer(response.status_code, parsed, dict(response.headers))

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.call("POST", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.call("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)
