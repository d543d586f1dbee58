"""Bounces and complaints SES publishes (through SNS to the delivery-events queue) are recorded on
the document the email carried. The events are built as AWS documents SES's event publishing
format ("Contents of event data that Amazon SES publishes to Amazon SNS"): `eventType`, `mail`
with the message id and the sender's tags as lists, and `bounce` / `complaint`."""
import json

import boto3
import pytest

from chalicelib import config
from chalicelib.services.mail import ses
from tests.support.jobs import deliver_jobs


@pytest.fixture
def sent(tenant):
    customer = tenant.post("/customers", {"name": "Acme", "emails": ["ap@acme.example", "boss@acme.example"]}).body
    draft = tenant.post("/invoices", {"customer_id": customer["id"], "lines": [
        {"description": "Consulting", "quantity": "3", "unit_price": "95.00"}]}).body
    assert tenant.post(f"/invoices/{draft['id']}/issue", {}).status == 200
    tags = []
    events = ses().meta.events
    keep = lambda params, **_: tags.append(params.get("Tags"))  # noqa: E731
    events.register("provide-client-params.ses.SendRawEmail", keep)
    try:
        answer = tenant.post(f"/invoices/{draft['id']}/send", {})
    finally:
        events.unregister("provide-client-params.ses.SendRawEmail", keep)
    assert answer.status == 200, answer.body
    return answer.body, tags


def ses_event(event_type, message_id, tags, detail):
    return {"eventType": event_type, event_type.lower(): detail, "mail": {
        "timestamp": "2026-12-01T09:00:00.000Z", "source": "invoices@invoicing.example",
        "messageId": message_id, "destination": ["ap@acme.example", "boss@acme.example"],
        "tags": {"ses:configuration-set": ["invoicing-prod-mail"], **{t["Name"]: [t["Value"]] for t in tags}}}}


def bounce(message_id, tags):
    return ses_event("Bounce", message_id, tags, {
        "bounceType": "Permanent", "bounceSubType": "General", "timestamp": "2026-12-01T09:00:05.000Z",
        "feedbackId": "0102-feedback", "reportingMTA": "dsn; mta.acme.example",
        "bouncedRecipients": [{"emailAddress": "ap@acme.example", "action": "failed", "status": "5.1.1",
                               "diagnosticCode": "smtp; 550 5.1.1 user unknown"}]})


def put_on_queue(*bodies):
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.DELIVERY_EVENTS_QUEUE)["QueueUrl"]
    for body in bodies:
        sqs.send_message(QueueUrl=url, MessageBody=json.dumps(body))
    messages, failed = deliver_jobs(config.DELIVERY_EVENTS_QUEUE)
    assert len(messages) == len(bodies) and not failed


def sns_notification(event):
    return {"Type": "Notification", "MessageId": "5f0e-sns", "TopicArn": "arn:aws:sns:eu-west-2:1:mail-events",
            "Message": json.dumps(event), "Timestamp": "2026-12-01T09:00:06.000Z"}


def test_each_email_is_tagged_with_its_tenant_and_document(tenant, sent):
    shown, tags = sent
    assert tags == [[{"Name": "tenant", "Value": tenant.tenant_id}, {"Name": "document_kind", "Value": "INVOICE"},
                     {"Name": "document", "Value": shown["id"]}]]


def test_a_bounce_is_recorded_once_on_the_invoice_and_in_its_history(tenant, sent):
    shown, tags = sent
    message_id = shown["last_emailed"]["message_id"]
    event = bounce(message_id, tags[0])
    put_on_queue(sns_notification(event), event)  # wrapped by SNS, and raw; and delivered twice
    invoice = tenant.get(f"/invoices/{shown['id']}").body
    assert invoice["delivery_problems"] == [{"type": "bounce", "subtype": "Permanent", "recipients": ["ap@acme.example"],
                                             "message_id": message_id, "at": "2026-12-01T09:00:05.000Z"}]
    history = tenant.get(f"/invoices/{shown['id']}/history").body["data"]
    assert [h["action"] for h in history].count("bounced") == 1
    assert history[0]["action"] == "bounced" and history[0]["actor"] == "mail-service"


def test_a_complaint_is_recorded_beside_the_bounce(tenant, sent):
    shown, tags = sent
    message_id = shown["last_emailed"]["message_id"]
    complaint = ses_event("Complaint", message_id, tags[0], {
        "complainedRecipients": [{"emailAddress": "boss@acme.example"}], "timestamp": "2026-12-01T10:00:00.000Z",
        "feedbackId": "0102-complaint", "complaintFeedbackType": "abuse"})
    put_on_queue(bounce(message_id, tags[0]), complaint)
    problems = tenant.get(f"/invoices/{shown['id']}").body["delivery_problems"]
    assert [(p["type"], p["recipients"]) for p in problems] == [("bounce", ["ap@acme.example"]),
                                                                ("complaint", ["boss@acme.example"])]


def test_events_of_emails_that_carry_no_document_are_dropped_without_failing(tenant, sent):
    shown, _ = sent
    put_on_queue(bounce("no-document-message", [{"Name": "tenant", "Value": tenant.tenant_id}]),
                 ses_event("Delivery", shown["last_emailed"]["message_id"], [], {}))
    assert "delivery_problems" not in tenant.get(f"/invoices/{shown['id']}").body
