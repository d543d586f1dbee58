"""Rate cards: a named card in one currency (a record) and its versions of rows, each in force from a date.

A version never changes once it is in force: usage is rated on arrival with the
version in force on the call's day, and what was rated stays as it was, so a
change of prices is a new version from a date on. The first version may take
any date; a later one must start today (tenant-local) or later, and replaces
a version of the same date only while that is still in the future.
"""
from datetime import date
from typing import Any, Dict, List, NamedTuple, Optional

from ..domain.errors import Conflict, NotFound, invalid
from ..domain.rate_card_rows import card_from_csv, card_from_rows
from ..domain.rating import RateCard
from ..domain.records import Actor
from ..store import rate_card_versions as stored
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from .local_dates import tenant_today
from .records import ACTIVE, RecordType

RATE_CARDS = RecordType(
    store=RecordStore("RATECARD", "rate card"),
    id_prefix="rc",
    present=dict,
    search_fields=("name", "description"),
)


def check_change(tenant_id: str, card_id: Optional[str], fields: Dict[str, Any]) -> None:
    """A card's currency is fixed once made: its packages price in it."""
    if card_id and "currency" in fields and fields["currency"] != RATE_CARDS.store.get(tenant_id, card_id).data["currency"]:
        raise invalid("currency", "cannot change once the card is made; make another card")


def add_version(uow: UnitOfWork, tenant_id: str, actor: Actor, card_id: str, body: Dict[str, Any]) -> Dict[str, Any]:
    """A version of the card's rows (given as `rows` or as `csv` text) in force from `effective_from`."""
    item = RATE_CARDS.store.get(tenant_id, card_id)
    if item.status != ACTIVE:
        raise Conflict("This rate card is archived; restore it before changing it")
    card = _card_of(body)
    effective_from: date = body["effective_from"]
    _check_date(tenant_id, item.PK, effective_from)
    at = stamp(now())
    version = stored.version_item(item.PK, effective_from.isoformat(), at, card)
    writes = Writes().put(version)
    writes.put(history_entry(item.PK, at, actor.id, "version_added",
                             {"effective_from": effective_from.isoformat(), "rows": len(card.rows)}))
    return uow.commit(writes, present_version(version))


def _card_of(body: Dict[str, Any]) -> RateCard:
    given = [name for name in ("rows", "csv") if body.get(name) is not None]
    if len(given) != 1:
        raise invalid("rows", "give the rows either as `rows` or as `csv` text, one of the two")
    return card_from_rows(body["rows"]) if given == ["rows"] else card_from_csv(body["csv"])


def _check_date(tenant_id: str, card_pk: str, effective_from: date) -> None:
    existing = stored.versions(card_pk)
    if not existing:
        return
    today = tenant_today(tenant_id)
    if effective_from < today:
        raise invalid("effective_from", f"must be today ({today.isoformat()}) or later: usage already rated "
                                        "keeps the prices it was rated at")
    if effective_from == today and any(v.effective_from == today.isoformat() for v in existing):
        raise Conflict("The version of today is in force already; add one from tomorrow",
                       [("effective_from", "is the date of a version already in force")])


def present_version(item: stored.CardVersionItem, with_rows: bool = False) -> Dict[str, Any]:
    shown = {"effective_from": item.effective_from, "row_count": int(item.row_count), "added_at": item.written_at}
    if with_rows:
        shown["rows"] = stored.rows_of(item)
    return shown


def list_versions(tenant_id: str, card_id: str) -> List[Dict[str, Any]]:
    item = RATE_CARDS.store.get(tenant_id, card_id)
    return [present_version(v) for v in stored.versions(item.PK)]


def get_version(tenant_id: str, card_id: str, effective_from: str) -> Dict[str, Any]:
    found = stored.version(RATE_CARDS.store.pk(tenant_id, card_id), effective_from)
    if found is None:
        raise NotFound(f"The rate card {card_id} has no version from {effective_from}")
    return present_version(found, with_rows=True)


def card_at(tenant_id: str, card_id: str, day: str) -> Optional[RateCard]:
    """The card's rows in force on `day` (YYYY-MM-DD), or None before its first version."""
    found = stored.version_at(RATE_CARDS.store.pk(tenant_id, card_id), day)
    return stored.card_of(found) if found else None


class CardSpan(NamedTuple):
    card: RateCard
    since: str  # the first day of the version in force
    until: Optional[str]  # the first day of the next version, if any


def card_span(tenant_id: str, card_id: str, day: str) -> Optional[CardSpan]:
    """The card in force on `day` and the days it stays in force; None before its first version."""
    pk = RATE_CARDS.store.pk(tenant_id, card_id)
    dates = [v.effective_from for v in stored.versions(pk)]
    since = [d for d in dates if d <= day]
    if not since:
        return None
    later = [d for d in dates if d > day]
    return CardSpan(stored.card_of(stored.version(pk, since[-1])), since[-1], later[0] if later else None)
