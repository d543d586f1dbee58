"""The tick carries each due template in its message (as the due index holds it), so the worker
reads none; a copy made stale between the tick and the worker (edited, paused, ended, deleted,
already generated elsewhere) must never be generated from: its transaction is conditioned on the
copy's version, and a refused one reads the template again. Each worker here is one that has never
seen the template (its cache cleared), as another Lambda would be."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from chalicelib.domain.errors import NotFound
from chalicelib.domain.records import Actor
from chalicelib.jobs import recurring
from chalicelib.jobs.dispatch import handle
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.recurring import (TEMPLATES, create_template, delete_template, edit_template,
                                           end_template, generated_invoices, pause_template)
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.diagnostics import count_dynamodb_calls
from chalicelib.store.reads import CACHE
from chalicelib.store.unit_of_work import UnitOfWork

ADMIN = Actor("admin")
AS_OF = datetime(2026, 6, 2, tzinfo=timezone.utc)  # occurrence 0 (1 June) is due


@pytest.fixture
def books():
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Carried Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    return tenant.id, customer.id


def _template(books, lines=None, action="issue"):
    tenant_id, customer_id = books
    return create_template(UnitOfWork(), tenant_id, ADMIN, {
        "name": "R", "customer_id": customer_id, "action": action, "missed": "generate_each",
        "lines": lines or [{"description": "Retainer", "quantity": Decimal(1), "unit_price": Decimal("10.00")}],
        "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 6, 1)}}).id


def _messages(template_ids):
    sent = []
    recurring.run_tick(AS_OF, sent.append)
    return [m for m in sent if m["template_id"] in template_ids]


def _work(messages):
    """The messages as one delivery to a worker that has never seen their templates."""
    CACHE.clear()
    records = [{"messageId": str(i), "body": json.dumps(m), "attributes": {"ApproximateReceiveCount": "1"}}
               for i, m in enumerate(messages)]
    return handle(records)["batchItemFailures"]


def test_the_tick_carries_the_template_as_stored_and_the_worker_reads_none(books):
    ids = {_template(books, action="draft") for _ in range(3)}
    messages = _messages(ids)
    assert len(messages) == 3
    for message in messages:
        stored = TEMPLATES.store.get(books[0], message["template_id"]).serialize()
        assert message["template"] == json.loads(json.dumps(stored))  # DynamoDB's form, as the table holds it
    with count_dynamodb_calls() as calls:
        assert _work(messages) == []
    # No template read; the tenant and customer once (then cached), as for any invoice.
    assert dict(calls) == {"TransactGetItems": 1, "TransactWriteItems": 3}
    for template_id in ids:
        assert [g["date"] for g in generated_invoices(books[0], template_id)] == ["2026-06-01"]


def test_a_template_too_large_to_carry_is_read_by_the_worker(books):
    lines = [{"description": f"{i} " + "x" * 400, "quantity": Decimal(1), "unit_price": Decimal("1.00")}
             for i in range(80)]
    large, small = _template(books, lines), _template(books)
    messages = {m["template_id"]: m for m in _messages({large, small})}
    assert len(json.dumps(TEMPLATES.store.get(books[0], large).serialize())) > recurring.CARRIED_MAX
    assert "template" not in messages[large] and "template" in messages[small]
    assert all(len(json.dumps(m)) <= recurring.CARRIED_MAX for m in messages.values())
    with count_dynamodb_calls() as calls:
        assert _work(list(messages.values())) == []
    assert calls["BatchGetItem"] == 1
    invoice_id = generated_invoices(books[0], large)[0]["invoice_id"]
    assert INVOICE.store.get(books[0], invoice_id).data["totals"]["gross"] == Decimal("96.00")  # 80 x 1.00 + VAT


def test_an_edit_after_the_tick_is_what_is_billed(books):
    template_id = _template(books)
    messages = _messages({template_id})
    edit_template(UnitOfWork(), books[0], ADMIN, template_id, {
        "lines": [{"description": "Retainer, new rate", "quantity": Decimal(2), "unit_price": Decimal("12.00")}]})
    assert _work(messages) == []
    invoice = INVOICE.store.get(books[0], generated_invoices(books[0], template_id)[0]["invoice_id"])
    assert [line["description"] for line in invoice.data["lines"]] == ["Retainer, new rate"]
    assert invoice.data["totals"]["gross"] == Decimal("28.80")  # 2 x 12.00 + 20% VAT


@pytest.mark.parametrize("stop, status", [(pause_template, "paused"), (end_template, "ended")])
def test_a_template_paused_or_ended_after_the_tick_bills_nothing(books, stop, status):
    template_id = _template(books)
    messages = _messages({template_id})
    stop(UnitOfWork(), books[0], ADMIN, template_id)
    assert _work(messages) == []
    assert generated_invoices(books[0], template_id) == []
    template = TEMPLATES.store.get(books[0], template_id)
    assert template.status == status and int(template.data["next"]) == 0


def test_a_template_deleted_after_the_tick_bills_nothing_and_stays_deleted(books):
    template_id = _template(books)
    messages = _messages({template_id})
    delete_template(UnitOfWork(), books[0], ADMIN, template_id)
    assert _work(messages) == []  # nothing to do: not a failure to deliver again and dead-letter
    assert generated_invoices(books[0], template_id) == []
    with pytest.raises(NotFound):
        TEMPLATES.store.get(books[0], template_id)


def test_a_message_redelivered_to_another_worker_after_it_was_generated_bills_once(books):
    template_id = _template(books)
    messages = _messages({template_id})
    assert _work(messages) == []
    assert _work(messages) == []  # its copy still says occurrence 0 is next
    assert len(generated_invoices(books[0], template_id)) == 1
    template = TEMPLATES.store.get(books[0], template_id)
    assert (int(template.data["next"]), int(template.data["generated"])) == (1, 1)


def test_a_worker_that_holds_the_template_newer_keeps_it_over_a_redelivered_copy(books):
    template_id = _template(books)
    messages = _messages({template_id})
    assert _work(messages) == []
    records = [{"messageId": "again", "body": json.dumps(messages[0])}]
    with count_dynamodb_calls() as calls:
        assert handle(records)["batchItemFailures"] == []  # the same worker, its cache kept
    assert "TransactWriteItems" not in calls  # nothing attempted from the stale copy
    assert len(generated_invoices(books[0], template_id)) == 1
