"""One page of any list, from the list's validated query parameters.

The list routes and the list exports share these, so an export with given
filters holds exactly the rows the list shows with the same filters.
"""
from datetime import date, datetime, timezone
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..domain.documents import OVERDUE
from ..domain.estimates import EXPIRED
from ..domain.timeframes import resolve
from ..store.documents import DocumentQuery
from ..store.records import ListQuery
from .customers import CUSTOMERS
from .document_types import CREDIT_NOTE, ESTIMATE, INVOICE, DocumentType
from .document_view import present_document
from .payment_view import present_payment
from .products import PRODUCTS
from .recurring import TEMPLATES
from .sources import PAYMENTS

Page = Tuple[List[Dict[str, Any]], Optional[str]]


def today() -> date:
    return datetime.now(timezone.utc).date()


def _text(q: Dict[str, Any]) -> Optional[str]:
    return " ".join(q["q"].lower().split()) if q.get("q") else None


def document_query(q: Dict[str, Any]) -> DocumentQuery:
    start, end = resolve(q.get("from"), q.get("to"), q.get("timeframe"), today())
    # Expired estimates are found as overdue invoices are: by a date past today, on the same index.
    status = OVERDUE if q.get("status") == EXPIRED else q.get("status")
    return DocumentQuery(
        status=status, date_from=start and start.isoformat(), date_to=end and end.isoformat(),
        date_field=q.get("date_field") or "issue", customer_id=q.get("customer_id"),
        currency=q.get("currency"), text=_text(q), limit=q.get("limit") or 50, cursor=q.get("cursor"),
        today=today().isoformat())


def record_query(q: Dict[str, Any]) -> ListQuery:
    start, end = resolve(q.get("from"), q.get("to"), q.get("timeframe"), today())
    return ListQuery(
        status=q.get("status"),
        created_from=start.isoformat() if start else None,
        created_to=end.isoformat() + "T23:59:59.999999Z" if end else None,
        text=_text(q), limit=q.get("limit") or 50, cursor=q.get("cursor"))


def payment_query(q: Dict[str, Any]) -> DocumentQuery:
    start, end = resolve(q.get("from"), q.get("to"), q.get("timeframe"), today())
    return DocumentQuery(
        status=q.get("status"), date_from=start and start.isoformat(), date_to=end and end.isoformat(),
        customer_id=q.get("customer_id"), currency=q.get("currency"), text=_text(q),
        limit=q.get("limit") or 50, cursor=q.get("cursor"))


def document_page(dtype: DocumentType, tenant_id: str, q: Dict[str, Any]) -> Page:
    items, cursor = dtype.store.list(tenant_id, document_query(q))
    lines = q.get("expand") == "lines"
    return [present_document(item, with_lines=lines) for item in items], cursor


def record_page(rtype, tenant_id: str, q: Dict[str, Any]) -> Page:
    items, cursor = rtype.store.list(tenant_id, record_query(q))
    return [present_record(rtype, item) for item in items], cursor


def present_record(rtype, item) -> Dict[str, Any]:
    return {"id": item.id, "status": item.status, **rtype.present(item.data),
            "created_at": item.created_at, "updated_at": item.updated_at, "version": item.version}


def payment_page(tenant_id: str, q: Dict[str, Any]) -> Page:
    items, cursor = PAYMENTS.list(tenant_id, payment_query(q))
    return [present_payment(item) for item in items], cursor


PAGES: Dict[str, Callable[[str, Dict[str, Any]], Page]] = {
    "invoices": lambda tenant_id, q: document_page(INVOICE, tenant_id, q),
    "credit_notes": lambda tenant_id, q: document_page(CREDIT_NOTE, tenant_id, q),
    "estimates": lambda tenant_id, q: document_page(ESTIMATE, tenant_id, q),
    "recurring_invoices": lambda tenant_id, q: record_page(TEMPLATES, tenant_id, q),
    "products": lambda tenant_id, q: record_page(PRODUCTS, tenant_id, q),
    "customers": lambda tenant_id, q: record_page(CUSTOMERS, tenant_id, q),
    "payments": payment_page,
}
