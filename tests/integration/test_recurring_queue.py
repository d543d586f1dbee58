"""The tick's messages travel through the real (moto) jobs queue to the worker, and a
message delivered twice bills once."""
import json
from datetime import date, datetime, timezone
from decimal import Decimal

import boto3

from chalicelib import config
from chalicelib.domain.records import Actor
from chalicelib.jobs.dispatch import handle, tick
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.recurring import create_template, generated_invoices
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.unit_of_work import UnitOfWork

ADMIN = Actor("admin")


def test_tick_to_queue_to_worker_and_a_repeated_delivery_bills_once():
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Queue Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    template = create_template(UnitOfWork(), tenant.id, ADMIN, {
        "name": "R", "customer_id": customer.id, "action": "draft", "missed": "generate_each",
        "lines": [{"description": "x", "quantity": Decimal(1), "unit_price": Decimal(10)}],
        "schedule": {"unit": "week", "interval": 1, "start_date": date(2026, 3, 2)}})
    as_of = datetime(2026, 3, 10, tzinfo=timezone.utc)  # two weekly occurrences due
    assert tick(as_of) >= 1

    ours = _received(lambda body: body.get("template_id") == template.id)
    assert len(ours) == 1
    records = [{"messageId": m["MessageId"], "body": m["Body"]} for m in ours]
    assert handle(records + records) == {"batchItemFailures": []}
    assert [o["date"] for o in generated_invoices(tenant.id, template.id)] == ["2026-03-02", "2026-03-09"]


def _received(ours, queue=""):
    """The messages of the issues queue (or `queue`) that `ours(body)` picks, deleted as picked: in
    a FIFO queue one still in flight holds back the rest of its group. Others are left to their
    visibility timeout (other tests' jobs share the queue)."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=queue or config.issues_queue())["QueueUrl"]
    picked = []
    for _ in range(50):
        received = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                                       AttributeNames=["All"]).get("Messages", [])
        mine = [m for m in received if ours(json.loads(m["Body"]))]
        if mine:
            sqs.delete_message_batch(QueueUrl=url, Entries=[
                {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(mine)])
        picked += mine
        if not received:
            return picked
    return picked


def _books(name):
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": name})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    return tenant, customer


def _monthly(tenant, customer, action="issue"):
    return create_template(UnitOfWork(), tenant.id, ADMIN, {
        "name": "R", "customer_id": customer.id, "action": action, "missed": "generate_each",
        "lines": [{"description": "x", "quantity": Decimal(1), "unit_price": Decimal(10)}],
        "schedule": {"unit": "month", "interval": 1, "start_date": date(2026, 5, 1)}})


def test_issuing_jobs_go_to_the_fifo_queue_grouped_by_tenant_and_a_repeated_tick_sends_none_again():
    """One tenant's number-taking jobs share a message group (worked one at a time); the
    deduplication id is the template and its due instant, so a second tick within SQS's
    5-minute window adds nothing; another tenant's job is a group of its own."""
    (first, first_customer), (second, second_customer) = _books("Fifo One Ltd"), _books("Fifo Two Ltd")
    templates = {_monthly(first, first_customer).id: first.id, _monthly(first, first_customer).id: first.id,
                 _monthly(second, second_customer).id: second.id}
    as_of = datetime(2026, 5, 2, tzinfo=timezone.utc)
    tick(as_of)
    tick(as_of.replace(minute=5))
    ours = _received(lambda body: body.get("template_id") in templates)
    assert sorted(json.loads(m["Body"])["template_id"] for m in ours) == sorted(templates)
    for message in ours:
        body = json.loads(message["Body"])
        assert message["Attributes"]["MessageGroupId"] == templates[body["template_id"]] == body["tenant_id"]
        due, tenant_id, template_id = message["Attributes"]["MessageDeduplicationId"].split("#")
        assert (tenant_id, template_id) == (body["tenant_id"], body["template_id"])
        assert datetime(2026, 5, 1, tzinfo=timezone.utc) <= datetime.fromisoformat(due.replace("Z", "+00:00")) <= as_of
    assert not _received(lambda body: body.get("template_id") in templates, config.jobs_queue())


def test_after_a_failed_message_the_rest_of_a_fifo_batch_is_reported_failed_unworked():
    tenant, customer = _books("Order Ltd")
    template = _monthly(tenant, customer)
    job = {"kind": "recurring", "tenant_id": tenant.id, "template_id": template.id,
           "as_of": "2026-05-02T00:00:00Z", "key": "k"}
    batch = [{"messageId": "m-1", "body": json.dumps({"kind": "mystery"})},
             {"messageId": "m-2", "body": json.dumps(job)}]
    assert handle(batch, in_order=True) == {"batchItemFailures": [{"itemIdentifier": "m-1"},
                                                                  {"itemIdentifier": "m-2"}]}
    assert generated_invoices(tenant.id, template.id) == []  # m-2 waits for m-1, in order
    assert handle(batch) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}  # a standard queue
    assert len(generated_invoices(tenant.id, template.id)) == 1


def test_a_message_that_cannot_be_worked_is_reported_alone():
    bad = {"messageId": "m-1", "body": json.dumps({"kind": "mystery"})}
    assert handle([bad]) == {"batchItemFailures": [{"itemIdentifier": "m-1"}]}


def test_the_tick_marks_invoices_overdue_once_through_the_queue():
    from chalicelib.jobs.overdue import find_overdue, mark_overdue
    from chalicelib.services.document_types import INVOICE
    from chalicelib.services.drafts import create_document
    from chalicelib.services.issuing import issue_document

    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Late Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 10})
    line = [{"description": "x", "quantity": Decimal(1), "unit_price": Decimal(10)}]
    draft = create_document(UnitOfWork(), INVOICE, tenant.id, ADMIN,
                            {"customer_id": customer.id, "issue_date": date(2026, 3, 1), "lines": line})
    invoice = issue_document(UnitOfWork(), INVOICE, tenant.id, ADMIN, draft.id, {})  # due 11 March
    found = []
    find_overdue(datetime(2026, 3, 11, 12, tzinfo=timezone.utc), found.append)
    assert invoice.id not in [m["invoice_id"] for m in found]  # due today: not yet overdue
    find_overdue(datetime(2026, 3, 12, 12, tzinfo=timezone.utc), found.append)
    ours = [m for m in found if m["invoice_id"] == invoice.id]
    assert len(ours) == 1
    assert mark_overdue(tenant.id, invoice.id, date(2026, 3, 12)) is True
    assert mark_overdue(tenant.id, invoice.id, date(2026, 3, 12)) is False  # delivered twice
    marked = INVOICE.store.get(tenant.id, invoice.id)
    assert marked.data["overdue_since"] == "2026-03-12" and marked.GSI5PK is None
    again = []
    find_overdue(datetime(2026, 3, 20, 12, tzinfo=timezone.utc), again.append)
    assert invoice.id not in [m["invoice_id"] for m in again]
