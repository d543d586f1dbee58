"""Tenants: the businesses (or their accountants' clients) that use the service.

A tenant is a record of itself: its id is also its tenant id, so its keys
carry the same T#<tenant_id># prefix as everything it owns.
"""
from ..domain.email_templates import check_templates
from ..domain.errors import fields_under
from ..store import keys
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork
from .records import Actor, RecordType, create_record

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
