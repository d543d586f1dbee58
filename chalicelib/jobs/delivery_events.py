"""Bounces and complaints of the emails we sent, recorded on the document each email carried.

SES publishes them through the configuration set every email is sent with (infra/stacks/mail.py)
to SNS, which delivers them raw to the delivery-events queue. Each email is tagged with its
tenant, document kind and document id (services/sending.py), and SES returns the tags in the
event's `mail.tags`. The same event may arrive twice: it is recorded once, keyed on SES's
message id, the event type and the recipients.
"""
import json
from typing import Any, Dict, Iterable, List, Optional

from ..observability import logger
from ..services.document_types import CREDIT_NOTE, ESTIMATE, INVOICE
from ..services.retry import retry_on_conflict
from ..store.clock import now, stamp
from ..store.history import history_entry
from ..store.unit_of_work import UnitOfWork, Writes

DOCUMENT_TYPES = {t.store.kind: t for t in (INVOICE, CREDIT_NOTE, ESTIMATE)}
RECORDED = {"Bounce": ("bounce", "bounced", "bouncedRecipients"),
            "Complaint": ("complaint", "complained", "complainedRecipients")}
MAIL_SERVICE = "mail-service"  # the history's actor: SES, not a person or key


def handle(messages: Iterable[Dict[str, str]]) -> Dict[str, List[Dict[str, str]]]:
    failures = []
    for message in messages:
        try:
            record_event(ses_event(message["body"]))
        except Exception:  # reported, retried, then dead-lettered; the others go on
            logger.exception("delivery event failed", extra={"message_id": message["messageId"]})
            failures.append({"itemIdentifier": message["messageId"]})
    return {"batchItemFailures": failures}


def ses_event(body: str) -> Dict[str, Any]:
    """The SES event, whether SNS delivered it raw or wrapped in its notification."""
    parsed = json.loads(body)
    if parsed.get("Type") == "Notification" and "Message" in parsed:
        return json.loads(parsed["Message"])
    return parsed


def record_event(event: Dict[str, Any]) -> None:
    kind = event.get("eventType") or event.get("notificationType")
    if kind not in RECORDED:
        return  # rejects and rendering failures: logged by SES's metrics, nothing to record
    target = _tagged_document(event.get("mail", {}))
    if target is None:
        logger.info("delivery event for no document", extra={"event_type": kind})
        return
    tenant_id, dtype, document_id = target
    problem = _problem(kind, event)
    retry_on_conflict(lambda use_cache: _record(tenant_id, dtype, document_id, problem))


def _tagged_document(mail: Dict[str, Any]) -> Optional[tuple]:
    tags = {name: values[0] for name, values in (mail.get("tags") or {}).items() if values}
    dtype = DOCUMENT_TYPES.get(tags.get("document_kind", ""))
    if not (tags.get("tenant") and dtype and tags.get("document")):
        return None
    return tags["tenant"], dtype, tags["document"]


def _problem(kind: str, event: Dict[str, Any]) -> Dict[str, Any]:
    name, _, recipients_field = RECORDED[kind]
    detail = event[name]
    return {
        "type": name,
        "subtype": detail.get("bounceType") or detail.get("complaintFeedbackType") or "",
        "recipients": sorted(r["emailAddress"] for r in detail.get(recipients_field, [])),
        "message_id": event["mail"]["messageId"],
        "at": detail.get("timestamp") or event["mail"].get("timestamp", ""),
    }


def _record(tenant_id: str, dtype, document_id: str, problem: Dict[str, Any]) -> None:
    item = dtype.store.get(tenant_id, document_id)
    problems = item.data.get("delivery_problems") or []
    if any(_same(p, problem) for p in problems):
        return
    item.data["delivery_problems"] = [*problems, problem]
    item.updated_at = stamp(now())
    action = RECORDED["Bounce" if problem["type"] == "bounce" else "Complaint"][1]
    UnitOfWork().commit(Writes().put(item).put(history_entry(  # the put is conditioned on the version read
        item.PK, item.updated_at, MAIL_SERVICE, action, {"delivery_problems": {"before": None, "after": problem}})),
        item)


def _same(a: Dict[str, Any], b: Dict[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in ("type", "message_id", "recipients"))
