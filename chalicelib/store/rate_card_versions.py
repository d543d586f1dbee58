"""Rate card versions: the rows of a card in force from a date, one item each, beside the card.

PK is the card's record key, SK `VERSION#<effective_from>`, so the version in
force on a day is the last one at or before it (one Query, newest first, limit
1). Rows are kept gzip-compressed JSON (20,000 rows fit well within an item's
400 KB); a parsed card is cached per process by its key and write time.
"""
import gzip
import json
from collections import OrderedDict
from typing import List, Optional, Tuple

from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute

from ..domain.errors import PayloadTooLarge
from ..domain.rate_card_rows import card_from_rows, rows_as_dicts
from ..domain.rating import RateCard
from .models import Item

VERSION_SK = "VERSION#"
_MAX_STORED = 350_000  # bytes of compressed rows, below DynamoDB's 400 KB an item
_CACHE: "OrderedDict[Tuple[str, str, str], RateCard]" = OrderedDict()
_CACHE_SIZE = 64


class CardVersionItem(Item):
    effective_from = UnicodeAttribute()
    written_at = UnicodeAttribute()
    row_count = NumberAttribute()  # a count, never money
    rows = BinaryAttribute(legacy_encoding=False)


def version_item(card_pk: str, effective_from: str, written_at: str, card: RateCard) -> CardVersionItem:
    packed = gzip.compress(json.dumps(rows_as_dicts(card), separators=(",", ":")).encode(), 6)
    if len(packed) > _MAX_STORED:
        raise PayloadTooLarge("The card's rows are too large to keep as one version; split the card")
    return CardVersionItem(card_pk, VERSION_SK + effective_from, effective_from=effective_from,
                           written_at=written_at, row_count=len(card.rows), rows=packed)


def versions(card_pk: str) -> List[CardVersionItem]:
    """Every version, earliest first, without their rows."""
    return list(CardVersionItem.query(card_pk, CardVersionItem.SK.startswith(VERSION_SK),
                                      attributes_to_get=["PK", "SK", "effective_from", "written_at", "row_count"]))


def version(card_pk: str, effective_from: str) -> Optional[CardVersionItem]:
    try:
        return CardVersionItem.get(card_pk, VERSION_SK + effective_from, consistent_read=True)
    except CardVersionItem.DoesNotExist:
        return None


def version_at(card_pk: str, day: str) -> Optional[CardVersionItem]:
    """The version in force on `day` (YYYY-MM-DD): the latest effective on or before it."""
    found = CardVersionItem.query(card_pk, CardVersionItem.SK.between(VERSION_SK, VERSION_SK + day),
                                  scan_index_forward=False, limit=1, consistent_read=True)
    return next(iter(found), None)


def card_of(item: CardVersionItem) -> RateCard:
    key = (item.PK, item.SK, item.written_at)
    card = _CACHE.get(key)
    if card is None:
        card = card_from_rows(json.loads(gzip.decompress(item.rows)))
        _CACHE[key] = card
        if len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return card


def rows_of(item: CardVersionItem) -> List[dict]:
    return json.loads(gzip.decompress(item.rows))
