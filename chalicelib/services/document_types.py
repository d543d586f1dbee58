"""The kinds of priced document, and what differs between them.

Invoices and credit notes share lines, pricing, drafts, gapless issuing,
sending and voiding; a `DocumentType` says what is particular to each: its
number series, whether it falls due, and what issuing or voiding it does to
the customer's ledger and the dashboard.
"""
from decimal import Decimal
from typing import Any, Callable, Dict, NamedTuple, Tuple

from ..domain import documents as docs
from ..domain.errors import Conflict, InvalidReference, NotFound
from ..lazy import lazy
from ..store.documents import DocumentQuery, DocumentStore
from ..store.models import DocumentItem
from ..store.unit_of_work import Writes

# Used when a document is issued, edited once issued, voided or credited: a draft's first request
# (cold start) does without them.
check_within = lazy("chalicelib.domain.credits", "check_within")
credit_note_issued = lazy("chalicelib.services.money_events", "credit_note_issued")
invoice_raised = lazy("chalicelib.services.money_events", "invoice_raised")

# (writes, tenant_id, document, at, amount) -> None
MoneyEvent = Callable[[Writes, str, DocumentItem, str, Decimal], None]


class DocumentType(NamedTuple):
    store: DocumentStore
    id_prefix: str
    series: str  # the tenant's numbering settings and series item of this kind
    has_due_date: bool
    money_source: bool  # once issued, its amount can be allocated to invoices or refunded
    extra_fields: Tuple[str, ...]  # client fields beyond the common ones
    issued: MoneyEvent  # the document was issued for `amount`
    adjusted: MoneyEvent  # an issued document's total changed by `amount`
    voided: MoneyEvent  # the document of `amount` was voided
    # Completes or checks the client's fields before pricing (a credit note takes its
    # customer, currency and rounding policy from the invoice it corrects).
    prepare: Callable[[str, Dict[str, Any]], Dict[str, Any]] = lambda tenant_id, fields: fields
    # (writes, tenant_id, document, rates) -> None: an issued document now takes back `rates`
    # (none once void) from the invoice it corrects.
    credits_changed: Callable[[Writes, str, DocumentItem, list], None] = lambda *args: None
    issued_status: str = docs.ISSUED  # an estimate is "sent" when it takes its number

    @property
    def label(self) -> str:
        return self.store.label


def _invoice_event(kind: str, count: int) -> MoneyEvent:
    return lambda writes, tenant_id, doc, at, amount: invoice_raised(writes, tenant_id, doc, at, kind, amount, count)


def _credit_event(kind: str) -> MoneyEvent:
    return lambda writes, tenant_id, doc, at, amount: credit_note_issued(writes, tenant_id, doc, at, kind, amount)


INVOICE = DocumentType(
    store=DocumentStore("INVOICE", "invoice"), id_prefix="inv", series="invoice", has_due_date=True,
    money_source=False,
    extra_fields=("payment_terms_days", "due_date"),
    issued=_invoice_event("invoice", 1), adjusted=_invoice_event("invoice_adjusted", 0),
    voided=lambda writes, tenant_id, doc, at, amount: invoice_raised(
        writes, tenant_id, doc, at, "invoice_void", -amount, -1),
)
def _link_corrected_invoice(tenant_id: str, fields: Dict[str, Any]) -> Dict[str, Any]:
    """UK VAT: a credit note names the invoice it corrects; it is that invoice's customer and currency."""
    try:
        invoice = INVOICE.store.get(tenant_id, fields["invoice_id"])
    except NotFound:
        raise InvalidReference("No invoice has that id", [("invoice_id", "is not one of your invoices")]) from None
    if invoice.status in (docs.DRAFT, docs.VOID):
        raise Conflict(f"A {invoice.status} invoice cannot be credited", [("invoice_id", f"is {invoice.status}")])
    if fields.get("customer_id") not in (None, invoice.customer_id):
        raise InvalidReference("The invoice belongs to another customer", [("customer_id", "is not the invoice's customer")])
    if fields.get("currency") not in (None, invoice.currency):
        raise InvalidReference(f"The invoice is in {invoice.currency}", [("currency", f"must be {invoice.currency}")])
    return {**fields, "customer_id": invoice.customer_id, "currency": invoice.currency,
            "invoice_number": invoice.number, "rounding": invoice.data["rounding"]}


def _record_credit(writes: Writes, tenant_id: str, note: DocumentItem, rates: list) -> None:
    """The corrected invoice keeps what each issued credit note takes back per rate; the invoice
    is written with its version checked, so credit notes issued at once cannot both pass."""
    invoice = INVOICE.store.get(tenant_id, note.data["invoice_id"])
    credited = {k: v for k, v in credits_of(tenant_id, invoice).items() if k != note.id}
    if rates:
        credited[note.id] = _taken(rates)
    check_within(invoice.data["totals"]["rates"], credited, invoice.currency)
    invoice.data["credited"] = credited
    writes.put(invoice)


def credits_of(tenant_id: str, invoice: DocumentItem) -> Dict[str, list]:
    """What each issued credit note of the invoice takes back per rate. An invoice that has not
    kept this yet (none of its credit notes issued since it is kept) has its notes looked up."""
    if "credited" in invoice.data:
        return invoice.data["credited"]
    found, cursor = {}, None
    while True:
        notes, cursor = CREDIT_NOTE.store.list(tenant_id, DocumentQuery(customer_id=invoice.customer_id,
                                                                        limit=100, cursor=cursor))
        found.update({note.id: _taken(note.data["totals"]["rates"]) for note in notes
                      if note.data.get("invoice_id") == invoice.id and note.status not in (docs.DRAFT, docs.VOID)})
        if not cursor:
            return found


def _taken(rates: list) -> list:
    return [{name: rate[name] for name in ("vat_category", "vat_rate", "net", "vat")} for rate in rates]


CREDIT_NOTE = DocumentType(
    store=DocumentStore("CREDIT_NOTE", "credit note"), id_prefix="cn", series="credit_note",
    has_due_date=False, money_source=True, extra_fields=("invoice_id", "reason"),
    issued=_credit_event("credit_note"), adjusted=_credit_event("credit_note_adjusted"),
    voided=lambda writes, tenant_id, doc, at, amount: credit_note_issued(
        writes, tenant_id, doc, at, "credit_note_void", -amount),
    prepare=_link_corrected_invoice, credits_changed=_record_credit,
)
def _no_money_moves(writes, tenant_id, doc, at, amount) -> None:
    """An estimate is a quote: nothing is owed until it becomes an invoice."""


ESTIMATE = DocumentType(
    store=DocumentStore("ESTIMATE", "estimate"), id_prefix="est", series="estimate", has_due_date=False,
    money_source=False, extra_fields=("expiry_date",), issued=_no_money_moves, adjusted=_no_money_moves,
    voided=_no_money_moves, issued_status=docs.SENT,
)
