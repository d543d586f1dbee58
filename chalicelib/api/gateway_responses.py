"""Answers API Gateway gives before the app runs, in the one error shape.

A request without an Authorization header, or to a path no route has, is
answered by API Gateway itself. The CDK stack installs these bodies as Gateway
Responses; the local server and the test client apply the same mapping to the
answers `chalice local` gives in those cases, so both behave alike.
"""
import json
from typing import Dict, Tuple

# API Gateway response type -> (status, code, message)
GATEWAY_RESPONSES: Dict[str, Tuple[int, str, str]] = {
    "UNAUTHORIZED": (401, "unauthorized", "Send a valid API key as 'Authorization: Bearer <key>'"),
    "MISSING_AUTHENTICATION_TOKEN": (404, "not_found", "No route matches this method and path"),
    "ACCESS_DENIED": (403, "forbidden", "This key may not call this route"),
    "DEFAULT_4XX": (400, "bad_request", "The request could not be handled"),
    "DEFAULT_5XX": (500, "internal_error", "Something went wrong on our side"),
}


def error_body(response_type: str) -> str:
    _, code, message = GATEWAY_RESPONSES[response_type]
    return json.dumps({"error": {"code": code, "message": message, "details": []}})


def local_equivalent(status: int, error_type: str) -> Tuple[int, str]:
    """The status and body API Gateway would give for one of chalice local's own answers.

    `error_type` is the x-amzn-ErrorType header chalice local sets, as API Gateway does.
    """
    if status == 401:
        kind = "UNAUTHORIZED"
    elif status == 403 and error_type == "UnauthorizedException":
        kind = "MISSING_AUTHENTICATION_TOKEN"  # no route has this method and path
    elif status == 403:
        kind = "ACCESS_DENIED"
    else:  # DEFAULT_4XX/5XX keep the status they answer (the stack sets none on them)
        kind = "DEFAULT_5XX" if status >= 500 else "DEFAULT_4XX"
        return status, error_body(kind)
    return GATEWAY_RESPONSES[kind][0], error_body(kind)
