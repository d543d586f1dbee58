"""Leases for side effects that no transaction can cover, such as sending an email.

Two workers given the same job (a redelivered message) must not both send; a
worker that dies holding the lease must not stop the email forever. So one
worker takes the lease, and another may take it over only once it has expired;
the effect itself is recorded in the document, which every worker checks first.
"""
import secrets
from datetime import timedelta

from pynamodb.exceptions import PutError

from .clock import now, stamp
from .models import LeaseItem

LEASE_SECONDS = 300  # longer than any send takes; shorter than SQS's redelivery delay


class LeaseHeld(Exception):
    """Another worker holds the lease: the job's message fails and comes back later."""


def take_lease(pk: str, name: str, seconds: int = LEASE_SECONDS) -> bool:
    """True if this caller now holds the lease `name` on the record `pk`."""
    started = now()
    lease = LeaseItem(pk, f"LEASE#{name}", holder=secrets.token_hex(8),
                      until=stamp(started + timedelta(seconds=seconds)))
    try:
        lease.save(condition=LeaseItem.PK.does_not_exist() | (LeaseItem.until < stamp(started)))
    except PutError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
