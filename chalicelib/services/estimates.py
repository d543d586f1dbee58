"""What only estimates do: be accepted or declined, be print-ready, become an invoice, be summed."""
from collections import defaultdict
from decimal import Decimal
from typing import Any, Dict, Optional

from ..domain import documents as docs
from ..domain import estimates as rules
from ..domain.money import format_amount
from ..store.clock import now, stamp
from ..store.documents import DocumentQuery
from ..store.models import DocumentItem
from ..store.unit_of_work import UnitOfWork, Writes
from .document_status import move_status
from .document_types import ESTIMATE, INVOICE
from .drafts import COMMON_FIELDS, input_fields, new_draft
from .issuing import issue_document, issue_new
from .local_dates import tenant_today
from .records import Actor
from .retry import retry_on_conflict


def send_estimate(uow: UnitOfWork, tenant_id: str, actor: Actor, estimate_id: str,
                  options: Dict[str, Any]) -> DocumentItem:
    """A draft takes its number and is sent; sending again changes nothing."""
    item = ESTIMATE.store.get(tenant_id, estimate_id)
    if item.status != docs.DRAFT:
        return item
    return issue_document(uow, ESTIMATE, tenant_id, actor, estimate_id, options)


def answer_estimate(uow: UnitOfWork, tenant_id: str, actor: Actor, estimate_id: str, accepted: bool,
                    reason: str = None, details: Dict[str, Any] = None) -> DocumentItem:
    """`details`: more to record with the answer (the portal: who accepted, their comment)."""
    def attempt(use_cache: bool) -> DocumentItem:
        item = ESTIMATE.store.get(tenant_id, estimate_id)
        rules.check_answer(item.status, item.due_date, tenant_today(tenant_id).isoformat())
        status = rules.ACCEPTED if accepted else rules.DECLINED
        recorded = {f"{status}_at": stamp(now()), **({"decline_reason": reason} if reason else {}),
                    **(details or {})}
        return move_status(uow, ESTIMATE, tenant_id, actor, item, status, status, **recorded)
    return retry_on_conflict(attempt)


def mark_print_ready(uow: UnitOfWork, tenant_id: str, actor: Actor, estimate_id: str, ready: bool) -> DocumentItem:
    """A flag for the people who print and post estimates; it survives every other change."""
    def attempt(use_cache: bool) -> DocumentItem:
        item = ESTIMATE.store.get(tenant_id, estimate_id)
        if bool(item.data.get("print_ready")) == ready:
            return item
        return move_status(uow, ESTIMATE, tenant_id, actor, item, item.status, "print_ready", print_ready=ready)
    return retry_on_conflict(attempt)


def convert_to_invoice(uow: UnitOfWork, tenant_id: str, actor: Actor, estimate_id: str,
                       issue: Optional[Dict[str, Any]]) -> DocumentItem:
    """An invoice from an accepted estimate, linked both ways, in one transaction: a draft, or
    issued with the `issue` options (exchange rate and its source) in the same transaction, so
    an issue refused (no exchange rate for another currency) writes nothing."""
    def attempt(use_cache: bool) -> DocumentItem:
        estimate = ESTIMATE.store.get(tenant_id, estimate_id)
        rules.check_convertible(estimate.status)
        fields = {k: v for k, v in input_fields(ESTIMATE, estimate.data).items() if k in COMMON_FIELDS}
        fields.pop("issue_date", None)
        fields["rounding"] = estimate.data["rounding"]  # priced as the customer was quoted
        writes = Writes()
        invoice = new_draft(INVOICE, tenant_id, actor, fields, writes, use_cache)
        invoice.data["estimate_id"] = estimate.id
        if issue is not None:
            issue_new(writes, INVOICE, tenant_id, actor, invoice, use_cache, issue)
        move_status(None, ESTIMATE, tenant_id, actor, estimate, rules.INVOICED, "invoiced", writes,
                    invoice_id=invoice.id)
        return uow.commit(writes, invoice)

    return retry_on_conflict(attempt)


def estimate_summary(tenant_id: str, first_day: str, last_day: str) -> Dict[str, Any]:
    """Count and value (gross, per currency) of the estimates dated in the timeframe, by state."""
    sums = defaultdict(lambda: {"count": 0, "values": defaultdict(Decimal)})
    today, cursor = tenant_today(tenant_id).isoformat(), None
    while True:
        items, cursor = ESTIMATE.store.list(tenant_id, DocumentQuery(
            date_from=first_day, date_to=last_day, limit=100, cursor=cursor))
        for item in items:
            state = sums[rules.shown_status(item.status, item.due_date, today)]
            state["count"] += 1
            state["values"][item.currency] += item.data["totals"]["gross"]
        if not cursor:
            break
    return {"from": first_day, "to": last_day, "states": {
        status: {"count": sums[status]["count"],
                 "value": {currency: format_amount(amount, currency)
                           for currency, amount in sorted(sums[status]["values"].items())}}
        for status in rules.STATUSES}}
