"""Emails with a document attached, sent through SES (moto locally).

A local run also writes each email as an .eml file under INVOICING_MAIL_DIR, so
what was sent can be opened in any mail reader.

When SES does not take an email, the caller gets a domain error and nothing is
recorded: an address SES refuses (not verified in its sandbox, or invalid) is the
caller's to fix (422 naming `to` or `cc`); SES busy or unreachable may pass (503);
any other refusal (our sender not verified, sending paused) is ours (502).
SES's own words are logged, not shown.
"""
import re
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, NamedTuple, Optional

from botocore.exceptions import BotoCoreError, ClientError

from .. import config
from ..domain.errors import DomainError, InvalidReference, UpstreamRefused, UpstreamUnavailable
from ..observability import logger

# SES's codes for "not now" (botocore has already retried them a few times).
SES_BUSY = ("Throttling", "ThrottlingException", "ServiceUnavailable", "InternalFailure", "RequestTimeout")
# The codes under which SES names the addresses it refuses.
SES_ADDRESS_REFUSALS = ("MessageRejected", "InvalidParameterValue")


class Attachment(NamedTuple):
    file_name: str
    content: bytes
    content_type: str = "application/pdf"


class Sent(NamedTuple):
    message_id: str
    to: List[str]


@lru_cache(maxsize=None)
def ses() -> Any:
    import boto3

    return boto3.client("ses")


def send_email(sender_name: str, reply_to: Optional[str], to: List[str], subject: str, body: str,
               attachment: Attachment, cc: Optional[List[str]] = None,
               tags: Optional[Dict[str, str]] = None) -> Sent:
    """`tags` come back on SES's bounce and complaint events (jobs/delivery_events.py); names
    and values of ASCII letters, digits, '_' and '-' only."""
    message = EmailMessage()
    message["From"] = formataddr((sender_name, config.mail_from()))
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    if reply_to:
        message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=config.mail_from().rpartition("@")[2])
    message.set_content(body)
    maintype, _, subtype = attachment.content_type.partition("/")
    message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                           filename=attachment.file_name)
    raw = message.as_bytes()
    message_id = _send_raw(raw, {"to": to, "cc": cc or []}, tags or {})
    _keep_local_copy(message_id, raw)
    return Sent(message_id, to + (cc or []))


def _configuration_set() -> Dict[str, str]:
    """In AWS the stack's configuration set publishes bounces and complaints (infra/stacks/mail.py)."""
    name = config.mail_configuration_set()
    return {"ConfigurationSetName": name} if name else {}


def _send_raw(raw: bytes, recipients: Dict[str, List[str]], tags: Dict[str, str]) -> str:
    """SES's message id; `recipients`: the addresses by the field they came from."""
    try:
        answer = ses().send_raw_email(Source=config.mail_from(), RawMessage={"Data": raw},
                                      Destinations=recipients["to"] + recipients["cc"], **_configuration_set(),
                                      Tags=[{"Name": name, "Value": value} for name, value in tags.items()])
    except ClientError as error:
        raise _refusal(error, recipients) from error
    except BotoCoreError as error:  # no answer at all: connection refused, timed out
        logger.warning("SES unreachable", extra={"reason": str(error)})
        raise UpstreamUnavailable("The email service could not be reached; try again shortly") from error
    return answer["MessageId"]


def _refusal(error: ClientError, recipients: Dict[str, List[str]]) -> DomainError:
    code, reason = error.response["Error"].get("Code", ""), error.response["Error"].get("Message", "")
    logger.warning("SES did not send an email", extra={"code": code, "reason": reason})
    if code in SES_BUSY or error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500:
        return UpstreamUnavailable("The email service is busy; nothing was sent. Try again shortly")
    named = _addresses_in(reason)
    refused = [(field, address) for field, addresses in recipients.items() for address in addresses
               if address.lower() in named]
    if code in SES_ADDRESS_REFUSALS and refused:
        return InvalidReference(
            f"The email service refused {', '.join(address for _, address in refused)}; nothing was sent",
            [(field, f"{address} is refused by the email service (not verified, or invalid)")
             for field, address in refused])
    return UpstreamRefused("The email service refused the message; nothing was sent")


def _addresses_in(text: str) -> set:
    return {found.rstrip(".").lower() for found in re.findall(r"[^\s,;:<>()\[\]]+@[^\s,;:<>()\[\]]+", text)}


def _keep_local_copy(message_id: str, raw: bytes) -> None:
    folder = config.mail_dir()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{re.sub(r'[^A-Za-z0-9._-]', '_', message_id)}.eml").write_bytes(raw)
