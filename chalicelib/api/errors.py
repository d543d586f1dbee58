"""Domain errors to HTTP, in the one error shape, in one place."""
import json

from chalice import Response

from ..domain import errors

_STATUS = [
    (errors.ValidationError, 400),
    (errors.Unauthorized, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.PayloadTooLarge, 413),
    (errors.InvalidReference, 422),
    (errors.UnsupportedMediaType, 415),
    (errors.UpstreamRefused, 502),
    (errors.UpstreamUnavailable, 503),
]


def status_for(error: errors.DomainError) -> int:
    return next(status for cls, status in _STATUS if isinstance(error, cls))


def error_body(error: errors.DomainError) -> dict:
    return {"error": {
        "code": error.code,
        "message": error.message,
        "details": [{"field": field, "message": message} for field, message in error.details],
    }}


def error_response(error: errors.DomainError) -> Response:
    return json_response(status_for(error), error_body(error))


def json_response(status: int, body, headers=None) -> Response:
    # Serialised here, not by Chalice, which would turn Decimal into float.
    return Response(body=json.dumps(body, separators=(",", ":"), ensure_ascii=False),
                    status_code=status,
                    headers={"Content-Type": "application/json", **(headers or {})})
