"""A recurring template's emails when SES refuses us rather than the customer's address (our sender not
verified, the account's sending paused): every occurrence is still generated and issued, numbered without
gaps, with the email recorded as not sent and why, for the tenant to send again; the template goes on
billing, no message fails into the dead-letter queue and no occurrence is skipped for our failure."""
import json
import re
import secrets

import pytest
from botocore.exceptions import ClientError

from chalicelib.services.mail import ses
from tests.api.test_recurring import retainer, template  # noqa: F401 (a fixture)
from tests.api.test_recurring_held import FEBRUARY, JANUARY, MARCH, delivered, generated
from tests.support.mail import mails_to


def unverified_sender(monkeypatch):
    monkeypatch.setenv("INVOICING_MAIL_FROM", "nobody@unverified.example")  # moto, as SES, refuses it


def sending_paused(monkeypatch):
    """moto has no account-level pause; SES's answer to SendRawEmail while it lasts."""
    def send_raw_email(**params):
        raise ClientError({"Error": {"Type": "Sender", "Code": "AccountSendingPausedException",
                                     "Message": "Email sending is disabled for your entire Amazon SES account."},
                           "ResponseMetadata": {"HTTPStatusCode": 400}}, "SendRawEmail")

    monkeypatch.setattr(ses(), "send_raw_email", send_raw_email)


@pytest.mark.parametrize("refusal", [unverified_sender, sending_paused])
def test_a_refusal_of_our_sending_records_each_email_as_not_sent_and_billing_goes_on(retainer, monkeypatch, refusal):
    address = f"ap-{secrets.token_hex(4)}@client.example"
    retainer.customer = retainer.post("/customers", {"name": "Mailed Ltd", "emails": [address]}).body
    made = template(retainer, {"action": "issue_and_send", "missed": "skip"}, start_date="2026-01-15")
    refusal(monkeypatch)
    assert delivered(retainer, made, JANUARY) == []
    assert delivered(retainer, made, FEBRUARY) == []
    monkeypatch.undo()  # the operator mends SES
    assert delivered(retainer, made, MARCH) == []

    january, february, march = generated(retainer, made)
    assert [i["issue_date"] for i in (january, february, march)] == ["2026-01-15", "2026-02-15", "2026-03-15"]
    assert all(i["status"] in ("issued", "sent") for i in (january, february, march))
    numbers = [int(re.search(r"\d+$", i["number"]).group()) for i in (january, february, march)]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]  # gapless
    for unsent in (january, february):
        assert unsent["status"] == "issued" and not unsent.get("sent_at") and not unsent.get("last_emailed")
        assert "email service refused" in unsent["not_emailed"]["reason"], unsent
        history = retainer.get(f"/invoices/{unsent['id']}/history").body["data"]
        assert history[0]["action"] == "not_emailed" and "email service refused" in json.dumps(history[0])
    assert march["status"] == "sent" and "not_emailed" not in march
    [mail] = mails_to(address)
    assert next(mail.iter_attachments()).get_filename() == f"{march['number']}.pdf"
    shown = retainer.get(f"/recurring-invoices/{made['id']}").body
    assert shown["status"] == "active" and shown["generated"] == 3 and shown["next_occurrence"] == 3

    assert delivered(retainer, made, MARCH, times=2) == []  # never emailed later by surprise
    assert len(mails_to(address)) == 1
    resent = retainer.post(f"/invoices/{january['id']}/send", {})  # sendable again
    assert resent.status == 200 and resent.body["status"] == "sent" and "not_emailed" not in resent.body, resent.body
    assert len(mails_to(address)) == 2
