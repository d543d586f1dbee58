"""Running sums for the dashboard and record counts, kept exact by DynamoDB ADD.

They change in the same transactions as the documents and records they sum,
so they are never ahead of or behind the data, whatever runs concurrently.
Day buckets (per issue date and currency) let a timeframe be answered by one
Query over at most a few hundred small items.
"""
from decimal import Decimal
from typing import List

from . import keys
from .models import TallyItem
from .unit_of_work import Writes

_DAY = "DAY#"


def add_to_day(writes: Writes, tenant_id: str, day: str, currency: str, **deltas: Decimal) -> None:
    """Add deltas (documents, raised, received, credited) to one day and currency."""
    writes.add_to(TallyItem, keys.tally_pk(tenant_id), f"{_DAY}{day}#{currency}", deltas,
                  {"day": day, "currency": currency})


def count_active(writes: Writes, tenant_id: str, kind: str, delta: int) -> None:
    writes.add_to(TallyItem, keys.tally_pk(tenant_id), f"COUNT#{kind}", {"active": delta})


def days_between(tenant_id: str, first_day: str, last_day: str) -> List[TallyItem]:
    return list(TallyItem.query(keys.tally_pk(tenant_id),
                                TallyItem.SK.between(f"{_DAY}{first_day}", f"{_DAY}{last_day}~")))


def active_count(tenant_id: str, kind: str) -> int:
    try:
        item = TallyItem.get(keys.tally_pk(tenant_id), f"COUNT#{kind}", consistent_read=True)
    except TallyItem.DoesNotExist:
        return 0
    return int(item.active or 0)
