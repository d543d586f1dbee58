"""Drafts of priced documents (invoices, credit notes): create, edit, delete.

Drafts change freely. An issued document may still change its amounts until
it is sent or anything is allocated to or from it (every edit in its
history); then only its notes and reference. Deleting is for drafts only,
which have no number, so no number is ever lost.
"""
from datetime import date
from typing import Any, Dict, List, Optional

from ..domain import documents as docs
from ..domain.changes import diff
from ..domain.errors import Conflict, invalid
from ..domain.held_lines import within_maximum
from ..domain.pricing import Policy
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.keys import new_id
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .document_types import DocumentType
from .document_view import present_document as present
from .document_inputs import (customer_snapshot, product_names, references,
                             rounding_policy, usable_customer, usable_products)
from .local_dates import today_for
from .records import Actor
from .retry import retry_on_conflict

# What a client gives on every kind; each kind adds its own extra fields.
COMMON_FIELDS = ("customer_id", "currency", "issue_date", "reference", "notes", "prices_include_vat", "lines")
_COMPUTED_LINE_FIELDS = ("discount_amount", "net", "vat", "gross", "reverse_charge_vat")
# Recorded by the lifecycle (issue, send, allocations), kept when the input is recomposed.
_RECORDED = ("number", "supplier", "exchange_rate", "exchange_rate_source", "exchange_rate_date",
             "vat_in_base_currency", "base_currency", "amount_paid", "amount_credited", "allocations", "amount",
             "allocated", "refunded", "refunds", "sent_at", "issued_at", "void_reason", "voided_at", "invoice_number",
             "estimate_id", "print_ready", "accepted_at", "declined_at", "decline_reason", "overdue_since", "recurring",
             "credited")


def create_document(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor,
                    fields: Dict[str, Any]) -> DocumentItem:
    document_id = new_id(dtype.id_prefix)
    fields = dtype.prepare(tenant_id, fields)

    def attempt(use_cache: bool) -> DocumentItem:
        writes = Writes()
        item = new_draft(dtype, tenant_id, actor, fields, writes, use_cache, document_id)
        return uow.commit(writes, item)

    return retry_on_conflict(attempt)


def new_draft(dtype: DocumentType, tenant_id: str, actor: Actor, fields: Dict[str, Any], writes: Writes,
              use_cache: bool, document_id: str = None, held: Optional[List[str]] = None,
              history: bool = True) -> DocumentItem:
    """A priced draft and (unless not `history`: the caller records it) its history entry, added to
    `writes` (prepared fields expected). Given `held` (the scheduler's invoices), lines over the
    maximum total are put at no charge, each said in `held`."""
    at = stamp(now())
    item = dtype.store.new_item(tenant_id, document_id or new_id(dtype.id_prefix), at)
    item.status = docs.DRAFT
    # A derived document (credit note, invoice from an estimate) names its source's policy.
    _compose(item, dtype, tenant_id, fields, fields.get("rounding"), writes, use_cache, held)
    item.updated_at = at
    dtype.store.place(item, tenant_id)
    writes.put(item)
    if history:
        record_created(writes, item, actor)
    return item


def record_created(writes: Writes, item: DocumentItem, actor: Actor) -> None:
    """The history entry of a document made: everything it shows, as it was made."""
    writes.put(history_entry(item.PK, item.updated_at, actor.id, "created", diff({}, present(item))))


def reprice(item: DocumentItem, dtype: DocumentType, tenant_id: str, fields: Dict[str, Any], writes: Writes,
            use_cache: bool) -> None:
    """Price a stored document again from new input, keeping its rounding policy."""
    _compose(item, dtype, tenant_id, fields, item.data["rounding"], writes, use_cache)


def update_document(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor, document_id: str,
                    changes: Dict[str, Any]) -> DocumentItem:
    def attempt(use_cache: bool) -> DocumentItem:
        item = dtype.store.get(tenant_id, document_id)
        docs.check_editable(item.status, changes, has_allocations(item) or bool(item.data.get("credited")))
        before, old_totals = present(item), item.data["totals"]
        writes = Writes()
        merged = dtype.prepare(tenant_id, {**input_fields(dtype, item.data), **changes})
        _compose(item, dtype, tenant_id, merged, item.data["rounding"], writes, use_cache)
        changed = diff(before, present(item))
        if not changed:
            return item
        item.updated_at = stamp(now())
        dtype.store.place(item, tenant_id)
        writes.put(item)
        delta = item.data["totals"]["gross"] - old_totals["gross"]
        if item.status != docs.DRAFT and item.data["totals"]["rates"] != old_totals["rates"]:
            dtype.credits_changed(writes, tenant_id, item, item.data["totals"]["rates"])
        if item.status != docs.DRAFT and delta:
            dtype.adjusted(writes, tenant_id, item, item.updated_at, delta)
            if dtype.money_source:
                item.data["amount"] = item.data["totals"]["gross"]
        writes.put(history_entry(item.PK, item.updated_at, actor.id, "updated", changed))
        return uow.commit(writes, item)

    return retry_on_conflict(attempt)


def delete_draft(uow: UnitOfWork, dtype: DocumentType, tenant_id: str, actor: Actor,
                 document_id: str) -> DocumentItem:
    item = dtype.store.get(tenant_id, document_id)
    if item.status != docs.DRAFT:
        raise Conflict(f"{dtype.label.capitalize()} {item.number} is issued; void it instead")
    writes = Writes().delete(item)
    writes.put(history_entry(item.PK, stamp(now()), actor.id, "deleted", {}))
    return uow.commit(writes, item)


def has_allocations(item: DocumentItem) -> bool:
    """Money was put against it (an invoice) or taken from it (a credit note)."""
    return bool(item.data.get("allocations") or item.data.get("refunded"))


def input_fields(dtype: DocumentType, data: Dict[str, Any]) -> Dict[str, Any]:
    """The client-given part of a stored document, as an edit merges into it."""
    fields = {name: data[name] for name in COMMON_FIELDS + dtype.extra_fields if name in data}
    fields["lines"] = [{k: v for k, v in line.items() if k not in _COMPUTED_LINE_FIELDS}
                       for line in data["lines"]]
    for name in ("issue_date", "due_date", "expiry_date"):
        if name in fields:
            fields[name] = date.fromisoformat(fields[name])
    return fields


def _compose(item: DocumentItem, dtype: DocumentType, tenant_id: str, fields: Dict[str, Any], rounding,
             writes: Writes, use_cache: bool, held: Optional[List[str]] = None) -> None:
    """Price the document from its input and the records it names; set what follows.

    `writes` gets the checks that records taken from the cache are unchanged."""
    lines = fields["lines"]
    found = references(tenant_id, fields["customer_id"], [l["product_id"] for l in lines if l.get("product_id")],
                       use_cache)
    customer = usable_customer(found, fields["customer_id"])
    tenant = found["tenant"]
    currency = fields.get("currency") or customer.data.get("currency") or tenant.data["base_currency"]
    completed = docs.complete_lines(lines, usable_products(found, lines), currency)
    found.verify(writes, "tenant", "customer", *product_names(lines))
    policy = rounding_policy(tenant, bool(fields.get("prices_include_vat")))
    if rounding:  # a document keeps the policy it was created with
        policy = Policy(rounding["vat_level"], rounding["mode"], policy.prices_include_vat)
    if held is None:
        totals = docs.price(completed, currency, policy)
    else:
        completed, totals, reasons = within_maximum(completed, currency, policy)
        held += reasons
    issue_date = fields.get("issue_date")
    item.customer_id, item.currency = customer.id, currency
    item.doc_date = (issue_date or today_for(tenant)).isoformat()
    item.due_date = None
    item.data = {
        **{k: v for k, v in fields.items() if k in dtype.extra_fields + ("reference", "notes") and v is not None},
        **{k: v for k, v in (item.data or {}).items() if k in _RECORDED},
        **({"invoice_number": fields["invoice_number"]} if "invoice_number" in fields else {}),
        "customer_id": customer.id, "customer": customer_snapshot(customer),
        "customer_version": customer.version, "currency": currency,
        "prices_include_vat": policy.prices_include_vat,
        "rounding": {"vat_level": policy.vat_level, "mode": policy.mode},
        "lines": docs.priced_lines(completed, totals), "totals": docs.totals_record(totals),
        "line_count": len(completed),  # for lists, which read documents without their lines
        **({"issue_date": issue_date.isoformat()} if issue_date else {}),
    }
    if dtype.has_due_date:
        _set_terms(item, customer, fields, issue_date)
    elif fields.get("expiry_date"):
        _set_expiry(item, fields["expiry_date"], issue_date)
    item.search = " ".join(filter(None, [item.number, customer.data["name"], customer.data.get("company"),
                                         fields.get("reference")])).lower()


def _set_expiry(item: DocumentItem, expiry: date, issue_date) -> None:
    """An estimate's expiry date is its due date: the open-by-due index then finds expired ones."""
    if issue_date and expiry < issue_date:
        raise invalid("expiry_date", "must not be before the estimate's date")
    item.due_date = item.data["expiry_date"] = expiry.isoformat()


def _set_terms(item: DocumentItem, customer, fields: Dict[str, Any], issue_date) -> None:
    terms = fields.get("payment_terms_days")
    if terms is None:
        terms = int(customer.data.get("payment_terms_days", 30))
    due = fields.get("due_date")
    if issue_date and not due:
        due = docs.due_date(issue_date, terms)
    if issue_date and due and due < issue_date:
        raise invalid("due_date", "must not be before the issue date")
    item.due_date = due.isoformat() if due else None
    item.data["payment_terms_days"] = terms
    item.data.pop("due_date", None)
    if due:
        item.data["due_date"] = item.due_date
