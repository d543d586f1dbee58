"""How every route runs: identity, body and query parsing, idempotency, errors.

Routes are declared with `route(...)`, which registers the Chalice view and
records what /openapi.json needs to describe it. A view function receives a
`RequestContext` with the caller's identity and the parsed, validated input,
and returns a result that the route's `render` turns into the response body.
"""
import json
import re
from functools import wraps
from typing import Any, Callable, Dict, List, NamedTuple, Optional

from chalice import Blueprint, Response

from .. import config
from ..domain.errors import (DomainError, Forbidden, NotFound, PayloadTooLarge, Unauthorized,
                             UnsupportedMediaType, ValidationError)
from ..observability import logger
from ..domain.records import Actor
from ..lazy import lazy
from .auth import api_key_authorizer
from .errors import error_response, json_response
from .schema import Field, Object, json_number, parse_body, parse_query, shown


class RequestContext(NamedTuple):
    identity: Dict[str, str]
    body: Optional[Dict[str, Any]]
    query: Dict[str, Any]
    uow: Any  # store.unit_of_work.UnitOfWork

    @property
    def tenant_id(self) -> str:
        return self.identity["tenant_id"]

    @property
    def base_currency(self) -> str:
        return self.identity["base_currency"]

    @property
    def actor(self) -> Actor:
        return Actor(self.identity.get("key_id", "admin"))


class RouteDoc(NamedTuple):
    method: str
    path: str
    summary: str
    tag: str
    access: str
    status: int
    body: Optional[Object]
    query: Dict[str, Field] = {}  # never changed: read only
    response: Optional[Object] = None
    list_response: bool = False
    html: bool = False  # answers text/html pages (the customer portal), errors included
    location: bool = False  # answers a Location header (where to read the result)


ROUTES: List[RouteDoc] = []
UnitOfWork = lazy("chalicelib.store.unit_of_work", "UnitOfWork")
run_once = lazy("chalicelib.api.idempotency", "run_once")

PUBLIC, ADMIN, READ, WRITE = "public", "admin", "read", "write"


def route(bp: Blueprint, path: str, method: str, *, summary: str, tag: str,
          render: Callable[[Any], Any], access: Optional[str] = None, body: Optional[Object] = None,
          partial: bool = False, query: Optional[Dict[str, Field]] = None, status: int = 200,
          response: Optional[Object] = None, list_response: bool = False,
          location: Optional[Callable[[Dict[str, Any]], str]] = None):
    """location: from the answer's body, the Location header of a successful answer (replays too)."""
    access = access or (READ if method == "GET" else WRITE)
    ROUTES.append(RouteDoc(method, path, summary, tag, access, status, body, query or {},
                           response, list_response, location=location is not None))

    def decorator(view: Callable[..., Any]):
        @bp.route(path, methods=[method], content_types=["*/*"],
                  authorizer=None if access == PUBLIC else api_key_authorizer)
        @wraps(view)
        def chalice_view(**path_params):
            request = bp.current_request
            try:
                answer = _run(request, view, path_params, access, body, partial, query or {}, status, render)
                if location and answer.status_code == status:
                    answer.headers["Location"] = location(json.loads(answer.body))
                return answer
            except DomainError as error:
                return error_response(error)
            except Exception:  # never expected; answered in the one shape, and logged
                logger.exception("unhandled error")
                return json_response(500, {"error": {
                    "code": "internal_error", "message": "Something went wrong on our side",
                    "details": []}})
        return chalice_view
    return decorator


def _run(request, view, path_params, access, body_schema, partial, query_fields, status, render):
    identity = _identity(request, access)
    _check_path_ids(path_params)
    query = parse_query(query_fields, request.query_params or {})
    body = _parse_json_body(request, body_schema, partial) if body_schema else None
    key = request.headers.get("idempotency-key") if request.method == "POST" else None
    if not key:
        ctx = RequestContext(identity, body, query, UnitOfWork())
        return _answer(status, render(view(ctx, **path_params)))
    return run_once(
        identity, key, request, status, render,
        lambda uow: view(RequestContext(identity, body, query, uow), **path_params))


_PATH_ID = re.compile(r"[A-Za-z0-9_.\-]{1,100}")


def _check_path_ids(path_params: Dict[str, str]) -> None:
    """No id we give is longer than 100 characters or holds other characters: such a path names
    nothing (and must not reach a key, which DynamoDB would refuse over 2 KB)."""
    for name, value in path_params.items():
        if not _PATH_ID.fullmatch(value or ""):
            raise NotFound(f"Nothing has that {name.replace('_', ' ')}")


def _answer(status: int, body: Any) -> Response:
    return body if isinstance(body, Response) else json_response(status, body)


def _identity(request, access: str) -> Dict[str, str]:
    if access == PUBLIC:
        return {}
    identity = (request.context.get("authorizer") or {})
    role = identity.get("role")
    if not role:
        raise Unauthorized("Send a valid API key as 'Authorization: Bearer <key>'")
    if (access == ADMIN) != (role == "admin"):
        raise Forbidden("This route needs the admin key" if access == ADMIN
                        else "This route needs a tenant's API key")
    if access == WRITE and "write" not in identity.get("scopes", "").split(","):
        raise Forbidden("This API key may only read; it lacks the 'write' scope")
    return identity


def _parse_json_body(request, schema: Object, partial: bool) -> Dict[str, Any]:
    raw = request.raw_body or b""
    if len(raw) > config.max_body_bytes():
        raise PayloadTooLarge(f"The body is larger than {config.max_body_bytes()} bytes")
    content_type = (request.headers.get("content-type") or "application/json").lower()
    if raw and not content_type.split(";")[0].strip() == "application/json":
        raise UnsupportedMediaType("Send the body as application/json")
    try:
        # Numbers are read as Decimal so that no amount ever passes through float.
        document = json.loads(raw.decode("utf-8") or "null", parse_float=json_number, parse_int=json_number,
                              parse_constant=_no_constant)
    except (ValueError, UnicodeDecodeError) as error:
        raise ValidationError(f"The body is not valid JSON: {shown(str(error))}", [("body", "is not valid JSON")])
    except RecursionError:
        document = _TOO_DEEP
    if document is None:
        raise ValidationError("A JSON object body is required", [("body", "is required")])
    if document is _TOO_DEEP or _nesting_exceeds(document, MAX_NESTING):
        raise ValidationError(f"The body nests deeper than {MAX_NESTING} levels", [("body", "nests too deeply")])
    return parse_body(schema, document, partial=partial)


MAX_NESTING = 20  # objects and lists within each other; every body we accept needs fewer than 6
_TOO_DEEP = object()


def _no_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _nesting_exceeds(document: Any, limit: int) -> bool:
    """Whether objects and lists nest deeper than `limit`; looks no deeper than that."""
    level, containers = 0, [document] if isinstance(document, (dict, list)) else []
    while containers:
        level += 1
        if level > limit:
            return True
        containers = [child for c in containers for child in (c.values() if isinstance(c, dict) else c)
                      if isinstance(child, (dict, list))]
    return False
