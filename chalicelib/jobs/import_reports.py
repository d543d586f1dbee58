"""Where a file's chunks read its rows from, and the file's reports written from its chunks' parts.

Each piece of a chunk (each chunk of a usage file) writes its part of the
report, its outcomes in line order; the parts, taken in file order, are the
report's rows. The reports are written, then the file is marked done (or
failed), once: whoever gets there first after the last chunk is done.
"""
import json
import tempfile
from typing import Any, Dict, Iterator, Optional

from ..imports.csv_source import Record, records
from ..imports.json_source import documents
from ..imports.report import write_reports
from ..observability import logger
from ..store import files
from ..store.clock import now, stamp
from ..store.uploads import DONE, FAILED, PROCESSING, ImportFileItem, chunks_of, get_file, ids_of
from .upload_io import Upload, open_work, read_lines, work_key


def source_rows(item: ImportFileItem) -> Iterator[Record]:
    """A usage file's rows from where its next chunk starts."""
    return rows_from(item.info, int(item.next_start), int(item.next_line))


def rows_from(info: Dict[str, Any], start: int, line: int) -> Iterator[Record]:
    """The file's rows from byte `start` (line `line` of a CSV), read from wherever planning left them."""
    if info["format"] == "json":
        return documents(open_work(info["source"], start), start)
    if info.get("converted"):
        return (_sheet_row(r) for r in records(open_work(info["source"], start), "utf-8", ",", start))
    if info.get("unzipped"):
        return records(open_work(info["source"], start), info["encoding"], info["delimiter"], start, line)
    upload = Upload(info["bucket"], info["key"], info["etag"])
    return records(upload.stream(start), info["encoding"], info["delimiter"], start, line)


def _sheet_row(record: Record) -> Record:
    """A converted XLSX row: its sheet row number, any error, then its cells."""
    number, error, *cells = record.cells
    return record._replace(line=int(number), error=error or None, cells=cells)


def finish(item: ImportFileItem) -> None:
    """Write the file's reports from its chunks' parts, then mark it done (or failed)."""
    from pynamodb.exceptions import UpdateError

    tenant_id, batch_id = ids_of(item)
    item = get_file(tenant_id, batch_id, item.file_id)
    if item.status != PROCESSING or not item.all_read():
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


def part_name(chunk: int, piece: Optional[int] = None) -> str:
    """A piece of a documents file's chunk, or a usage file's chunk."""
    return f"part-{chunk:05d}.jsonl" if piece is None else f"part-{chunk:05d}-{piece:04d}.jsonl"


def _parts(tenant_id: str, batch_id: str, item: ImportFileItem) -> Iterator[dict]:
    if "ranges" in item.info:
        chunks = chunks_of(tenant_id, batch_id, item.file_id)
        names = [part_name(n, p) for n in range(len(item.info["ranges"])) for p in range(int(chunks[n].piece))]
    else:
        names = [part_name(n) for n in range(int(item.next_chunk))]
    for name in names:
        for line in read_lines(work_key(tenant_id, batch_id, item.file_id, name)):
            yield json.loads(line)
