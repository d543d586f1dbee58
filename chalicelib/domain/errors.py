"""The one error hierarchy. The API maps each class to an HTTP status in one place."""
from contextlib import contextmanager
from typing import List, Optional, Tuple

FieldProblem = Tuple[str, str]  # (field path such as "lines[0].quantity", message)


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, details: Optional[List[FieldProblem]] = None):
        super().__init__(message)
        self.message = message
        self.details = list(details or [])


class ValidationError(DomainError):
    """The request is malformed or a value is out of bounds."""
    code = "validation_error"


class OverMaximum(ValidationError):
    """An amount over the most a document may carry (money.MAX_AMOUNT)."""


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request is valid but the current state forbids it."""
    code = "conflict"


class InvalidReference(DomainError):
    """The body names a record (customer, product, ...) that the tenant does not have or cannot use."""
    code = "invalid_reference"


class ConcurrentUpdate(Conflict):
    """Someone else changed the record between our read and our write."""
    code = "concurrent_update"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class UpstreamRefused(DomainError):
    """A service we call (such as SES) refused the request for a reason the caller cannot fix."""
    code = "upstream_refused"


class UpstreamUnavailable(DomainError):
    """A service we call is busy or cannot be reached; the same request may succeed later."""
    code = "upstream_unavailable"


@contextmanager
def fields_under(prefix: str):
    """Re-raise a ValidationError with each field named from `prefix` (a nested check)."""
    try:
        yield
    except ValidationError as error:
        details = [(f"{prefix}.{field}", message) for field, message in error.details]
        raise ValidationError(f"{prefix}.{error.message}", details) from None


def invalid(field: str, message: str) -> ValidationError:
    """A validation error about a single field."""
    return ValidationError(f"{field}: {message}", [(field, message)])
