"""The OpenAPI 3.1 document, built from the declared routes and their schemas."""
import re
from typing import Any, Dict

from .routing import ADMIN, PUBLIC, ROUTES, RouteDoc

_RECORD_FIELDS = {
    "id": {"type": "string", "readOnly": True},
    "status": {"type": "string", "readOnly": True},
    "created_at": {"type": "string", "format": "date-time", "readOnly": True},
    "updated_at": {"type": "string", "format": "date-time", "readOnly": True},
    "version": {"type": "integer", "readOnly": True},
}
_ERROR = {
    "type": "object",
    "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}},
    }}},
}
_ERRORS = {"400": "Invalid input", "401": "Missing or invalid API key", "403": "Not allowed",
           "404": "Not found", "409": "Conflicts with the current state",
           "413": "Body over 1 MB", "415": "Body is not JSON",
           "422": "The body names a record that cannot be used",
           "502": "A service we call (email, Xero) refused the request",
           "503": "A service we call (email, Xero) is busy or unreachable; try again"}


# The customer portal's pages (api/portal.py): HTML whatever happens.
_HTML_ANSWERS = {code: {"description": text, "content": {"text/html": {"schema": {"type": "string"}}}}
                 for code, text in (("200", "The page"), ("303", "On to the page, or to the file"),
                                    ("400", "The form needs correcting"), ("403", "The form has expired"),
                                    ("404", "The link does not work (the same page whatever the reason)"),
                                    ("409", "The estimate can no longer be answered"),
                                    ("429", "Too many unknown links from this address lately"))}


def document() -> Dict[str, Any]:
    paths: Dict[str, Dict[str, Any]] = {}
    for doc in ROUTES:
        paths.setdefault(doc.path, {})[doc.method.lower()] = _operation(doc)
    return {
        "openapi": "3.1.0",
        "info": {"title": "Invoicing API", "version": "1",
                 "description": "Invoices, customers, products and more for small businesses. "
                                "Money is sent as decimal strings next to an ISO 4217 currency."},
        "paths": paths,
        "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": _ERROR},
        },
    }


def _operation(doc: RouteDoc) -> Dict[str, Any]:
    operation: Dict[str, Any] = {
        "summary": doc.summary,
        "tags": [doc.tag],
        "operationId": _operation_id(doc),
        "parameters": _parameters(doc),
        "responses": {str(doc.status): _success(doc), **{
            code: {"description": text, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
            for code, text in _ERRORS.items()}},
    }
    if doc.html:
        operation["responses"] = _HTML_ANSWERS
    if doc.access != PUBLIC:
        operation["security"] = [{"apiKey": []}]
        operation["description"] = f"Needs {'the admin key' if doc.access == 'admin' else 'a key with the ' + doc.access + ' scope'}."
    if doc.body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": doc.body.openapi()}}}
    links = _links(doc)
    if links:
        operation["responses"][str(doc.status)]["links"] = links
    return operation


def _links(doc: RouteDoc) -> Dict[str, Any]:
    """What a client can do next with what a create answers: every operation on the path below
    the created record's, its id taken from the answer (OpenAPI links; schemathesis follows them)."""
    if doc.method != "POST" or doc.status != 201 or "{" in doc.path:
        return {}
    below = re.compile(re.escape(doc.path) + r"/{(\w+)}")
    links = {}
    for other in ROUTES:
        match = below.match(other.path)
        if match and (other.access == ADMIN) == (doc.access == ADMIN):  # the same kind of key
            links[_operation_id(other)] = {"operationId": _operation_id(other),
                                           "parameters": {match.group(1): "$response.body#/id"}}
    return links


def _parameters(doc: RouteDoc):
    params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
              for name in re.findall(r"{(\w+)}", doc.path)]
    params += [{"name": name, "in": "query", "required": False, "schema": field.openapi()}
               for name, field in doc.query.items()]
    if doc.method == "POST":
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "A retry with the same key returns the first answer",
                       "schema": {"type": "string", "maxLength": 255}})
    return params


def _success(doc: RouteDoc) -> Dict[str, Any]:
    if not doc.response:
        return {"description": "OK"}
    schema = doc.response.openapi()
    schema.pop("additionalProperties", None)
    schema["properties"] = {**_RECORD_FIELDS, **schema["properties"]}
    if doc.list_response:
        schema = {"type": "object", "properties": {
            "data": {"type": "array", "items": schema},
            "next_cursor": {"type": ["string", "null"]}}}
    answer = {"description": "OK", "content": {"application/json": {"schema": schema}}}
    if doc.location:
        answer["headers"] = {"Location": {"description": "Where to read the result, relative to this path",
                                          "schema": {"type": "string"}}}
    return answer


def _operation_id(doc: RouteDoc) -> str:
    words = re.sub(r"{\w+}", "one", doc.path).strip("/").replace("-", "_").split("/")
    return doc.method.lower() + "_" + "_".join(w for w in words if w)
