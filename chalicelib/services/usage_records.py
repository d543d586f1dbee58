"""Usage records through the API: a batch checked whole, then rated and counted; usage read back.

A batch is checked before anything is written: any problem answers 400 naming
`records[i].<field>`, and nothing of the batch is kept. A valid batch is rated
record by record; records no subscription or prefix rates are kept as unrated
(listed by GET /usage-records/unrated) and the others counted once by id, so a
batch sent again (a retry, an overlap) counts nothing twice.
"""
from decimal import Decimal
from typing import Any, Dict, List, Optional

from ..domain.errors import ValidationError
from ..domain.rating import normalise_number
from ..domain.usage_records import Call, record_from
from ..store import usage_totals as totals
from .usage_commit import commit_usage
from .usage_rating import Rater, Unrated

MICROS = Decimal(1).scaleb(-6)


def ingest_batch(tenant_id: str, records: List[Dict[str, Any]], rater: Optional[Rater] = None) -> Dict[str, Any]:
    parsed, problems = [], []
    for i, fields in enumerate(records):
        try:
            parsed.append(record_from(fields))
            if isinstance(parsed[-1], Call):  # a number that is no number is the client's error here
                normalise_number(parsed[-1].destination, "destination")
        except ValidationError as error:
            problems += [(f"records[{i}].{field}", message) for field, message in error.details]
    if problems:
        raise ValidationError(f"{problems[0][0]}: {problems[0][1]}", problems)
    rater = rater or Rater(tenant_id)
    outcomes = [rater.rate(record, fields) for record, fields in zip(parsed, records)]
    committed = commit_usage(tenant_id, "api", outcomes)
    return {"received": len(records), "counted": committed.counted, "duplicates": committed.duplicates,
            "unrated": [{"index": i, "id": o.id, "reason": o.reason, "field": o.field}
                        for i, o in enumerate(outcomes) if isinstance(o, Unrated)]}


def amount(micros: int) -> str:
    """Micros as the exact decimal amount (6 places); the invoice rounds the sum to the penny."""
    return str(Decimal(micros) * MICROS)


def usage_of(tenant_id: str, subscription_id: str, period_start: str) -> Dict[str, Any]:
    """The period's totals per destination and per day, its metered events, and the late usage kept
    under it (records of earlier periods that arrived after it was billed)."""
    days = totals.usage_totals(tenant_id, subscription_id, period_start)
    late = totals.late_usage_totals(tenant_id, subscription_id, period_start)
    return {"subscription_id": subscription_id, "period_start": period_start,
            "destinations": _by_destination(days), "days": [_shown(t) for t in days],
            "metrics": [{"metric": m.metric, "day": m.day, "events": m.events, "quantity": str(m.quantity)}
                        for m in totals.metric_totals(tenant_id, subscription_id, period_start)],
            "late": [_shown(t) for t in late]}


def _by_destination(days: List[totals.UsageTotal]) -> List[Dict[str, Any]]:
    summed: Dict[str, List] = {}
    for t in days:
        entry = summed.setdefault(t.prefix, [t.destination, 0, 0, 0])
        entry[1] += t.calls
        entry[2] += t.seconds
        entry[3] += t.amount_micros
    return [{"prefix": prefix, "destination": name, "calls": calls, "seconds": seconds, "amount": amount(micros)}
            for prefix, (name, calls, seconds, micros) in sorted(summed.items())]


def _shown(total: totals.UsageTotal) -> Dict[str, Any]:
    return {"day": total.day, "prefix": total.prefix, "destination": total.destination, "calls": total.calls,
            "seconds": total.seconds, "amount": amount(total.amount_micros)}
