"""Tenants: the businesses (or their accountants' clients) that use the service.

A tenant is a record of itself: its id is also its tenant id, so its keys
carry the same T#<tenant_id># prefix as everything it owns.
"""
import threading
from collections import OrderedDict
from time import monotonic
from typing import Dict, Iterable, Optional

from ..domain.email_templates import check_templates
from ..domain.errors import fields_under
from ..store import keys
from ..store.models import RecordItem
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork
from .records import Actor, RecordType, create_record, update_record

# A tenant's time zone changes rarely, yet every request that judges "today" needs it: each
# process keeps it this long rather than read the tenant each time. A PATCH replaces it at once
# in the process that made it; other processes see the new zone within this many seconds.
ZONE_TTL_SECONDS = 60

DEFAULT_NUMBERING = {
    "invoice": {"prefix": "INV-", "padding": 4, "yearly_reset": False},
    "credit_note": {"prefix": "CN-", "padding": 4, "yearly_reset": False},
    "estimate": {"prefix": "EST-", "padding": 4, "yearly_reset": False},
}
DEFAULT_ROUNDING = {"vat_level": "invoice", "mode": "half_up"}
DEFAULTS = {"base_currency": "GBP", "timezone": "Europe/London"}


def _prepare(fields: dict) -> dict:
    """Fill each numbering series and the rounding policy from the defaults."""
    prepared = dict(fields)
    if "numbering" in fields:
        given = fields["numbering"] or {}
        prepared["numbering"] = {series: {**default, **(given.get(series) or {})}
                                 for series, default in DEFAULT_NUMBERING.items()}
    if "rounding" in fields:
        prepared["rounding"] = {**DEFAULT_ROUNDING, **(fields["rounding"] or {})}
    return prepared


def _present(data: dict) -> dict:
    shown = dict(data)
    shown["numbering"] = {series: {**settings, "padding": int(settings["padding"])}
                          for series, settings in data["numbering"].items()}
    return shown


def _check(data: dict) -> None:
    check_templates(data.get("email_templates"))
    if data.get("accounting_mapping") is not None:
        from ..render.accounting.mapping import validate

        with fields_under("accounting_mapping"):
            validate(data["accounting_mapping"])


TENANTS = RecordType(
    store=RecordStore("TENANT", "tenant"),
    id_prefix="ten",
    present=_present,
    search_fields=("legal_name", "trading_name"),
    prepare=_prepare,
    check=_check,
)


def create_tenant(uow: UnitOfWork, actor: Actor, fields: dict):
    tenant_id = keys.new_id("ten")
    settings = {**DEFAULTS, "numbering": None, "rounding": None, **fields}
    return create_record(uow, TENANTS, tenant_id, actor, settings, record_id=tenant_id)


def update_tenant(uow: UnitOfWork, tenant_id: str, actor: Actor, changes: dict) -> RecordItem:
    tenant = update_record(uow, TENANTS, tenant_id, actor, tenant_id, changes)
    keep_zone(tenant)
    return tenant


class _KeptZones:
    """Tenant id -> (IANA zone, when kept), oldest first; expired entries are dropped. Thread-safe."""

    def __init__(self):
        self._zones: "OrderedDict[str, tuple]" = OrderedDict()
        self._lock = threading.Lock()

    def get(self, tenant_id: str) -> Optional[str]:
        with self._lock:
            self._drop_expired()
            kept = self._zones.get(tenant_id)
        return kept[0] if kept else None

    def keep(self, tenant_id: str, zone: str) -> None:
        with self._lock:
            self._zones.pop(tenant_id, None)
            self._zones[tenant_id] = (zone, monotonic())

    def _drop_expired(self) -> None:
        oldest = monotonic() - ZONE_TTL_SECONDS
        while self._zones and next(iter(self._zones.values()))[1] <= oldest:
            self._zones.popitem(last=False)


_KEPT_ZONES = _KeptZones()


def keep_zone(tenant: RecordItem) -> str:
    """Keep the zone of a tenant record just read from, or written to, the table."""
    _KEPT_ZONES.keep(tenant.id, tenant.data["timezone"])
    return tenant.data["timezone"]


def tenant_zones(tenant_ids: Iterable[str]) -> Dict[str, str]:
    """Each tenant's IANA time zone: kept ones from memory, the others read in one call."""
    zones = {tenant_id: _KEPT_ZONES.get(tenant_id) for tenant_id in set(tenant_ids)}
    missing = [(TENANTS.store.pk(tenant_id, tenant_id), keys.RECORD_SK) for tenant_id, zone in zones.items()
               if zone is None]
    for tenant in RecordItem.batch_get(missing, consistent_read=True):
        zones[tenant.id] = keep_zone(tenant)
    return {tenant_id: zone for tenant_id, zone in zones.items() if zone}


def tenant_zone(tenant_id: str) -> str:
    return tenant_zones([tenant_id])[tenant_id]
