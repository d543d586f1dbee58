"""The app as a WSGI application, through the same API-Gateway-like client the API tests use.

Schemathesis drives WSGI apps in-process: no server thread, no sockets, one request at a time,
as one Lambda handles one request at a time.
"""
from urllib.parse import quote


def wsgi_app(client):
    """`client`: a chalice.test.Client made by tests.support.api.gateway_client."""

    def application(environ, start_response):
        headers = {name[5:].replace("_", "-").lower(): value
                   for name, value in environ.items() if name.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        path = quote(environ.get("PATH_INFO", "/"), safe="/")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        response = client.http.request(environ["REQUEST_METHOD"], path, headers=headers, body=body)
        payload = response.body if isinstance(response.body, bytes) else response.body.encode()
        start_response(f"{response.status_code} -", list(response.headers.items()))
        return [payload]

    return application
