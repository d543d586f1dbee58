"""The recurring run: a tick finds due templates; a worker generates each occurrence once.

The tick reads the due-time index up to "now" (page by page, so its memory does
not grow with the number of templates) and sends one message per due template,
carrying the template as the index holds it where it fits (the worker then reads
none; the copy is verified by the transaction that generates from it).
The worker generates every occurrence of that template that has fallen due, each
in one transaction with a claim on (template, occurrence number) and, where the
template issues, the issue itself: a tick run twice, a message delivered twice,
or two workers at once can never bill the same occurrence twice, and no invoice
is ever left half made. If the worker dies between generating an invoice and
emailing it, the redelivered message finishes the job.
"""
import json
from datetime import datetime
from itertools import takewhile
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

from pynamodb.exceptions import GetError

from .. import config
from ..domain import schedules
from ..domain.errors import ConcurrentUpdate, InvalidReference, NotFound, OverMaximum, ValidationError
from ..store import keys
from ..store.clock import due_stamp, now, stamp
from ..store.history import history_entry
from ..store.models import OccurrenceItem, RecordItem, connection
from ..store.reads import keep_carried, read_ahead
from ..store.unit_of_work import UnitOfWork, Writes
from ..services.document_types import INVOICE
from ..services.drafts import new_draft
from ..services.issuing import issue_new
from ..services.recurring import (ACTIVE, DUE_PARTITION, ENDED, TEMPLATES, next_occurrence, occurrence_key,
                                  pause_unmade, place_due, planned, schedule_of)
from ..services.retry import retry_on_conflict
from ..observability import logger
from .generated_invoices import (ISSUE_AND_SEND, ISSUING_ACTIONS, SCHEDULER, awaits_email, awaits_issue,
                                 ensure_issued, send_once)

INVOICE_FIELDS = ("customer_id", "currency", "lines", "payment_terms_days", "reference", "notes",
                  "prices_include_vat")


# A message carrying its template stays under this (ASCII JSON, so characters are bytes): ten fit
# one SendMessageBatch and one Lambda event within SQS's original 256 KiB. Larger ones are read.
CARRIED_MAX = 25_000
_PAGE = 100  # due templates a page: the tick holds one page of whole templates


def run_tick(as_of: datetime, send: Callable[[Dict[str, Any]], None]) -> int:
    """Send a message for every active template due at `as_of`; returns how many were sent."""
    sent = 0
    for stored in _due_templates(as_of):
        _, tenant_id, template_id = stored["GSI3SK"]["S"].split("#")
        # key: the template and its due instant, for the FIFO queue's deduplication (jobs/dispatch.py)
        send(_carrying({"kind": "recurring", "tenant_id": tenant_id, "template_id": template_id,
                        "as_of": due_stamp(as_of), "key": stored["GSI3SK"]["S"]}, stored))
        sent += 1
    return sent


def _due_templates(as_of: datetime) -> Iterator[Dict[str, Any]]:
    """The templates due at `as_of`, whole (the due index holds all of each) and in DynamoDB's form
    as it sent them, a page at a time (so the tick's memory does not grow with their number)."""
    client, start = connection().client, {}
    while True:
        until = {":due": {"S": DUE_PARTITION}, ":until": {"S": due_stamp(as_of) + "~"}}
        page = client.query(TableName=config.table_name(), IndexName=RecordItem.by_due_time.Meta.index_name,
                            KeyConditionExpression="GSI3PK = :due AND GSI3SK <= :until",
                            ExpressionAttributeValues=until, Limit=_PAGE, **start)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        start = {"ExclusiveStartKey": page["LastEvaluatedKey"]}


def _carrying(message: Dict[str, Any], stored: Dict[str, Any]) -> Dict[str, Any]:
    """The message with its template as the index held it, so the worker need not read it, where it
    fits (else, or holding bytes, the worker reads it). The index may lag the table and the template
    may change before the worker runs: generating verifies the copy's version, as a cached read's."""
    carrying = {**message, "template": stored}
    try:
        fits = len(json.dumps(carrying)) <= CARRIED_MAX
    except TypeError:  # a binary value
        return message
    return carrying if fits else message


def read_templates_ahead(jobs: List[Optional[Dict[str, Any]]]) -> None:
    """The templates a batch of jobs (its SQS messages' bodies, None where not one) will generate
    from: each the tick carried is kept as read; the others are read in one call instead of one
    each (a worker seldom holds them: there are many more than its cache keeps). Only a saving: a
    job it cannot read, or a failed read, leaves the work to read its template itself."""
    wanted = []
    for job in jobs:
        try:
            if job is not None and job.get("kind") == "recurring":
                key = TEMPLATES.store.pk(job["tenant_id"], job["template_id"]), keys.RECORD_SK
                if not _kept(key, job.get("template")):
                    wanted.append(key)
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # the message fails on its own when worked
    try:
        read_ahead(RecordItem, wanted)
    except GetError:
        logger.warning("recurring templates not read ahead", exc_info=True)


def _kept(key: Tuple[str, str], stored: Optional[Dict[str, Any]]) -> bool:
    """Whether the message carried the template it names, with a version to verify: then kept."""
    if not isinstance(stored, dict) or (stored.get("PK"), stored.get("SK")) != ({"S": key[0]}, {"S": key[1]}) \
            or "N" not in stored.get("version", {}):
        return False
    keep_carried(RecordItem, stored)
    return True


def generate_due(tenant_id: str, template_id: str, as_of: datetime) -> List[str]:
    """Generate every occurrence of the template due at `as_of`; returns the new invoice ids.

    The template may come from this process's cache: generating verifies its version. Doing
    nothing is only ever decided on a fresh read."""
    template = _read(tenant_id, template_id, use_cache=True)
    due = _due(template, as_of)
    if not due:
        template = _read(tenant_id, template_id, use_cache=False)
        due = _due(template, as_of)
    if template is None:
        return []
    _finish_last(tenant_id, template)
    unused = [template]  # the first attempt takes it as read here instead of reading it again
    return [invoice_id for n in due for invoice_id in [_generate(tenant_id, template_id, n, unused)] if invoice_id]


def _read(tenant_id: str, template_id: str, use_cache: bool) -> Optional[RecordItem]:
    """The template, or None if deleted since the tick (a read from the table decides: a cache
    holds no absence)."""
    try:
        return TEMPLATES.store.read(tenant_id, template_id, use_cache)
    except NotFound:
        return None


def _due(template: Optional[RecordItem], as_of: datetime) -> List[int]:
    if template is None or template.status != ACTIVE:
        return []
    # A tick that was down (or a pause) can leave several due: each, or only the latest.
    schedule = schedule_of(template.data)
    return list(takewhile(lambda n: schedules.due_at(schedule, n) <= as_of, planned(template, as_of)))


def _generate(tenant_id: str, template_id: str, n: int, unused: List[RecordItem]) -> str:
    """Occurrence n, whole or not at all: the invoice (issued, where the template issues), its claim
    and the template's progress in one transaction. An invoice that cannot be issued as it stands
    is generated as a draft marked not_issued, in the same way; one over the maximum total too, its
    largest lines at no charge saying so. One that cannot be made at all pauses the template, saying
    why (services/recurring.pause_unmade). `unused`: the template as just read,
    if no attempt has taken it yet (a cached read: the transaction verifies its version)."""
    def attempt(use_cache: bool, not_issued: Optional[str] = None, held: Optional[List[str]] = None):
        template = unused.pop() if unused and use_cache else _read(tenant_id, template_id, use_cache)
        if template is None or template.status != ACTIVE or int(template.data["next"]) > n:
            return None  # generated (or stopped, or deleted) meanwhile
        day = schedules.occurrence_date(schedule_of(template.data), n)
        writes = Writes()
        fields = {k: template.data[k] for k in INVOICE_FIELDS if k in template.data}
        invoice = new_draft(INVOICE, tenant_id, SCHEDULER, {**fields, "issue_date": day}, writes, use_cache,
                            held=held)
        not_issued = not_issued or ("; ".join(held) if held else None)
        invoice.data["recurring"] = {"template_id": template.id, "occurrence": n}
        if not_issued:
            invoice.data["not_issued"] = {"at": invoice.updated_at, "reason": not_issued}
            writes.put(history_entry(invoice.PK, invoice.updated_at, SCHEDULER.id, "not_issued",
                                     {"not_issued": {"before": None, "after": not_issued}}))
        elif template.data.get("action") in ISSUING_ACTIONS:
            issue_new(writes, INVOICE, tenant_id, SCHEDULER, invoice, use_cache, {})
        writes.put(OccurrenceItem(*occurrence_key(template, n), invoice_id=invoice.id, day=day.isoformat()),
                   condition=OccurrenceItem.PK.does_not_exist(),
                   on_fail=ConcurrentUpdate("This occurrence was generated meanwhile"))
        _advance(template, n, invoice.id, writes)
        UnitOfWork().commit(writes, invoice)
        return template

    try:
        template = retry_on_conflict(attempt)
    except (ValidationError, InvalidReference) as refusal:
        # oversized: its largest lines at no charge say why
        reason, oversized = refusal.message, isinstance(refusal, OverMaximum)
        logger.warning("recurring invoice not_issued", extra={"tenant_id": tenant_id, "template_id": template_id,
                                                              "reason": reason})
        try:
            template = retry_on_conflict(lambda use_cache: attempt(use_cache, None, []) if oversized
                                         else attempt(use_cache, reason))
        except (ValidationError, InvalidReference) as unmade:  # no draft either: the tenant must mend it
            pause_unmade(tenant_id, SCHEDULER, template_id, n, unmade.message)
            return None
    if template is None:
        return None
    invoice_id = template.data["last_invoice_id"]
    finish(tenant_id, template, invoice_id)
    return invoice_id


def _advance(template: RecordItem, n: int, invoice_id: str, writes: Writes) -> None:
    before = int(template.data["next"])
    template.data.update(next=n + 1, generated=int(template.data.get("generated", 0)) + 1,
                         last_invoice_id=invoice_id)
    if next_occurrence(template) is None:
        TEMPLATES.store.set_status(template, keys.tenant_of(template.PK), ENDED)
    place_due(template)
    template.updated_at = stamp(now())
    writes.put(template)  # conditioned on the version read
    writes.put(history_entry(template.PK, template.updated_at, SCHEDULER.id, "generated", {
        "next_occurrence": {"before": before, "after": n + 1},
        "invoice_id": {"before": None, "after": invoice_id}}))


def _finish_last(tenant_id: str, template: RecordItem) -> None:
    """A worker that died after generating an invoice but before emailing it (or, before invoices
    were issued as they were generated, before issuing it): finish now."""
    invoice_id = template.data.get("last_invoice_id")
    if invoice_id and template.data.get("action") in ISSUING_ACTIONS:
        finish(tenant_id, template, invoice_id)


def finish(tenant_id: str, template: RecordItem, invoice_id: str) -> None:
    """What the template does with each invoice beyond the draft; each step is skipped once done."""
    action = template.data.get("action")
    if action in ISSUING_ACTIONS and awaits_issue(tenant_id, invoice_id):
        ensure_issued(tenant_id, invoice_id)
    if action == ISSUE_AND_SEND and awaits_email(tenant_id, invoice_id):
        send_once(tenant_id, invoice_id)
