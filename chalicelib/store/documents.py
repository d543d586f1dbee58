"""Repository for documents of one kind (invoices; later credit notes and estimates).

Each list picks the index whose key narrows it most (overdue: open documents
by due date; a customer: that customer's documents; a status: that status;
otherwise every document), with the timeframe as a key condition where the
index sorts by the same date, and the remaining filters as a filter
expression on that one Query. No Scan.
"""
from datetime import date, timedelta
from typing import Any, List, NamedTuple, Optional, Sequence, Tuple

from ..domain.documents import OPEN, OVERDUE
from ..domain.errors import NotFound
from . import keys
from .models import DocumentItem
from .pagination import decode_cursor, encode_cursor

_FILTERED_PAGE_SIZE = 100
OVERDUE_WATCH = "OVERDUE#WATCH"  # GSI5: open invoices the tick must mark overdue or remind about
_END_OF_DAY = "~"  # sorts after "#<id>", so "<day>~" closes a day inclusively


class DocumentQuery(NamedTuple):
    status: Optional[str] = None  # a stored status, or "overdue"
    date_from: Optional[str] = None  # ISO dates, inclusive
    date_to: Optional[str] = None
    date_field: str = "issue"  # "issue" or "due"
    customer_id: Optional[str] = None
    currency: Optional[str] = None
    text: Optional[str] = None
    limit: int = 50
    cursor: Optional[str] = None
    today: str = ""  # ISO date that decides overdue


def _watch_day(item: DocumentItem) -> Optional[str]:
    """The tick looks at an open invoice again once the tenant's own date is past this one:
    after its due date to mark it overdue, then on the day its next reminder is due."""
    if not item.data.get("overdue_since"):
        return item.due_date
    reminder = item.data.get("next_reminder_on")
    return (date.fromisoformat(reminder) - timedelta(days=1)).isoformat() if reminder else None


class DocumentStore:
    def __init__(self, kind: str, label: str):
        self.kind, self.label = kind, label

    def pk(self, tenant_id: str, document_id: str) -> str:
        return keys.record_pk(tenant_id, self.kind, document_id)

    def get(self, tenant_id: str, document_id: str) -> DocumentItem:
        try:
            return DocumentItem.get(self.pk(tenant_id, document_id), keys.RECORD_SK, consistent_read=True)
        except DocumentItem.DoesNotExist:
            raise NotFound(f"No {self.label} has the id {document_id}") from None

    def new_item(self, tenant_id: str, document_id: str, created_at: str) -> DocumentItem:
        return DocumentItem(self.pk(tenant_id, document_id), keys.RECORD_SK, id=document_id,
                            kind=self.kind, created_at=created_at)

    def place(self, item: DocumentItem, tenant_id: str) -> None:
        """Set the index keys from the document's status, dates and customer."""
        # Newest first means by document date, then by creation within the day.
        sort_key = keys.date_sort_key(item.doc_date, f"{item.created_at}#{item.id}")
        item.GSI1PK, item.GSI1SK = keys.kind_partition(tenant_id, self.kind), sort_key
        item.GSI2PK, item.GSI2SK = keys.status_partition(tenant_id, self.kind, item.status), sort_key
        item.GSI4PK = keys.customer_documents_partition(tenant_id, self.kind, item.customer_id)
        item.GSI4SK = sort_key
        is_open = item.status in OPEN and item.due_date
        item.GSI3PK = keys.open_partition(tenant_id, self.kind) if is_open else None
        item.GSI3SK = keys.date_sort_key(item.due_date, item.id) if is_open else None
        watch = _watch_day(item) if is_open and self.kind == "INVOICE" else None
        item.GSI5PK = OVERDUE_WATCH if watch else None
        item.GSI5SK = f"{watch}#{tenant_id}#{item.id}" if watch else None

    def list(self, tenant_id: str, query: DocumentQuery,
             fields: Optional[Sequence[str]] = None) -> Tuple[List[DocumentItem], Optional[str]]:
        """`fields`: attribute paths ("data.totals") to read, for a projection; every field if None."""
        index, partition, partition_name, date_key = self._index_for(tenant_id, query)
        key_condition, filters = _conditions(query, index, date_key)
        start = decode_cursor(query.cursor, {partition_name: partition}) if query.cursor else None
        results = index.query(partition, range_key_condition=key_condition,
                              filter_condition=_all(filters), scan_index_forward=False,
                              limit=query.limit, last_evaluated_key=start,
                              page_size=_FILTERED_PAGE_SIZE if filters else query.limit,
                              attributes_to_get=list(fields) if fields else None)
        items = list(results)
        return items, encode_cursor(results.last_evaluated_key)

    def newest_dates(self, tenant_id: str, query: DocumentQuery, count: int) -> List[str]:
        """The dates of the newest `count` documents the query's index holds in its timeframe, its
        filters not applied: what reading a part of the list costs is the items read, kept or not."""
        index, partition, _, date_key = self._index_for(tenant_id, query)
        key_condition, _ = _conditions(query, index, date_key)
        return [item.doc_date for item in index.query(partition, range_key_condition=key_condition,
                                                      scan_index_forward=False, limit=count,
                                                      attributes_to_get=["doc_date"])]

    def date_span(self, tenant_id: str) -> Optional[Tuple[str, str]]:
        """The first and last document dates of the kind (two one-item Queries); None if there is none."""
        ends = [list(DocumentItem.by_kind.query(keys.kind_partition(tenant_id, self.kind), limit=1,
                                                scan_index_forward=forward, attributes_to_get=["doc_date"]))
                for forward in (True, False)]
        return (ends[0][0].doc_date, ends[1][0].doc_date) if ends[0] else None

    @staticmethod
    def count_lines(items: List[DocumentItem]) -> None:
        """Sets `line_count` on documents read without their lines that were stored before it was kept:
        their lines are read (one BatchGetItem per 100) and counted."""
        uncounted = {(item.PK, item.SK): item for item in items if "line_count" not in item.data}
        if uncounted:
            for found in DocumentItem.batch_get(list(uncounted), attributes_to_get=["PK", "SK", "data.lines"]):
                uncounted[(found.PK, found.SK)].data["line_count"] = len(found.data["lines"])

    def _index_for(self, tenant_id, query):
        if query.status == OVERDUE:
            return (DocumentItem.open_by_due, keys.open_partition(tenant_id, self.kind), "GSI3PK", None)
        if query.customer_id:
            return (DocumentItem.by_customer,
                    keys.customer_documents_partition(tenant_id, self.kind, query.customer_id),
                    "GSI4PK", DocumentItem.GSI4SK)
        if query.status:
            return (DocumentItem.by_status, keys.status_partition(tenant_id, self.kind, query.status),
                    "GSI2PK", DocumentItem.GSI2SK)
        return DocumentItem.by_kind, keys.kind_partition(tenant_id, self.kind), "GSI1PK", DocumentItem.GSI1SK


def _conditions(query: DocumentQuery, index, date_key) -> Tuple[Any, List[Any]]:
    """The query's key condition on `index` (None: the whole partition) and its filters."""
    key_condition, filters = None, []
    if query.status == OVERDUE:
        key_condition = DocumentItem.GSI3SK < query.today
        if index is not DocumentItem.open_by_due:
            filters += [DocumentItem.status.is_in(*OPEN), DocumentItem.due_date < query.today]
    elif query.status and index is not DocumentItem.by_status:
        filters.append(DocumentItem.status == query.status)
    dated = _between(date_key if query.date_field == "issue" and date_key is not None else None,
                     query.date_from, query.date_to, True)
    if dated is not None and key_condition is None:
        key_condition = dated
    else:
        field = DocumentItem.doc_date if query.date_field == "issue" else DocumentItem.due_date
        filters += [c for c in [_between(field, query.date_from, query.date_to, False)] if c is not None]
    if query.currency:
        filters.append(DocumentItem.currency == query.currency)
    if query.text:
        filters.append(DocumentItem.search.contains(query.text))
    return key_condition, filters


def _between(attribute, start: Optional[str], end: Optional[str], is_sort_key: bool):
    if attribute is None:
        return None
    end = end + _END_OF_DAY if end and is_sort_key else end
    if start and end:
        return attribute.between(start, end)
    if start:
        return attribute >= start
    if end:
        return attribute <= end
    return None


def _all(conditions):
    combined = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined
