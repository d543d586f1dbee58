"""A file is imported chunk by chunk, each through the queue, so no run takes long.

Chunk n reads from the byte where chunk n - 1 stopped, takes documents until
it has CHUNK_ROWS rows or has run CHUNK_SECONDS, and stops before the next
document: a document is never split. It writes its part of the report, then
moves the file to chunk n + 1 (with its counts) in one conditional update: a
chunk run twice (a message sent again, or a worker killed midway and run
again) counts once, and its documents are claimed, so nothing is made twice.
Chunks follow one another, so a file's documents are made in file order (and
numbered in that order when they take the series' numbers). The last chunk
writes the file's reports.
"""
import json
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Iterator, List, NamedTuple, Optional, Tuple

from pynamodb.exceptions import UpdateError

from ..domain.uploads import USAGE
from ..imports.csv_source import BrokenFile, Record, records
from ..imports.grouping import Group, grouped
from ..imports.json_source import documents
from ..imports.report import COUNTED, Outcome, write_reports
from ..observability import logger
from ..store import files
from ..store.clock import now, stamp
from ..store.uploads import DONE, FAILED, PROCESSING, ImportFileItem, get_file, ids_of
from .import_documents import Importer
from .upload_io import ObjectChanged, Upload, open_work, read_lines, send, work_key

CHUNK_ROWS = 5000
CHUNK_SECONDS = 120
STALL_SECONDS = 60
WINDOW = 100  # documents whose claims are read together
CHUNK = "import_chunk"


class Chunk(NamedTuple):
    outcomes: List[Outcome]
    stop: Optional[Tuple[int, int]]  # (byte, line) the next chunk starts at; None: the file is read
    broken: Optional[str]  # why the rest of the file cannot be read


def queue_chunk(item: ImportFileItem, chunk: int) -> None:
    tenant_id, batch_id = ids_of(item)
    send({"kind": CHUNK, "tenant_id": tenant_id, "batch_id": batch_id, "file_id": item.file_id, "chunk": chunk})


def run_chunk(tenant_id: str, batch_id: str, file_id: str, chunk: int) -> None:
    item = get_file(tenant_id, batch_id, file_id)
    if item is None or item.status != PROCESSING:
        return
    if item.read_all:
        return finish(item)
    if int(item.next_chunk) != chunk:
        if int(item.next_chunk) == chunk + 1 and stalled(item):
            queue_chunk(item, chunk + 1)  # its worker died after finishing it, before queueing the next
        logger.info("chunk done already", extra={"file_id": file_id, "chunk": chunk})
        return
    if item.info["kind"] == USAGE:
        from .usage_chunks import run_usage_chunk

        return run_usage_chunk(item, chunk)
    result = read_chunk(item, Importer(item, tenant_id, batch_id))
    part = "".join(json.dumps(o.as_json(), ensure_ascii=False) + "\n" for o in result.outcomes)
    files.put_bytes(work_key(tenant_id, batch_id, file_id, _part(chunk)), part.encode(), "application/x-ndjson")
    if not _complete(item, chunk, result):
        return  # a concurrent run of this chunk completed it and moved the file on
    if item.read_all:
        finish(item)
    else:
        queue_chunk(item, chunk + 1)


def stalled(item: ImportFileItem) -> bool:
    """Nothing has moved the file on for a while: a redelivered message, not a duplicate in flight."""
    changed = datetime.strptime(item.updated_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return (now() - changed).total_seconds() > STALL_SECONDS


def read_chunk(item: ImportFileItem, importer: Importer) -> Chunk:
    """The chunk's outcomes, in line order, and where the next one starts."""
    outcomes: List[Outcome] = []
    window: List[Any] = []
    rows, started, stop, broken = 0, time.monotonic(), None, None
    try:
        for entry in grouped(source_rows(item), importer.number_of, importer.is_blank):
            if isinstance(entry, Group):
                if rows >= CHUNK_ROWS or time.monotonic() - started > CHUNK_SECONDS:
                    stop = (entry.start, entry.line)
                    break
                rows += len(entry.rows) + len(entry.overflow)
            window.append(entry)
            if len(window) == WINDOW:
                outcomes += importer.run(window)
                window = []
    except BrokenFile as error:
        broken = f"Line {error.line}: {str(error).split(': ', 1)[1]}; nothing after it was read"
    except ObjectChanged as error:
        broken = f"The file {error}; what was read before stands"
    outcomes += importer.run(window)
    return Chunk(sorted(outcomes, key=lambda o: o.line), stop, broken)


def source_rows(item: ImportFileItem) -> Iterator[Record]:
    info, start = item.info, int(item.next_start)
    if info["format"] == "json":
        return documents(open_work(info["source"], start), start)
    if info.get("converted"):
        return (_sheet_row(r) for r in records(open_work(info["source"], start), "utf-8", ",", start))
    if info.get("unzipped"):
        return records(open_work(info["source"], start), info["encoding"], info["delimiter"], start,
                       int(item.next_line))
    upload = Upload(info["bucket"], info["key"], info["etag"])
    return records(upload.stream(start), info["encoding"], info["delimiter"], start, int(item.next_line))


def _sheet_row(record: Record) -> Record:
    """A converted XLSX row: its sheet row number, any error, then its cells."""
    number, error, *cells = record.cells
    return record._replace(line=int(number), error=error or None, cells=cells)


def _complete(item: ImportFileItem, chunk: int, result: Chunk) -> bool:
    counts = Counter(COUNTED[o.status] for o in result.outcomes)
    counts.pop("imported", None)  # added by each document's own transaction
    actions = [ImportFileItem.next_chunk.set(chunk + 1), ImportFileItem.updated_at.set(stamp(now())),
               ImportFileItem.rows.add(len(result.outcomes))]
    actions += [getattr(ImportFileItem, name).add(n) for name, n in counts.items()]
    if result.stop:
        actions += [ImportFileItem.next_start.set(result.stop[0]), ImportFileItem.next_line.set(result.stop[1])]
    else:
        actions.append(ImportFileItem.read_all.set(True))
        if result.broken:
            actions.append(ImportFileItem.reason.set(result.broken))
    try:
        item.update(actions=actions, condition=(ImportFileItem.next_chunk == chunk)
                    & (ImportFileItem.status == PROCESSING))
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def finish(item: ImportFileItem) -> None:
    """Write the file's reports from its chunks' parts, then mark it done (or failed)."""
    tenant_id, batch_id = ids_of(item)
    item = get_file(tenant_id, batch_id, item.file_id)
    if item.status != PROCESSING or not item.read_all:
        return
    info = item.info
    summary = {"upload_id": batch_id, "file_id": item.file_id, "name": info["name"], "kind": info["kind"],
               "status": FAILED if item.reason else DONE, "reason": item.reason,
               "warnings": info.get("warnings", []), "counts": item.counts(),
               "documents": int(item.documents or 0), "duplicate_of": info.get("duplicate_of")}
    with tempfile.TemporaryFile() as csv_out, tempfile.TemporaryFile() as json_out:
        write_reports(summary, _parts(tenant_id, batch_id, item), csv_out, json_out)
        for out, ext, content_type in ((csv_out, "csv", "text/csv; charset=utf-8"),
                                       (json_out, "json", "application/json")):
            out.seek(0)
            files.put_file(info["reports"][ext], out, content_type)
    try:
        item.update(actions=[ImportFileItem.status.set(summary["status"]),
                             ImportFileItem.updated_at.set(stamp(now()))],
                    condition=ImportFileItem.status == PROCESSING)
    except UpdateError as error:
        if error.cause_response_code != "ConditionalCheckFailedException":
            raise
    logger.info("upload imported", extra={"file_id": item.file_id, **item.counts(), "status": summary["status"]})


def _parts(tenant_id: str, batch_id: str, item: ImportFileItem) -> Iterator[dict]:
    for chunk in range(int(item.next_chunk)):
        for line in read_lines(work_key(tenant_id, batch_id, item.file_id, _part(chunk))):
            yield json.loads(line)


def _part(chunk: int) -> str:
    return f"part-{chunk:05d}.jsonl"
