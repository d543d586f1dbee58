"""Products: priced goods and services, with a VAT category and rate, codes unique per tenant."""
from ..domain import vat
from ..domain.errors import invalid
from ..domain.money import format_price
from ..store.records import RecordStore
from .records import RecordType


def _prepare(fields: dict) -> dict:
    """A category named without a rate takes that category's default (UK) rate."""
    if fields.get("vat_category") and fields.get("vat_rate") is None:
        return {**fields, "vat_rate": vat.default_rate(fields["vat_category"])}
    return fields


def _check(data: dict) -> None:
    problem = vat.rate_problem(data.get("vat_category", vat.STANDARD), data["vat_rate"])
    if problem:
        raise invalid("vat_rate", problem)


def _present(data: dict) -> dict:
    shown = dict(data)
    shown["unit_price"] = format_price(data["unit_price"], data["currency"])
    shown["vat_rate"] = str(data["vat_rate"])
    return shown


PRODUCTS = RecordType(
    store=RecordStore("PRODUCT", "product"),
    id_prefix="prd",
    present=_present,
    search_fields=("name", "code", "description"),
    unique_fields=("code",),
    prepare=_prepare,
    check=_check,
)
