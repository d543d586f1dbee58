"""Emails with a document attached, sent through SES (moto locally).

A local run also writes each email as an .eml file under INVOICING_MAIL_DIR, so
what was sent can be opened in any mail reader.
"""
import re
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from functools import lru_cache
from pathlib import Path
from typing import Any, List, NamedTuple, Optional

from .. import config


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
               attachment: Attachment, cc: Optional[List[str]] = None) -> Sent:
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
    answer = ses().send_raw_email(Source=config.mail_from(), Destinations=to + (cc or []),
                                  RawMessage={"Data": raw})
    _keep_local_copy(answer["MessageId"], raw)
    return Sent(answer["MessageId"], to + (cc or []))


def _keep_local_copy(message_id: str, raw: bytes) -> None:
    folder = config.mail_dir()
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{re.sub(r'[^A-Za-z0-9._-]', '_', message_id)}.eml").write_bytes(raw)
