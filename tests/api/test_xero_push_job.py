"""The Xero push as a job: POST answers 202 with the push's id and Location; a job on the exports
queue pushes to a local server that answers like Xero (tests/integration/test_xero_push.py) and
writes each document's result on the push, which GET reads. The caller's access token is kept in an
item of its own with a TTL, never in the queue's message, never in an answer, and deleted once used."""
import base64
import json
import time
from datetime import datetime, timedelta, timezone

import boto3

from chalicelib import config
from chalicelib.jobs.dispatch import work
from chalicelib.store.models import ExpiringSecretItem
from chalicelib.store.table import TTL_ATTRIBUTE
from tests.api.test_accounting_export_routes import books  # noqa: F401 (two invoices and a credit note)
from tests.integration.test_xero_push import xero  # noqa: F401 (a local server checking payloads against Xero's OpenAPI)
from tests.support.jobs import deliver_twice, drain_jobs_queue

TOKEN = "token-1-abcdef"
OCTOBER = {"xero_tenant_id": "org-1", "from": "2026-10-01", "to": "2026-10-31"}


def jwt(expires: datetime) -> str:
    """An access token shaped as Xero issues them (a JWT), its `exp` claim at `expires`."""
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{part({'alg': 'RS256'})}.{part({'exp': int(expires.timestamp())})}.c2lnbmF0dXJl"


def requested(tenant, token=TOKEN, **body):
    answer = tenant.post("/accounting/xero-push", {"access_token": token, **OCTOBER, **body})
    assert answer.status == 202, answer.body
    return answer


def token_item(tenant_id, push_id):
    from chalicelib.services.xero_pushes import TOKEN_SK, XERO_PUSHES

    try:
        return ExpiringSecretItem.get(XERO_PUSHES.store.pk(tenant_id, push_id), TOKEN_SK, consistent_read=True)
    except ExpiringSecretItem.DoesNotExist:
        return None


def job_message(push_id):
    """Our push's message on the exports queue, left there (visible again) for the worker."""
    sqs = boto3.client("sqs")
    url = sqs.get_queue_url(QueueName=config.exports_queue())["QueueUrl"]
    for _ in range(20):
        for message in sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", []):
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
            if push_id in message["Body"]:
                return message["Body"]
    raise AssertionError("no message for the push")


def test_the_push_is_a_job_whose_results_a_get_reads_and_a_second_push_creates_nothing(
        tenant, books, xero, monkeypatch):  # noqa: F811
    monkeypatch.setenv("INVOICING_XERO_BASE_URL", xero.base_url)
    first = requested(tenant)
    push_id = first.body["id"]
    assert first.headers["Location"] == f"xero-push/{push_id}"  # relative: keeps API Gateway's stage
    assert (first.body["state"], xero.calls) == ("queued", [])  # nothing pushed before the job runs
    drain_jobs_queue()
    done = tenant.get(f"/accounting/xero-push/{push_id}").body
    assert (done["state"], done["documents"], done["counts"]) == ("done", 3, {"created": 3})
    assert [r["outcome"] for r in done["results"]] == ["created"] * 3 and all(r["xero_id"] for r in done["results"])
    again = requested(tenant)
    drain_jobs_queue()
    second = tenant.get(f"/accounting/xero-push/{again.body['id']}").body
    assert [r["xero_id"] for r in second["results"]] == [r["xero_id"] for r in done["results"]]
    assert len(xero.created) == 3


def test_the_token_is_kept_apart_until_used_and_is_in_no_message_or_answer(tenant, books, xero, monkeypatch):  # noqa: F811
    monkeypatch.setenv("INVOICING_XERO_BASE_URL", xero.base_url)
    token = jwt(datetime.now(timezone.utc) + timedelta(minutes=12))
    push = requested(tenant, token)
    push_id = push.body["id"]
    stored = token_item(tenant.tenant_id, push_id)
    assert stored.secret == token and ExpiringSecretItem.expires_at.attr_name == TTL_ATTRIBUTE
    assert timedelta(minutes=11) < stored.expires_at - datetime.now(timezone.utc) <= timedelta(minutes=12)
    assert token not in job_message(push_id)
    assert token not in json.dumps(push.body) + json.dumps(tenant.get(f"/accounting/xero-push/{push_id}").body)
    drain_jobs_queue()
    assert {headers["Authorization"] for _, _, headers, _ in xero.calls} == {f"Bearer {token}"}
    assert token_item(tenant.tenant_id, push_id) is None  # deleted with the result
    assert token not in json.dumps(tenant.get(f"/accounting/xero-push/{push_id}").body)


def test_a_token_without_an_expiry_of_its_own_is_kept_30_minutes_at_most(tenant, books):  # noqa: F811
    push = requested(tenant)
    left = token_item(tenant.tenant_id, push.body["id"]).expires_at - datetime.now(timezone.utc)
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)  # Xero: access tokens last 30 minutes
    longer = requested(tenant, jwt(datetime.now(timezone.utc) + timedelta(hours=5)))
    left = token_item(tenant.tenant_id, longer.body["id"]).expires_at - datetime.now(timezone.utc)
    assert left <= timedelta(minutes=30)
    drain_jobs_queue()  # against the closed test port: the documents fail, the tokens go


def test_a_message_delivered_twice_even_at_once_pushes_once(tenant, books, xero, monkeypatch):  # noqa: F811
    monkeypatch.setenv("INVOICING_XERO_BASE_URL", xero.base_url)
    push_id = requested(tenant).body["id"]
    job = json.loads(job_message(push_id))
    deliver_twice(lambda message: work(message, last_delivery=False), [job])
    assert [endpoint for endpoint, _, _, _ in xero.calls] == ["Invoices", "CreditNotes"]  # one push's calls
    work(job, last_delivery=False)  # a later redelivery
    drain_jobs_queue()  # and the queue's own delivery
    assert len(xero.calls) == 2
    assert tenant.get(f"/accounting/xero-push/{push_id}").body["counts"] == {"created": 3}


def test_a_token_expired_before_the_job_ran_fails_the_push_without_calling_xero(tenant, books, xero, monkeypatch):  # noqa: F811
    from chalicelib.services.xero_pushes import TOKEN_GONE

    monkeypatch.setenv("INVOICING_XERO_BASE_URL", xero.base_url)
    push_id = requested(tenant, jwt(datetime.now(timezone.utc) + timedelta(seconds=1))).body["id"]
    time.sleep(1.5)  # DynamoDB's TTL deletes lazily: the job itself must not use it
    assert token_item(tenant.tenant_id, push_id) is not None
    drain_jobs_queue()
    failed = tenant.get(f"/accounting/xero-push/{push_id}").body
    assert (failed["state"], failed["error"], xero.calls) == ("failed", TOKEN_GONE, [])
    assert token_item(tenant.tenant_id, push_id) is None


def test_push_to_xero_needs_a_token(tenant):
    answer = tenant.post("/accounting/xero-push", {"xero_tenant_id": "org-1"})
    assert answer.status == 400 and answer.error_fields == ["access_token"]


def test_another_tenants_push_is_not_found(tenant, new_tenant, books):  # noqa: F811
    push_id = requested(tenant).body["id"]
    assert new_tenant().get(f"/accounting/xero-push/{push_id}").status == 404
    drain_jobs_queue()
