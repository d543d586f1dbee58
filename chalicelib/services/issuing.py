"""Issuing: a draft invoice or credit note takes the next number of its series, gapless and unique.

The draft, the tenant's settings and the series are read in one call; the
invoice, the series, the number's claim, the dashboard day and the history
entry are written in one transaction conditioned on what was read. If another
issue took the number first, the transaction is refused and we read again: a
number is given only by a committed issue, and never twice.

The customer's details were copied onto the draft with the customer's version;
the transaction checks that version, so an invoice never shows stale details.
Only when the customer changed since is it read again (a third call).
"""
from datetime import date
from decimal import Decimal
from typing import Any, Dict, Optional

from ..domain import documents as docs
from ..domain.errors import ConcurrentUpdate, Conflict, NotFound, invalid
from ..domain.pricing import RateTotal, vat_in_base_currency
from ..store import keys
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import DocumentItem, RecordItem, SeriesItem, UniqueValueItem
from ..store.keys import new_id
from ..store.numbering import advance_past, series_key, take_next
from ..store.unit_of_work import UnitOfWork, Writes
from .document_inputs import customer_snapshot, references, supplier_snapshot, usable_customer
from .customers import CUSTOMERS
from .document_types import DocumentType
from .drafts import new_draft, record_created
from .local_dates import today_for
from .records import ACTIVE, Actor
from .retry import retry_on_conflict



class _CustomerChanged(ConcurrentUpdate):
    pass


def issue_document(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor, document_id: str,
                   options: Dict[str, Any]) -> DocumentItem:
    fresh = {}

    def attempt(use_cache: bool) -> DocumentItem:
        try:
            return _issue_once(uow, dtype, tenant_id, actor, document_id, options, fresh.get("customer"), use_cache)
        except _CustomerChanged:
            customer_id = dtype.store.get(tenant_id, document_id).customer_id
            fresh["customer"] = usable_customer(references(tenant_id, customer_id, [], use_cache=False),
                                                customer_id)
            raise

    return retry_on_conflict(attempt)


def _issue_once(uow, dtype, tenant_id, actor, document_id, options, fresh_customer, use_cache) -> DocumentItem:
    found = references(tenant_id, None, [], use_cache,
                       document=(DocumentItem, dtype.store.pk(tenant_id, document_id), keys.RECORD_SK),
                       series=(SeriesItem, *series_key(tenant_id, dtype.series)))
    item = found["document"]
    if item is None:
        raise NotFound(f"No {dtype.label} has the id {document_id}")
    if item.status != docs.DRAFT:
        raise Conflict(f"This {dtype.label} is already {item.status} as {item.number}")
    if fresh_customer is not None:
        item.data.update(customer=customer_snapshot(fresh_customer), customer_version=fresh_customer.version)
    writes = Writes()
    found.verify(writes, "tenant")
    _issue_into(writes, dtype, tenant_id, item, found["tenant"], found["series"], options)
    _record_issued(writes, item, actor)
    writes.put(item)
    return uow.commit(writes, item)


def create_issued(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor, fields: Dict[str, Any],
                  options: Dict[str, Any], number: Optional[str] = None) -> DocumentItem:
    """A new document, issued at once: its creation and its issue commit in one transaction
    (bulk uploads), so it never exists half made, with one history entry ("created", showing it
    issued), as a document made by one change. With `number`, it keeps that number (unique
    per tenant, like any) instead of taking the series' next; a number of the series' own
    form moves the series past it, so later issues never collide with it."""
    document_id = new_id(dtype.id_prefix)
    fields = dtype.prepare(tenant_id, fields)

    def attempt(use_cache: bool) -> DocumentItem:
        writes = Writes()
        item = new_draft(dtype, tenant_id, actor, fields, writes, use_cache, document_id, history=False)
        issue_new(writes, dtype, tenant_id, actor, item, use_cache, options, number, history=False)
        record_created(writes, item, actor)
        return uow.commit(writes, item)

    return retry_on_conflict(attempt)


def issue_new(writes: Writes, dtype: DocumentType, tenant_id: str, actor: Actor, item: DocumentItem,
              use_cache: bool, options: Dict[str, Any], number: Optional[str] = None,
              history: bool = True) -> None:
    """Issue a draft that `writes` creates (new_draft has put it: one action per item), in the same
    transaction, so that it never exists half made (with an "issued" entry unless not `history`)."""
    found = references(tenant_id, None, [], use_cache, series=(SeriesItem, *series_key(tenant_id, dtype.series)))
    _issue_into(writes, dtype, tenant_id, item, found["tenant"], found["series"], options, number)
    if history:
        _record_issued(writes, item, actor)


def _issue_into(writes: Writes, dtype: DocumentType, tenant_id: str, item: DocumentItem, tenant: RecordItem,
                series: Optional[SeriesItem], options: Dict[str, Any], number: Optional[str] = None) -> None:
    """Everything issuing the draft `item` writes but the item itself (the caller puts it)."""
    issue_date = options.get("issue_date") or _draft_date(item) or today_for(tenant)
    settings = tenant.data["numbering"][dtype.series]
    if number is None:
        yearly = settings["yearly_reset"]
        sequence = take_next(writes, tenant_id, dtype.series, str(issue_date.year) if yearly else "all", series)
        number = docs.format_number(settings["prefix"], int(settings["padding"]), sequence,
                                    issue_date.year if yearly else None)
    else:
        taken = docs.sequence_of(number, settings["prefix"], settings["yearly_reset"])
        if taken:
            advance_past(writes, tenant_id, dtype.series, *taken, series)
    _record_issue(item, dtype, tenant, issue_date, number, options)
    dtype.store.place(item, tenant_id)
    writes.check(RecordItem, CUSTOMERS.store.pk(tenant_id, item.customer_id), keys.RECORD_SK,
                 (RecordItem.version == int(item.data["customer_version"])) & (RecordItem.status == ACTIVE),
                 on_fail=_CustomerChanged("The customer changed since the draft was saved"))
    writes.put(UniqueValueItem(keys.document_number_pk(tenant_id, dtype.store.kind, number), keys.RECORD_SK,
                               owner_id=item.id),
               condition=UniqueValueItem.PK.does_not_exist(),
               on_fail=Conflict(f"The number {number} is already taken; check the series settings",
                                [("number", "is already used")]))
    dtype.issued(writes, tenant_id, item, item.updated_at, item.data["totals"]["gross"])
    dtype.credits_changed(writes, tenant_id, item, item.data["totals"]["rates"])


def _record_issued(writes: Writes, item: DocumentItem, actor: Actor) -> None:
    writes.put(history_entry(item.PK, item.updated_at, actor.id, "issued",
                             {"status": {"before": docs.DRAFT, "after": item.status},
                              "number": {"before": None, "after": item.number}}))


def _record_issue(item, dtype, tenant, issue_date: date, number: str, options) -> None:
    data = item.data
    base = tenant.data["base_currency"]
    item.status, item.number = dtype.issued_status, number
    item.doc_date = issue_date.isoformat()
    item.updated_at = stamp(now())
    if item.status == docs.SENT:
        data["sent_at"] = item.updated_at
    if dtype.has_due_date:
        _fall_due(item, issue_date)
    data.update(number=number, issue_date=item.doc_date, issued_at=item.updated_at,
                supplier=supplier_snapshot(tenant))
    if dtype.series == "invoice":
        data["credited"] = {}  # kept from now on: its credit notes never need looking up
    if dtype.money_source:
        data.update(amount=data["totals"]["gross"], allocated=Decimal(0), refunded=Decimal(0), allocations={})
    if item.currency != base:
        rate = options.get("exchange_rate")
        if rate is None:
            raise invalid("exchange_rate", f"is required to issue in {item.currency}: "
                                           f"VAT must also be shown in {base}")
        rates = [RateTotal(r["vat_category"], r["vat_rate"], r["net"], r["vat"], r["gross"])
                 for r in data["totals"]["rates"]]
        converted = vat_in_base_currency(rates, rate, base)
        data.update(exchange_rate=rate, base_currency=base, exchange_rate_date=item.doc_date,
                    vat_in_base_currency={str(k): v for k, v in converted.items()})
        if options.get("exchange_rate_source"):
            data["exchange_rate_source"] = options["exchange_rate_source"]
    else:
        for name in ("exchange_rate", "exchange_rate_source"):
            if options.get(name) is not None:
                raise invalid(name, f"applies only to documents not in {base}")
    item.search = " ".join(filter(None, [number, item.search])).lower()


def _fall_due(item: DocumentItem, issue_date: date) -> None:
    data = item.data
    terms = int(data["payment_terms_days"])
    due = date.fromisoformat(data["due_date"]) if data.get("due_date") else docs.due_date(issue_date, terms)
    if due < issue_date:
        raise invalid("issue_date", "must not be after the due date")
    item.due_date = data["due_date"] = due.isoformat()


def _draft_date(item: DocumentItem):
    return date.fromisoformat(item.data["issue_date"]) if item.data.get("issue_date") else None
