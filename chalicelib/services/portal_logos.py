"""The tenant's logo on its portal pages, as a data: URI (the pages load nothing from elsewhere).

A page reads only the token and the document, so each process keeps every tenant's logo for a
minute, as it keeps time zones (services/tenants.py): a changed logo shows within that minute.
"""
import base64
import threading
from functools import lru_cache
from time import monotonic
from typing import Dict, Tuple

from ..store import files
from .tenants import TENANTS

LOGO_TTL_SECONDS = 60
_TENANTS_KEPT = 1000
_kept: Dict[str, Tuple[str, float]] = {}  # tenant id -> (data: URI or "" for none, when read)
_lock = threading.Lock()


def logo_uri(tenant_id: str) -> str:
    """The logo as a data: URI; "" when the tenant has none."""
    with _lock:
        kept = _kept.get(tenant_id)
    if kept and kept[1] > monotonic() - LOGO_TTL_SECONDS:
        return kept[0]
    logo = TENANTS.store.get(tenant_id, tenant_id).data.get("logo")
    uri = _data_uri(logo["key"], logo["sha256"], logo["content_type"]) if logo else ""
    with _lock:
        if len(_kept) >= _TENANTS_KEPT:
            _kept.clear()
        _kept[tenant_id] = (uri, monotonic())
    return uri


@lru_cache(maxsize=32)
def _data_uri(key: str, sha256: str, content_type: str) -> str:
    """Read once per process: the hash in the cache key changes with the logo."""
    return f"data:{content_type};base64,{base64.b64encode(files.get_bytes(key)).decode()}"
