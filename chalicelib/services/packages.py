"""Packages: a fee per billing period, VAT, included allowances, the rate card that prices calls and
the prices of metered events' metrics (domain/metered.py).

A package is a record (history kept; archived, never deleted). Its rate card must
be one of the tenant's active cards, in the package's currency.
"""
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ..domain import vat
from ..domain.errors import InvalidReference, NotFound, ValidationError, fields_under, invalid
from ..domain.metered import MetricPrice
from ..domain.money import check_places, format_amount
from ..domain.usage_lines import Allowance, Tax
from ..store.records import RecordStore
from .rate_cards import RATE_CARDS
from .records import ACTIVE, RecordType


def _prepare(fields: dict) -> dict:
    if fields.get("vat_category") and fields.get("vat_rate") is None:
        return {**fields, "vat_rate": vat.default_rate(fields["vat_category"])}
    return fields


def _check(data: dict) -> None:
    problem = vat.rate_problem(data["vat_category"], data["vat_rate"])
    if problem:
        raise invalid("vat_rate", problem)
    check_places(data["fee"], data["currency"], "fee")
    allowances(data)
    metric_prices(data)


def _present(data: dict) -> dict:
    shown = dict(data)
    shown["fee"] = format_amount(data["fee"], data["currency"])
    shown["vat_rate"] = str(data["vat_rate"])
    if data.get("metrics"):
        shown["metrics"] = [{**price, "unit_price": str(price["unit_price"]),
                             **({"included": str(price["included"])} if "included" in price else {})}
                            for price in data["metrics"]]
    return shown


PACKAGES = RecordType(
    store=RecordStore("PACKAGE", "package"),
    id_prefix="pkg",
    present=_present,
    search_fields=("name", "description"),
    prepare=_prepare,
    check=_check,
)


FIXED = ("currency", "period")


def allowances(data: Dict[str, Any]) -> List[Allowance]:
    made = []
    for index, given in enumerate(data.get("allowances") or []):
        with fields_under(f"allowances[{index}]"):
            made.append(Allowance(given["prefix"], int(given["minutes"]), given["label"]))
    prefixes = [a.prefix for a in made]
    for index, prefix in enumerate(prefixes):
        if prefix in prefixes[:index]:
            raise invalid(f"allowances[{index}].prefix", "is the prefix of another allowance")
    return made


def metric_prices(data: Dict[str, Any]) -> Dict[str, MetricPrice]:
    """The package's metric prices by metric code; each metric once."""
    made: Dict[str, MetricPrice] = {}
    for index, given in enumerate(data.get("metrics") or []):
        with fields_under(f"metrics[{index}]"):
            price = MetricPrice(given["metric"], Decimal(given["unit_price"]), Decimal(given.get("included") or 0),
                                given.get("unit") or "", given.get("description") or "")
        if price.metric in made:
            raise invalid(f"metrics[{index}].metric", f"{price.metric} is priced already by another entry")
        made[price.metric] = price
    return made


def tax_of(data: Dict[str, Any]) -> Tax:
    return Tax(data["vat_category"], Decimal(data["vat_rate"]))


def check_references(tenant_id: str, package_id: Optional[str], fields: Dict[str, Any]) -> None:
    """The rate card must be an active card of the tenant in the package's currency. A package's
    currency and period are fixed once made: its subscriptions' periods and rated usage follow them."""
    current = PACKAGES.store.get(tenant_id, package_id).data if package_id else {}
    for name in FIXED:
        if current and name in fields and fields[name] != current[name]:
            raise invalid(name, "cannot change once the package is made; make another package")
    merged = {**current, **fields}
    card_id = merged.get("rate_card_id")
    if not card_id:
        return
    try:
        card = RATE_CARDS.store.get(tenant_id, card_id)
    except NotFound:
        raise InvalidReference(f"No rate card has the id {card_id}",
                               [("rate_card_id", "is not one of your rate cards")]) from None
    if card.status != ACTIVE:
        raise InvalidReference("The rate card is archived; restore it first", [("rate_card_id", "is archived")])
    if card.data["currency"] != merged["currency"]:
        raise ValidationError(f"rate_card_id: the card prices in {card.data['currency']}, the package in "
                              f"{merged['currency']}",
                              [("rate_card_id", f"prices in {card.data['currency']}, not {merged['currency']}")])

