"""What only credit notes do: start from an invoice, duplicate, split."""
from typing import Any, Dict, List

from ..domain import credits
from ..domain import documents as docs
from ..domain.changes import diff
from ..domain.errors import Conflict, invalid
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .document_types import CREDIT_NOTE, INVOICE, credits_of
from .document_view import present_document
from .drafts import create_document, input_fields, new_draft, reprice
from .records import Actor
from .retry import retry_on_conflict


def credit_invoice(uow: UnitOfWork, tenant_id: str, actor: Actor, invoice_id: str,
                   request: Dict[str, Any]) -> DocumentItem:
    """A draft credit note for all of an invoice, some of its lines, or a gross amount (shared
    over the invoice's rates, or split by rate as the caller names it). Lines credited whole
    carry the invoice line's own net and VAT; an amount carries each rate's part of the VAT."""
    given = [name for name in ("lines", "amount", "rates") if request.get(name) is not None]
    if len(given) > 1:
        raise invalid(given[1], "give only one of lines, amount or rates")
    invoice = INVOICE.store.get(tenant_id, invoice_id)
    data = invoice.data
    if given and given[0] != "lines":
        lines = _amount_lines(tenant_id, invoice, request)
        prices_include_vat = False
    else:
        lines = [credits.line_credit(line) for line in data["lines"]]
        if request.get("lines") is not None:
            lines = [lines[i] for i in _indexes(request["lines"], len(lines), "lines")]
        prices_include_vat = data["prices_include_vat"]
    fields = {"invoice_id": invoice_id, "reason": request["reason"], "lines": lines,
              "prices_include_vat": prices_include_vat}
    return create_document(uow, CREDIT_NOTE, tenant_id, actor, fields)


def duplicate_credit_note(uow: UnitOfWork, tenant_id: str, actor: Actor, note_id: str) -> DocumentItem:
    note = CREDIT_NOTE.store.get(tenant_id, note_id)
    return create_document(uow, CREDIT_NOTE, tenant_id, actor, input_fields(CREDIT_NOTE, note.data))


def split_credit_note(uow: UnitOfWork, tenant_id: str, actor: Actor, note_id: str, moved: List[int]):
    """Move the chosen lines of a draft to a new draft; the two totals add up to the original."""
    def attempt(use_cache: bool):
        note = CREDIT_NOTE.store.get(tenant_id, note_id)
        if note.status != docs.DRAFT:
            raise Conflict("Only a draft credit note can be split; it has no number or allocations yet")
        fields = input_fields(CREDIT_NOTE, note.data)
        chosen = _indexes(moved, len(fields["lines"]), "lines")
        if len(chosen) == len(fields["lines"]):
            raise invalid("lines", "must leave at least one line on the original")
        before, whole = present_document(note), note.data["totals"]["gross"]
        writes = Writes()
        part = new_draft(CREDIT_NOTE, tenant_id, actor, {**fields, "lines": [fields["lines"][i] for i in chosen],
                                                         "rounding": note.data["rounding"]}, writes, use_cache)
        reprice(note, CREDIT_NOTE, tenant_id,
                {**fields, "lines": [l for i, l in enumerate(fields["lines"]) if i not in chosen]}, writes, use_cache)
        parts = note.data["totals"]["gross"] + part.data["totals"]["gross"]
        if parts != whole:
            raise Conflict(f"Split this way, VAT rounded per credit note would total {parts}, not {whole}; "
                           "choose other lines, or round VAT per line", [("lines", "do not split evenly")])
        note.updated_at = stamp(now())
        CREDIT_NOTE.store.place(note, tenant_id)
        writes.put(note)
        writes.put(history_entry(note.PK, note.updated_at, actor.id, "split",
                                 {**diff(before, present_document(note)),
                                  "split_to": {"before": None, "after": part.id}}))
        uow.commit(writes, (note, part))
        return note, part

    return retry_on_conflict(attempt)


def _amount_lines(tenant_id: str, invoice: DocumentItem, request: Dict[str, Any]) -> List[Dict[str, Any]]:
    left = credits.left_to_credit(invoice.data["totals"]["rates"], credits_of(tenant_id, invoice))
    shares = (credits.amount_shares(left, request["amount"], invoice.currency) if request.get("amount") is not None
              else credits.named_shares(left, request["rates"], invoice.currency))
    lines = credits.credit_lines(shares, invoice.currency, f"Credit against {invoice.number}")
    if not lines:
        raise invalid("rates", "must credit something")
    return lines


def _indexes(wanted: List[int], count: int, field: str) -> List[int]:
    chosen = sorted(set(wanted))
    if not chosen or chosen[0] < 0 or chosen[-1] >= count:
        raise invalid(field, f"must name lines between 0 and {count - 1}")
    return chosen
