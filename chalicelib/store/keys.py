"""Key builders. Every tenant-owned key starts with T#<tenant_id>#."""
import secrets
from datetime import datetime

from .clock import due_stamp

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_id(prefix: str) -> str:
    """A random id such as cus_7k2m9x4q1r8t5w3z: 80 bits, readable, URL-safe."""
    bits = int.from_bytes(secrets.token_bytes(10), "big")  # one read of the system's source, 5 bits a character
    return prefix + "_" + "".join(_ALPHABET[(bits >> shift) & 31] for shift in range(0, 80, 5))


def tenant_prefix(tenant_id: str) -> str:
    return f"T#{tenant_id}#"


def tenant_of(pk: str) -> str:
    """The tenant id in a tenant-owned key."""
    return pk.split("#")[1]


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


def date_sort_key(day: str, record_id: str) -> str:
    return f"{day}#{record_id}"


def due_sort_key(due: datetime, tenant_id: str, record_id: str) -> str:
    """A scheduled record's place in its due-time index (the ticks split it back on '#')."""
    return f"{due_stamp(due)}#{tenant_id}#{record_id}"


def open_partition(tenant_id: str, kind: str) -> str:
    """GSI3 partition: a kind's open documents, by due date (overdue is a range of it)."""
    return f"{tenant_prefix(tenant_id)}{kind}#OPEN"


def customer_documents_partition(tenant_id: str, kind: str, customer_id: str) -> str:
    """GSI4 partition: one customer's documents of a kind, by date."""
    return f"{tenant_prefix(tenant_id)}CUSTOMER#{customer_id}#{kind}"


def series_pk(tenant_id: str, series: str) -> str:
    return f"{tenant_prefix(tenant_id)}SERIES#{series}"


def tally_pk(tenant_id: str) -> str:
    return f"{tenant_prefix(tenant_id)}TALLY"


def document_number_pk(tenant_id: str, kind: str, number: str) -> str:
    """Claims a document number: no two documents of a kind ever share one."""
    return unique_value_pk(tenant_id, kind, "number", number)
