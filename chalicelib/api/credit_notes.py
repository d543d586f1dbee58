"""/credit-notes, and /invoices/{id}/credit-notes to start one from an invoice."""
from decimal import Decimal

from chalice import Blueprint

from ..domain import vat
from ..domain.documents import MAX_LINES
from ..lazy import lazy
from .answers import priced
from .document_routes import present_document, register_document_routes
from .invoices import COMMON, list_query
from .payments import ALLOCATE, REFUND, allocate_from, deallocate_from, refund_from
from .routing import RequestContext, route
from .schema import Amount, Array, Choice, Integer, Object, String

credit_notes = Blueprint(__name__)
CREDIT_NOTE = lazy("chalicelib.services.document_types", "CREDIT_NOTE")
credit_invoice = lazy("chalicelib.services.credit_notes", "credit_invoice")
duplicate_credit_note = lazy("chalicelib.services.credit_notes", "duplicate_credit_note")
split_credit_note = lazy("chalicelib.services.credit_notes", "split_credit_note")
TAG = "Credit notes"
STATUSES = ("draft", "issued", "partially_allocated", "allocated", "refunded", "void")
REASON = String(required=True, max_length=500, description="Why the invoice is corrected")
LINE_POSITION = Integer(minimum=0, maximum=MAX_LINES - 1)  # a line of the invoice, counted from 0

CREDIT_NOTE_BODY = Object({
    "invoice_id": String(required=True, max_length=40, description="The invoice this credit note corrects"),
    "reason": REASON,
    "customer_id": String(max_length=40, description="The invoice's customer (the default)"),
    **COMMON,
})
FROM_INVOICE = Object({
    "reason": REASON,
    "lines": Array(LINE_POSITION, min_items=1, max_items=MAX_LINES,
                   description="Credit only these lines of the invoice (by position)"),
    "amount": Amount(places=3, minimum=0, exclusive_minimum=True,
                     description="Credit this gross amount, shared over the invoice's VAT rates in proportion "
                                 "to the gross each has left to credit"),
    "rates": Array(Object({"vat_category": Choice(vat.CATEGORIES, required=True),
                           "vat_rate": Amount(required=True, maximum=Decimal(100), places=3),
                           "amount": Amount(required=True, places=3, minimum=0,
                                            description="Gross amount to credit at this rate")}),
                   min_items=1, max_items=20, description="Credit these gross amounts, each at its own VAT rate"),
})
SPLIT = Object({"lines": Array(LINE_POSITION, min_items=1, max_items=MAX_LINES, required=True,
                               description="Lines (by position) that move to the new credit note")})

CREDIT_NOTE_BODY_ANSWER = priced(CREDIT_NOTE_BODY)
register_document_routes(credit_notes, path="/credit-notes", tag=TAG, label="credit note", dtype=CREDIT_NOTE,
                         schema=CREDIT_NOTE_BODY, query=list_query(STATUSES, dated_by_due=False))
ONE = "/credit-notes/{document_id}"


@route(credit_notes, "/invoices/{invoice_id}/credit-notes", "POST", tag=TAG, body=FROM_INVOICE, status=201,
       render=present_document, response=CREDIT_NOTE_BODY_ANSWER,
       summary="Start a draft credit note from an invoice: all of it, chosen lines, or an amount")
def from_invoice(ctx: RequestContext, invoice_id):
    return credit_invoice(ctx.uow, ctx.tenant_id, ctx.actor, invoice_id, ctx.body)


@route(credit_notes, f"{ONE}/duplicate", "POST", tag=TAG, status=201, render=present_document,
       response=CREDIT_NOTE_BODY_ANSWER, summary="A new draft with the same customer, invoice, reason and lines")
def duplicate(ctx: RequestContext, document_id):
    return duplicate_credit_note(ctx.uow, ctx.tenant_id, ctx.actor, document_id)


@route(credit_notes, f"{ONE}/split", "POST", tag=TAG, body=SPLIT, status=201,
       render=lambda parts: {"original": present_document(parts[0]), "new": present_document(parts[1])},
       summary="Move some lines of a draft to a new draft; the two add up to the original")
def split(ctx: RequestContext, document_id):
    return split_credit_note(ctx.uow, ctx.tenant_id, ctx.actor, document_id, ctx.body["lines"])


@route(credit_notes, f"{ONE}/allocations", "POST", tag=TAG, body=ALLOCATE, render=present_document,
       response=CREDIT_NOTE_BODY_ANSWER, summary="Allocate credit to invoices of the same customer")
def allocate(ctx: RequestContext, document_id):
    return allocate_from(ctx.uow, CREDIT_NOTE.resolve().store, ctx.tenant_id, ctx.actor, document_id, ctx.body["allocations"])


@route(credit_notes, f"{ONE}/allocations/{{invoice_id}}", "DELETE", tag=TAG, render=present_document,
       response=CREDIT_NOTE_BODY_ANSWER, summary="Take the credit back off an invoice")
def deallocate(ctx: RequestContext, document_id, invoice_id):
    return deallocate_from(ctx.uow, CREDIT_NOTE.resolve().store, ctx.tenant_id, ctx.actor, document_id, invoice_id)


@route(credit_notes, f"{ONE}/refunds", "POST", tag=TAG, body=REFUND, render=present_document,
       response=CREDIT_NOTE_BODY_ANSWER, summary="Refund what is left of the credit")
def refund(ctx: RequestContext, document_id):
    return refund_from(ctx.uow, CREDIT_NOTE.resolve().store, ctx.tenant_id, ctx.actor, document_id, ctx.body)
