"""One page of any list, from the list's validated query parameters.

The list routes and the list exports share these, so an export with given
filters holds exactly the rows the list shows with the same filters.
"""
from datetime import date
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..domain.documents import OVERDUE
from ..domain.estimates import EXPIRED
from ..domain.timeframes import resolve
from ..store.clock import stamp
from ..store.documents import DocumentQuery
from ..store.records import ListQuery
from .customers import CUSTOMERS
from .document_types import CREDIT_NOTE, ESTIMATE, INVOICE, DocumentType
from .document_view import EXPORT_FIELDS, SUMMARY_FIELDS, present_document
from .local_dates import instants_of, tenant_timeframe, tenant_today
from .payment_view import present_payment
from .products import PRODUCTS
from .recurring import TEMPLATES
from .sources import PAYMENTS
from .tenants import tenant_zone

Page = Tuple[List[Dict[str, Any]], Optional[str]]


def _text(q: Dict[str, Any]) -> Optional[str]:
    return " ".join(q["q"].lower().split()) if q.get("q") else None


def document_query(q: Dict[str, Any], today: date) -> DocumentQuery:
    """`today`: the tenant's date, which timeframes and overdue (or expired) are judged on."""
    start, end = resolve(q.get("from"), q.get("to"), q.get("timeframe"), today)
    # Expired estimates are found as overdue invoices are: by a date past today, on the same index.
    status = OVERDUE if q.get("status") == EXPIRED else q.get("status")
    return DocumentQuery(
        status=status, date_from=start and start.isoformat(), date_to=end and end.isoformat(),
        date_field=q.get("date_field") or "issue", customer_id=q.get("customer_id"),
        currency=q.get("currency"), text=_text(q), limit=q.get("limit") or 50, cursor=q.get("cursor"),
        today=today.isoformat())


def record_query(tenant_id: str, q: Dict[str, Any]) -> ListQuery:
    """Records are dated by when they were created: the timeframe's days are the tenant's."""
    start, end = tenant_timeframe(tenant_id, q)
    zone = tenant_zone(tenant_id) if start or end else None
    first, last = instants_of(start, end, zone)
    return ListQuery(
        status=q.get("status"), created_from=first and stamp(first), created_to=last and stamp(last),
        text=_text(q), limit=q.get("limit") or 50, cursor=q.get("cursor"))


def payment_query(tenant_id: str, q: Dict[str, Any]) -> DocumentQuery:
    start, end = tenant_timeframe(tenant_id, q)
    return DocumentQuery(
        status=q.get("status"), date_from=start and start.isoformat(), date_to=end and end.isoformat(),
        customer_id=q.get("customer_id"), currency=q.get("currency"), text=_text(q),
        limit=q.get("limit") or 50, cursor=q.get("cursor"))


# Which fields each kind of page reads of a document (without lines): all a list row shows, or
# only what the columns of a list export show.
PROJECTIONS = {"list": SUMMARY_FIELDS, "export": EXPORT_FIELDS}


def document_page(dtype: DocumentType, tenant_id: str, q: Dict[str, Any], projection: str = "list") -> Page:
    today = tenant_today(tenant_id)  # one date for the filter and every row
    lines = q.get("expand") == "lines"
    fields = None if lines else PROJECTIONS.get(projection)
    items, cursor = dtype.store.list(tenant_id, document_query(q, today), fields)
    if not lines:
        dtype.store.count_lines(items)
    return [present_document(item, with_lines=lines, today=today) for item in items], cursor


def record_page(rtype, tenant_id: str, q: Dict[str, Any]) -> Page:
    items, cursor = rtype.store.list(tenant_id, record_query(tenant_id, q))
    return [present_record(rtype, item) for item in items], cursor


def present_record(rtype, item) -> Dict[str, Any]:
    return {"id": item.id, "status": item.status, **rtype.present(item.data),
            "created_at": item.created_at, "updated_at": item.updated_at, "version": item.version}


def payment_page(tenant_id: str, q: Dict[str, Any]) -> Page:
    items, cursor = PAYMENTS.list(tenant_id, payment_query(tenant_id, q))
    return [present_payment(item) for item in items], cursor


def _documents(dtype: DocumentType, projection: str) -> Callable[[str, Dict[str, Any]], Page]:
    return lambda tenant_id, q: document_page(dtype, tenant_id, q, projection)


DOCUMENT_TYPES = {"invoices": INVOICE, "credit_notes": CREDIT_NOTE, "estimates": ESTIMATE}
PAGES: Dict[str, Callable[[str, Dict[str, Any]], Page]] = {
    **{resource: _documents(dtype, "list") for resource, dtype in DOCUMENT_TYPES.items()},
    "recurring_invoices": lambda tenant_id, q: record_page(TEMPLATES, tenant_id, q),
    "products": lambda tenant_id, q: record_page(PRODUCTS, tenant_id, q),
    "customers": lambda tenant_id, q: record_page(CUSTOMERS, tenant_id, q),
    "payments": payment_page,
}
# The pages of list exports: documents with only the fields the export's columns show.
EXPORT_PAGES = {**PAGES, **{resource: _documents(dtype, "export") for resource, dtype in DOCUMENT_TYPES.items()}}
