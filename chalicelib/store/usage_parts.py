"""The rated records themselves, as CSV parts in S3; an invoice's usage CSV is made from them.

Each commit of usage totals writes its rated records as one CSV part, named by
the digest of its bytes, before the commit, and the commit names the part in
each day's totals item it adds to (`p#<part>`). A part whose commit failed is
never named, so it is never read; a part written again holds the same bytes.
So the records behind an invoice need no DynamoDB item per record: its CSV is
the named parts' rows of its subscription and period (and the late rows it bills).
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
from .usage_totals import DAY, LATE, parts_of, usage_pk

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
    """The part stored under the digest of its bytes; returns that name."""
    name = hashlib.sha256(body).hexdigest()[:32]
    files.put_bytes(_part_key(tenant_id, name), body, "text/csv; charset=utf-8")
    return name


def _part_key(tenant_id: str, name: str) -> str:
    return files.tenant_key(tenant_id, "usage", "parts", name + ".csv")


def invoice_usage_key(tenant_id: str, invoice_id: str) -> str:
    return files.tenant_key(tenant_id, "usage", "invoices", f"{invoice_id}-usage.csv")


def write_invoice_usage_csv(tenant_id: str, subscription_id: str, period_start: str, invoice_id: str,
                            late_period: Optional[str] = None) -> str:
    """The rated records an invoice bills (its period's, and the late ones of `late_period`, the
    UsageToBill's), as one CSV in the documents bucket; returns its key (files.link hands it out)."""
    wanted = [(usage_pk(tenant_id, subscription_id, period_start), DAY,
               lambda row: row[16] == period_start and row[18] == "")]
    if late_period:
        wanted.append((usage_pk(tenant_id, subscription_id, late_period), LATE, lambda row: row[18] == late_period))
    key = invoice_usage_key(tenant_id, invoice_id)
    with tempfile.TemporaryFile() as out:
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for pk, sk_prefix, keep in wanted:
            for row in _rows(_part_key(tenant_id, name) for name in parts_of(pk, sk_prefix)):
                if row[15] == subscription_id and keep(row):
                    writer.writerow(row)
        text.flush()
        text.detach()  # the upload closes the file it reads
        out.seek(0)
        files.put_file(key, out, "text/csv; charset=utf-8")
    return key


def _rows(keys: Iterable[str]) -> Iterator[List[str]]:
    for key in keys:
        body = files.s3().get_object(Bucket=config.documents_bucket(), Key=key)["Body"]
        yield from csv.reader(io.TextIOWrapper(body, encoding="utf-8", newline=""))
