"""A document list's export read in date ranges in parallel. A CSV is written in parts: each
range rendered on its own, the parts stored as one file by S3 multipart upload. An XLSX or PDF
is one stream, so its rows are read ahead, range by range, and handed to the writer in order.

A document list is ordered newest first by issue date (then creation) on whichever index it
reads, so ranges of issue dates taken newest first hold the list's rows in the list's own order:
their CSV laid end to end (the BOM and header in the first range only) is byte for byte the CSV
of one read. S3 takes parts of at least 5 MiB but the last, so finished ranges are joined, in
order, into parts of PART_BYTES.

Threads overlap DynamoDB's round trips but share one CPU for parsing the answers (the GIL);
ranges given to separate processes (part jobs, in AWS separate Lambdas) do not. bench/export.py
measures both. Lists by due date (date_field "due", overdue, expired) are ordered by due date and
go through the single read instead.
"""
import io
import queue
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from itertools import islice
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from .. import config
from ..domain.documents import OVERDUE
from ..domain.estimates import EXPIRED
from ..render.csv_export import write_csv
from ..store import files
from .listings import DOCUMENT_TYPES, document_query
from .local_dates import tenant_today

STORES = {resource: dtype.store for resource, dtype in DOCUMENT_TYPES.items()}
CONTENT_TYPE = "text/csv; charset=utf-8"
RANGE_DAYS = 31  # a month of a large tenant's invoices (1,000,000 over 5 years: ~17,000 rows, ~2 MB)
THREADS = 4
PART_BYTES = 8 * 1024 * 1024  # S3: at least 5 MiB a part, but the last
# Rows read ahead (XLSX, PDF): ranges sized from the dates of the newest PROBE_ROWS documents of the
# list's index to hold about ROWS_PER_RANGE each, so every thread has a range to read whatever the tenant's volume;
# a range's reader holds at most BATCHES_AHEAD batches of BATCH_ROWS before the writer reaches it.
PROBE_ROWS = 100
ROWS_PER_RANGE = 1_000
BATCH_ROWS = 100
BATCHES_AHEAD = 10

Span = Tuple[Optional[date], Optional[date]]
RangeWriter = Callable[[Span, bool], Tuple[int, bytes]]  # (range, first?) -> (rows, CSV bytes)


def can_split(resource: str, query: Dict[str, Any]) -> bool:
    return (resource in STORES and (query.get("date_field") or "issue") == "issue"
            and query.get("status") not in (OVERDUE, EXPIRED))


def date_ranges(first: date, last: date, days: int = RANGE_DAYS) -> List[Tuple[date, date]]:
    """[first, last] in inclusive ranges of `days` days, newest first."""
    ranges, end = [], last
    while end >= first:
        start = max(first, end - timedelta(days=days - 1))
        ranges.append((start, end))
        end = start - timedelta(days=1)
    return ranges


def ranges_for(tenant_id: str, resource: str, query: Dict[str, Any], days: int) -> List[Span]:
    """The list's timeframe, narrowed to the dates the kind's documents have, in ranges."""
    asked = document_query(query, tenant_today(tenant_id))
    span = STORES[resource].date_span(tenant_id)
    first = span and max(filter(None, (asked.date_from, span[0])))
    last = span and min(filter(None, (asked.date_to, span[1])))
    if not span or last < first:
        return [(None, None)]  # no documents in the timeframe: one read, as asked, finds none
    return date_ranges(date.fromisoformat(first), date.fromisoformat(last), days)


def sized_ranges(tenant_id: str, resource: str, query: Dict[str, Any]) -> List[Span]:
    """The list's timeframe in ranges of about ROWS_PER_RANGE documents read, at the density of the
    newest its index holds (one Query of PROBE_ROWS dates, the list's filters not applied, so a
    sparse filter costs no long probe); one read where the index holds fewer."""
    probe = PROBE_ROWS
    newest = STORES[resource].newest_dates(tenant_id, document_query(query, tenant_today(tenant_id)), probe)
    if len(newest) < probe:
        return [(None, None)]
    spread = (date.fromisoformat(newest[0]) - date.fromisoformat(newest[-1])).days + 1
    days = max(1, ROWS_PER_RANGE * spread // probe)
    return ranges_for(tenant_id, resource, query, days)


def _dated(query: Dict[str, Any], span: Span) -> Dict[str, Any]:
    """The list's query narrowed to one range ((None, None): the query as asked)."""
    return {**query, "timeframe": None, "from": span[0], "to": span[1]} if span[0] else query


def range_writer(tenant_id: str, resource: str, query: Dict[str, Any]) -> RangeWriter:
    """Renders one range of the list to CSV bytes, in this process."""
    from .exports import all_rows

    def write(span: Span, first: bool) -> Tuple[int, bytes]:
        text = io.StringIO()
        rows = write_csv(resource, all_rows(tenant_id, resource, _dated(query, span), "csv"), text, header=first)
        return rows, text.getvalue().encode("utf-8")

    return write


def in_order(write: RangeWriter, ranges: List[Span], threads: int) -> Iterator[Tuple[int, bytes]]:
    """Each range written by a pool of threads, handed on in the ranges' order; at most
    2 x `threads` ranges are held at once."""
    with ThreadPoolExecutor(threads) as pool:
        waiting = deque()
        for k, span in enumerate(ranges):
            waiting.append(pool.submit(write, span, k == 0))
            if len(waiting) >= 2 * threads:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def rows_read_ahead(tenant_id: str, resource: str, query: Dict[str, Any], file_format: str,
                    threads: int = THREADS) -> Iterator[Dict[str, Any]]:
    """The list's rows in the list's order, its ranges read by `threads` threads at once."""
    from .exports import all_rows

    def read(span: Span) -> Iterator[Dict[str, Any]]:
        return all_rows(tenant_id, resource, _dated(query, span), file_format)

    return rows_in_order(read, sized_ranges(tenant_id, resource, query), threads)


_END = object()


def rows_in_order(read: Callable[[Span], Iterable[Any]], ranges: List[Span], threads: int,
                  batches_ahead: int = BATCHES_AHEAD, batch_rows: int = BATCH_ROWS) -> Iterator[Any]:
    """Each range's rows read on a thread of its own, `threads` ranges at a time, and yielded range
    after range in order. A range's reader waits once it holds `batches_ahead` batches, so memory
    stays bounded however many rows a range has. Closing the iterator early stops the readers."""
    stop = threading.Event()

    def hand_on(out: queue.Queue, item: Any) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def fill(span: Span, out: queue.Queue) -> None:
        try:
            rows = iter(read(span))
            while batch := list(islice(rows, batch_rows)):
                if not hand_on(out, batch):
                    return
        except Exception as error:  # raised again to the writer, in the range's turn
            hand_on(out, error)
            return
        hand_on(out, _END)

    waiting, todo = deque(), iter(ranges)
    with ThreadPoolExecutor(threads) as pool:
        def start(span: Span) -> None:
            waiting.append(queue.Queue(batches_ahead))
            pool.submit(fill, span, waiting[-1])

        try:
            for span in islice(todo, threads):
                start(span)
            while waiting:
                out = waiting.popleft()
                while (batch := out.get()) is not _END:
                    if isinstance(batch, Exception):
                        raise batch
                    yield from batch
                for span in islice(todo, 1):
                    start(span)
        finally:
            stop.set()


def upload_in_parts(key: str, pieces: Iterator[Tuple[int, bytes]], part_bytes: int = PART_BYTES) -> int:
    """Joins the pieces, in order, into one S3 object by multipart upload; returns the rows.
    A failure aborts the upload, so no part is left stored (and billed)."""
    s3, bucket = files.s3(), config.documents_bucket()
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, ContentType=CONTENT_TYPE)["UploadId"]
    parts, pending, rows = [], bytearray(), 0

    def send(body: bytes) -> None:
        number = len(parts) + 1
        answer = s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=body)
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})

    try:
        for count, chunk in pieces:
            rows += count
            pending += chunk
            if len(pending) >= part_bytes:
                send(bytes(pending))
                pending = bytearray()
        send(bytes(pending))
        s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                     MultipartUpload={"Parts": parts})
    except Exception:
        s3.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
        raise
    return rows


def write_csv_in_parts(tenant_id: str, resource: str, query: Dict[str, Any], key: str,
                       threads: int = THREADS, days: int = RANGE_DAYS) -> int:
    """The list's CSV at `key`, its ranges of `days` days read by `threads` threads; returns the rows."""
    ranges = ranges_for(tenant_id, resource, query, days)
    return upload_in_parts(key, in_order(range_writer(tenant_id, resource, query), ranges, threads))
