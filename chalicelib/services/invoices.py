"""Invoice drafts: create, edit (drafts, and issued invoices not yet sent), delete drafts."""
from datetime import date
from typing import Any, Dict

from ..domain import documents as docs
from ..domain.pricing import Policy
from ..domain.changes import diff
from ..domain.errors import Conflict, invalid
from ..store.clock import now, stamp
from ..store.documents import DocumentStore
from ..store.history import history_entry
from ..store.keys import new_id
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .invoice_inputs import (customer_snapshot, product_names, references, retrying_stale_reads,
                             rounding_policy, today_for, usable_customer, usable_products)
from .invoice_view import present_invoice as present
from .money_events import invoice_raised
from .records import Actor

INVOICES = DocumentStore("INVOICE", "invoice")
# What a client gives; everything else on an invoice is computed or recorded by us.
INPUT_FIELDS = ("customer_id", "currency", "issue_date", "due_date", "payment_terms_days", "reference",
                "notes", "prices_include_vat", "lines")
_COMPUTED_LINE_FIELDS = ("discount_amount", "net", "vat", "gross")
# Recorded by the lifecycle (issue, send, payments), kept when the input is recomposed.
_RECORDED = ("number", "supplier", "exchange_rate", "vat_in_base_currency", "base_currency",
             "amount_paid", "amount_credited", "sent_at", "issued_at", "void_reason", "voided_at")


def create_invoice(uow: UnitOfWork, tenant_id: str, actor: Actor, fields: Dict[str, Any]) -> DocumentItem:
    invoice_id = new_id("inv")

    def attempt(use_cache: bool) -> DocumentItem:
        at = stamp(now())
        item = INVOICES.new_item(tenant_id, invoice_id, at)
        item.status = docs.DRAFT
        writes = Writes()
        _compose(item, tenant_id, fields, None, writes, use_cache)
        item.updated_at = at
        INVOICES.place(item, tenant_id)
        writes.put(item)
        writes.put(history_entry(item.PK, at, actor.id, "created", diff({}, present(item))))
        return uow.commit(writes, item)

    return retrying_stale_reads(attempt)


def update_invoice(uow: UnitOfWork, tenant_id: str, actor: Actor, invoice_id: str,
                   changes: Dict[str, Any]) -> DocumentItem:
    return retrying_stale_reads(lambda use_cache: _update(uow, tenant_id, actor, invoice_id, changes, use_cache))


def _update(uow, tenant_id, actor, invoice_id, changes, use_cache) -> DocumentItem:
    item = INVOICES.get(tenant_id, invoice_id)
    docs.check_editable(item.status, changes, has_allocations(item))
    before, old_gross = present(item), item.data["totals"]["gross"]
    writes = Writes()
    _compose(item, tenant_id, {**input_fields(item.data), **changes}, item.data["rounding"], writes, use_cache)
    changed = diff(before, present(item))
    if not changed:
        return item
    item.updated_at = stamp(now())
    INVOICES.place(item, tenant_id)
    writes.put(item)
    delta = item.data["totals"]["gross"] - old_gross
    if item.status != docs.DRAFT and delta:
        invoice_raised(writes, tenant_id, item, item.updated_at, "invoice_adjusted", delta, 0)
    writes.put(history_entry(item.PK, item.updated_at, actor.id, "updated", changed))
    return uow.commit(writes, item)


def delete_draft(uow: UnitOfWork, tenant_id: str, actor: Actor, invoice_id: str) -> DocumentItem:
    """Only drafts are deleted; they have no number, so none is lost."""
    item = INVOICES.get(tenant_id, invoice_id)
    if item.status != docs.DRAFT:
        raise Conflict(f"Invoice {item.number} is issued; void it or correct it with a credit note")
    writes = Writes().delete(item)
    writes.put(history_entry(item.PK, stamp(now()), actor.id, "deleted", {}))
    return uow.commit(writes, item)


def has_allocations(item: DocumentItem) -> bool:
    return bool(item.data.get("amount_paid") or item.data.get("amount_credited"))


def input_fields(data: Dict[str, Any]) -> Dict[str, Any]:
    """The client-given part of a stored invoice, as an edit merges into it."""
    fields = {name: data[name] for name in INPUT_FIELDS if name in data}
    fields["lines"] = [{k: v for k, v in line.items() if k not in _COMPUTED_LINE_FIELDS}
                       for line in data["lines"]]
    for name in ("issue_date", "due_date"):
        if name in fields:
            fields[name] = date.fromisoformat(fields[name])
    return fields


def _compose(item: DocumentItem, tenant_id: str, fields: Dict[str, Any], rounding, writes: Writes,
             use_cache: bool) -> None:
    """Price the invoice from its input and the records it names; set what follows.

    `writes` gets the checks that the records read (from the cache) are unchanged."""
    lines = fields["lines"]
    found = references(tenant_id, fields["customer_id"], [l["product_id"] for l in lines if l.get("product_id")],
                       use_cache)
    customer = usable_customer(found, fields["customer_id"])
    tenant = found["tenant"]
    currency = fields.get("currency") or customer.data.get("currency") or tenant.data["base_currency"]
    completed = docs.complete_lines(lines, usable_products(found, lines), currency)
    found.verify(writes, "tenant", "customer", *product_names(lines))
    policy = rounding_policy(tenant, bool(fields.get("prices_include_vat")))
    if rounding:  # an invoice keeps the policy it was created with
        policy = Policy(rounding["vat_level"], rounding["mode"], policy.prices_include_vat)
    totals = docs.price(completed, currency, policy)
    terms = fields.get("payment_terms_days")
    if terms is None:
        terms = int(customer.data.get("payment_terms_days", 30))
    issue_date, due = fields.get("issue_date"), fields.get("due_date")
    if issue_date and not due:
        due = docs.due_date(issue_date, terms)
    if issue_date and due and due < issue_date:
        raise invalid("due_date", "must not be before the issue date")
    item.customer_id, item.currency = customer.id, currency
    item.doc_date = (issue_date or today_for(tenant)).isoformat()
    item.due_date = due.isoformat() if due else None
    item.data = {
        **{k: v for k, v in fields.items() if k in ("reference", "notes") and v is not None},
        **{k: v for k, v in (item.data or {}).items() if k in _RECORDED},
        "customer_id": customer.id, "customer": customer_snapshot(customer),
        "customer_version": customer.version, "currency": currency,
        "prices_include_vat": policy.prices_include_vat,
        "rounding": {"vat_level": policy.vat_level, "mode": policy.mode},
        "payment_terms_days": terms,
        "lines": docs.priced_lines(completed, totals), "totals": docs.totals_record(totals),
        **({"issue_date": issue_date.isoformat()} if issue_date else {}),
        **({"due_date": item.due_date} if due else {}),
    }
    item.search = " ".join(filter(None, [item.number, customer.data["name"], customer.data.get("company"),
                                         fields.get("reference")])).lower()

