"""Key builders. Every tenant-owned key starts with T#<tenant_id>#."""
import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    """A random id such as cus_7k2m9x4q1r8t5w3z: 80 bits, readable, URL-safe."""
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(16))


def tenant_prefix(tenant_id: str) -> str:
    return f"T#{tenant_id}#"


def record_pk(tenant_id: str, kind: str, record_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}{kind}#{record_id}"


def kind_partition(tenant_id: str, kind: str) -> str:
    """GSI1 partition: every record of a kind, sorted by creation time."""
    return f"{tenant_prefix(tenant_id)}{kind}"


def status_partition(tenant_id: str, kind: str, status: str) -> str:
    """GSI2 partition: records of a kind in one status, sorted by creation time."""
    return f"{tenant_prefix(tenant_id)}{kind}#STATUS#{status}"


def created_sort_key(created_at: str, record_id: str) -> str:
    return f"{created_at}#{record_id}"


def unique_value_pk(tenant_id: str, kind: str, field: str, value: str) -> str:
    """Claims a value (such as a product code) for one record of the tenant."""
    return f"{tenant_prefix(tenant_id)}UNIQUE#{kind}#{field}#{value.lower()}"


def idempotency_pk(tenant_id: str, key: str) -> str:
    return f"{tenant_prefix(tenant_id)}IDEMPOTENCY#{key}"


def api_key_pk(key_id: str) -> str:
    # Looked up before the tenant is known, so it cannot carry the tenant prefix.
    return f"APIKEY#{key_id}"


def tenant_pk(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}TENANT"


TENANTS_PARTITION = "TENANTS"
RECORD_SK = "RECORD"
HISTORY_SK_PREFIX = "HISTORY#"
