"""The life of an estimate: draft -> sent -> accepted or declined (or expired) -> invoiced."""
from typing import Optional

from . import documents as docs
from .errors import Conflict

ACCEPTED, DECLINED, EXPIRED, INVOICED = "accepted", "declined", "expired", "invoiced"
STATUSES = (docs.DRAFT, docs.SENT, ACCEPTED, DECLINED, EXPIRED, INVOICED)


def shown_status(status: str, expiry_date: Optional[str], today: str) -> str:
    """A sent estimate past its expiry date is expired, whether or not a tick has marked it."""
    if status == docs.SENT and expiry_date and expiry_date < today:
        return EXPIRED
    return status


def check_answer(status: str, expiry_date: Optional[str], today: str) -> None:
    """The customer may accept or decline a sent estimate until it expires."""
    current = shown_status(status, expiry_date, today)
    if current == EXPIRED:
        raise Conflict(f"This estimate expired on {expiry_date}; send a new one")
    if current != docs.SENT:
        raise Conflict(f"A {current} estimate cannot be accepted or declined")


def check_convertible(status: str) -> None:
    if status != ACCEPTED:
        raise Conflict(f"Only an accepted estimate becomes an invoice; this one is {status}")
