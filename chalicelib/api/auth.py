"""The API Gateway authorizer: resolves a bearer key to a tenant (or the admin).

It never refuses on its own. It answers with the caller's identity in the
context, or with none; the route layer refuses callers without the identity a
route needs. That keeps every refusal in the one error shape, both behind API
Gateway and under `chalice local` (whose built-in refusals have another shape).
"""
import hmac

from chalice import AuthResponse, Blueprint

from .. import config
from ..lazy import lazy

auth = Blueprint(__name__)
resolve_api_key = lazy("chalicelib.services.api_keys", "resolve_api_key")
read_secret = lazy("chalicelib.secrets", "secret_string")


# No caching: a revoked key stops working on its next request.
@auth.authorizer(ttl_seconds=0)
def api_key_authorizer(request):
    token = _bearer_token(request.token)
    return AuthResponse(routes=["*"], principal_id="anonymous" if not token else "caller",
                        context=identify(token))


def identify(token: str) -> dict:
    """Context strings for the route layer: role, and tenant_id/key_id/scopes for tenants."""
    if not token:
        return {}
    admin = admin_key()
    if admin and hmac.compare_digest(token.encode(), admin.encode()):
        return {"role": "admin"}
    key = resolve_api_key(token)
    if key is None:
        return {}
    return {"role": "tenant", "tenant_id": key.tenant_id, "key_id": key.key_id,
            "scopes": ",".join(key.scopes), "base_currency": key.base_currency}


def admin_key() -> str:
    """The admin key: from the environment locally, from Secrets Manager in AWS; empty means
    tenant management is closed."""
    if config.admin_key():
        return config.admin_key()
    secret_id = config.admin_key_secret()
    return read_secret(secret_id) if secret_id else ""


def _bearer_token(header: str) -> str:
    scheme, _, token = (header or "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
