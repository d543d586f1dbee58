"""Repository for records of one kind (customers, products, ...) owned by a tenant.

A record is one RecordItem: its fields in `data`, its status, timestamps and
version. Listing reads one index partition in creation order, newest first:
GSI1 holds every record of the kind, GSI2 those of one status, so a filter by
status or timeframe is a key condition, never a Scan.
"""
from typing import List, NamedTuple, Optional, Tuple

from ..domain.errors import NotFound
from . import keys
from .models import RecordItem
from .pagination import decode_cursor, encode_cursor
from .reads import Snapshot

# Read a little ahead when a search filter may drop most of a page.
_SEARCH_PAGE_SIZE = 100


class ListQuery(NamedTuple):
    status: Optional[str] = None
    created_from: Optional[str] = None  # inclusive ISO timestamps
    created_to: Optional[str] = None
    text: Optional[str] = None  # lower-case substring of the record's search text
    limit: int = 50
    cursor: Optional[str] = None


class RecordStore:
    def __init__(self, kind: str, label: str):
        self.kind = kind  # key segment, e.g. CUSTOMER
        self.label = label  # for messages, e.g. customer

    def pk(self, tenant_id: str, record_id: str) -> str:
        return keys.record_pk(tenant_id, self.kind, record_id)

    def get(self, tenant_id: str, record_id: str) -> RecordItem:
        try:
            return RecordItem.get(self.pk(tenant_id, record_id), keys.RECORD_SK, consistent_read=True)
        except RecordItem.DoesNotExist:
            raise NotFound(f"No {self.label} has the id {record_id}") from None

    def read(self, tenant_id: str, record_id: str, use_cache: bool) -> RecordItem:
        """For a change: from this process's cache when allowed (the change's write verifies it)."""
        item = Snapshot({"record": (RecordItem, self.pk(tenant_id, record_id), keys.RECORD_SK)}, use_cache)["record"]
        if item is None:
            raise NotFound(f"No {self.label} has the id {record_id}")
        return item

    def new_item(self, tenant_id: str, record_id: str, created_at: str) -> RecordItem:
        return RecordItem(
            self.pk(tenant_id, record_id), keys.RECORD_SK, id=record_id, kind=self.kind,
            created_at=created_at,
            GSI1PK=keys.kind_partition(tenant_id, self.kind),
            GSI1SK=keys.created_sort_key(created_at, record_id),
            GSI2SK=keys.created_sort_key(created_at, record_id),
        )

    def set_status(self, item: RecordItem, tenant_id: str, status: str) -> None:
        item.status = status
        item.GSI2PK = keys.status_partition(tenant_id, self.kind, status)

    def list(self, tenant_id: str, query: ListQuery) -> Tuple[List[RecordItem], Optional[str]]:
        if query.status:
            index, partition = RecordItem.by_status, keys.status_partition(tenant_id, self.kind, query.status)
            sort_key, partition_name = RecordItem.GSI2SK, "GSI2PK"
        else:
            index, partition = RecordItem.by_kind, keys.kind_partition(tenant_id, self.kind)
            sort_key, partition_name = RecordItem.GSI1SK, "GSI1PK"
        start = decode_cursor(query.cursor, {partition_name: partition}) if query.cursor else None
        results = index.query(
            partition,
            range_key_condition=_created_between(sort_key, query.created_from, query.created_to),
            filter_condition=RecordItem.search.contains(query.text) if query.text else None,
            scan_index_forward=False,
            limit=query.limit,
            page_size=_SEARCH_PAGE_SIZE if query.text else query.limit,
            last_evaluated_key=start,
        )
        items = list(results)
        return items, encode_cursor(results.last_evaluated_key)


def _created_between(sort_key, created_from: Optional[str], created_to: Optional[str]):
    # Sort keys are "<created_at>#<id>"; "~" sorts after every id character.
    if created_from and created_to:
        return sort_key.between(created_from, created_to + "~")
    if created_from:
        return sort_key >= created_from
    if created_to:
        return sort_key <= created_to + "~"
    return None
