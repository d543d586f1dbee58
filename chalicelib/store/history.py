"""History records: one item per change, stored beside the record it describes."""
import json
import secrets
from typing import Any, Dict, List, Optional, Tuple

from .keys import HISTORY_SK_PREFIX
from .models import HistoryItem
from .pagination import decode_cursor, encode_cursor


def history_entry(record_pk: str, at: str, actor: str, action: str,
                  changes: Dict[str, Any]) -> HistoryItem:
    # The random tail keeps two changes in the same microsecond apart.
    sk = f"{HISTORY_SK_PREFIX}{at}#{secrets.token_hex(3)}"
    return HistoryItem(record_pk, sk, at=at, actor=actor, action=action,
                       changes=json.dumps(changes, separators=(",", ":")))


def list_history(record_pk: str, limit: int, cursor: Optional[str]) -> Tuple[List[dict], Optional[str]]:
    """Newest change first, one Query per page."""
    start = decode_cursor(cursor, {"PK": record_pk}) if cursor else None
    page = HistoryItem.query(record_pk, HistoryItem.SK.startswith(HISTORY_SK_PREFIX),
                             scan_index_forward=False, limit=limit, last_evaluated_key=start,
                             page_size=limit)
    entries = [_view(item) for item in page]
    return entries, encode_cursor(page.last_evaluated_key)


def _view(item: HistoryItem) -> dict:
    return {"at": item.at, "actor": item.actor, "action": item.action,
            "changes": json.loads(item.changes)}
