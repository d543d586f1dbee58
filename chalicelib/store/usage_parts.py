"""The rated records themselves, as CSV parts in S3; an invoice's usage CSV is made from them.

Each commit of usage totals writes its rated records as one CSV part, named by
the digest of its bytes, before the commit, and the commit registers the part
(a PART# item in each period it counted in, PARTLATE# for late records) with
the totals. A part whose commit failed is never registered, so it is never
read; a part written again holds the same bytes. So the records behind an
invoice need no DynamoDB item per record: its CSV is the registered parts'
rows of its subscription and period (and the late rows it bills).
"""
import csv
import hashlib
import io
import tempfile
from decimal import Decimal
from typing import Iterable, Iterator, List, Optional

from .. import config
from ..domain.usage_records import Call
from . import files
from .usage_totals import PART, LATE_PART, UsagePartItem, usage_pk

COLUMNS = ("type", "id", "account", "start", "duration_seconds", "destination_number", "prefix", "destination",
           "billable_seconds", "amount", "metric", "quantity", "direction", "caller", "trunk", "subscription_id",
           "period_start", "day", "late_after")
MICROS = Decimal(1).scaleb(-6)


def part_bytes(rated: Iterable, late_after: dict) -> bytes:
    """CSV rows of rated records (services.usage_rating.Rated); late_after: {(sub, period): billed period}."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for r in rated:
        record, late = r.record, late_after.get((r.subscription_id, r.period_start), "")
        if isinstance(record, Call):
            writer.writerow(("call", record.id, record.account, record.start.isoformat(), record.duration,
                             record.destination, r.key, r.name, r.seconds, Decimal(r.micros) * MICROS, "", "",
                             record.direction, record.caller or "", record.trunk or "", r.subscription_id,
                             r.period_start, r.day, late))
        else:
            writer.writerow(("event", record.id, record.account, record.at.isoformat(), "", "", "", "", "", "",
                             record.metric, record.quantity, "", "", "", r.subscription_id, r.period_start, r.day,
                             late))
    return out.getvalue().encode()


def put_part(tenant_id: str, body: bytes) -> str:
    key = files.tenant_key(tenant_id, "usage", "parts", hashlib.sha256(body).hexdigest()[:32] + ".csv")
    files.put_bytes(key, body, "text/csv; charset=utf-8")
    return key


def part_item(pk: str, key: str, late: bool) -> UsagePartItem:
    return UsagePartItem(pk, (LATE_PART if late else PART) + key.rsplit("/", 1)[1], key=key)


def invoice_usage_key(tenant_id: str, invoice_id: str) -> str:
    return files.tenant_key(tenant_id, "usage", "invoices", f"{invoice_id}-usage.csv")


def write_invoice_usage_csv(tenant_id: str, subscription_id: str, period_start: str, invoice_id: str,
                            late_period: Optional[str] = None) -> str:
    """The rated records an invoice bills (its period's, and the late ones of `late_period`, the
    UsageToBill's), as one CSV in the documents bucket; returns its key (files.link hands it out)."""
    wanted = [(usage_pk(tenant_id, subscription_id, period_start), PART, lambda row: row[18] == "")]
    if late_period:
        wanted.append((usage_pk(tenant_id, subscription_id, late_period), LATE_PART,
                       lambda row: row[18] == late_period))
    key = invoice_usage_key(tenant_id, invoice_id)
    with tempfile.TemporaryFile() as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for pk, prefix, keep in wanted:
            for row in _rows(_part_keys(pk, prefix)):
                if row[15] == subscription_id and keep(row) and (row[16] == period_start or prefix == LATE_PART):
                    writer.writerow(row)
        text.flush()
        text.detach()  # the upload closes the file it reads
        out.seek(0)
        files.put_file(key, out, "text/csv; charset=utf-8")
    return key


def _part_keys(pk: str, prefix: str) -> List[str]:
    return sorted(item.key for item in UsagePartItem.query(pk, UsagePartItem.SK.startswith(prefix),
                                                           consistent_read=True))


def _rows(keys: List[str]) -> Iterator[List[str]]:
    for key in keys:
        body = files.s3().get_object(Bucket=config.documents_bucket(), Key=key)["Body"]
        yield from csv.reader(io.TextIOWrapper(body, encoding="utf-8", newline=""))
