"""/health, /openapi.json and /docs: public, no key needed."""
import os

from chalice import Blueprint, Response

from .routing import PUBLIC, route

meta = Blueprint(__name__)
_DOCS_PAGE = os.path.join(os.path.dirname(__file__), "docs.html")


@route(meta, "/health", "GET", summary="Liveness check", tag="Service", access=PUBLIC,
       render=lambda body: body)
def health(ctx):
    return {"status": "ok"}


@route(meta, "/openapi.json", "GET", summary="This API's OpenAPI 3.1 document", tag="Service",
       access=PUBLIC, render=lambda body: body)
def openapi(ctx):
    from .openapi import document  # built on demand, off the cold-start path

    return document()


@route(meta, "/docs", "GET", summary="Browsable API documentation (works offline)", tag="Service",
       access=PUBLIC, render=lambda body: body)
def docs(ctx):
    with open(_DOCS_PAGE, encoding="utf-8") as page:
        return Response(body=page.read(), status_code=200,
                        headers={"Content-Type": "text/html; charset=utf-8"})
