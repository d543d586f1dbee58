"""The emails the app gave SES, as kept in INVOICING_MAIL_DIR (one .eml file each)."""
import email
import os
from email import policy
from pathlib import Path


def mails_to(address):
    found = []
    for path in Path(os.environ["INVOICING_MAIL_DIR"]).glob("*.eml"):
        mail = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] == address:
            found.append(mail)
    return found
