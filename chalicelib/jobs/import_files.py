"""A file arrives (an S3 event): whose it is, whether it can be read, and its header.

The tenant comes from the key alone (`tenants/<tenant>/...`); a key of
another shape, an unknown tenant or batch is logged and left alone. A file the
worker has met before (a repeated event) is only nudged along. Otherwise the
file is checked (its name, its first bytes, its size, its encoding, its
header), XLSX and JSON are converted into rows that chunks can read by byte
offsets, a documents file is cut into chunks (import_split.py), and the file
item is written, with the batch of a dropped file and the claim on its
content, in one transaction; then its chunks are queued.
A file that cannot be read gets its reason, and a report that says so.
"""
import codecs
import csv
import io
import tempfile
import time
from typing import Any, Dict, Iterator, NamedTuple, Optional, Tuple

from ..domain.errors import ConcurrentUpdate, NotFound
from ..domain.records import Actor
from ..domain.uploads import KINDS, MAX_BATCH_BYTES, USAGE
from ..imports import sniff
from ..imports.csv_source import BrokenFile, delimiter_of, detect_encoding, records
from ..imports.json_source import elements
from ..imports.kinds import HeaderError, map_header
from ..imports.xlsx import BadWorkbook, sheet_rows
from ..observability import logger
from ..services.records import create_record
from ..services.tenants import TENANTS
from ..services.uploads import OPEN, UPLOADS
from ..store import files, keys
from ..store.clock import now, stamp
from ..store.unit_of_work import UnitOfWork, Writes
from ..store.uploads import (PROCESSING, ImportClaimItem, ImportFileItem, batch_pk, content_pk,
                             drop_batch_id, file_id_of, get_claim, get_file)
from . import gzip_uploads
from .import_chunks import queue_chunk, stalled, start_chunks
from .import_reports import finish
from .import_split import ranges_of
from .upload_io import ObjectChanged, Upload, work_key

HEAD_BYTES = 64 * 1024
CONVERT_SECONDS = 240  # XLSX and JSON are converted in one run, within a Lambda's 300 s
DROP = Actor("s3-drop")


class Place(NamedTuple):
    tenant_id: str
    batch_id: Optional[str]  # None: dropped straight into the bucket
    kind: str
    slot: Optional[int]
    name: str


class Arrival(NamedTuple):
    place: Place
    upload: Upload
    size: int
    batch_id: str
    file_id: str
    limit: Tuple[int, str]  # the most bytes it may have, and what set that limit
    numbering: str
    customers: str  # "match" or "create": what a document's unknown customer name does
    actor: str  # whom the history of what it makes names

    def work_key(self, name: str) -> str:
        return work_key(self.place.tenant_id, self.batch_id, self.file_id, name)


class Refused(Exception):
    """The file cannot be imported; the message says why, in the user's terms."""


def place_of(key: str) -> Optional[Place]:
    """tenants/<t>/batches/<batch>/<kind>/<n>-<name> or tenants/<t>/drop/<kind>/<name>."""
    parts = key.split("/")
    if len(parts) < 5 or parts[0] != "tenants" or not parts[1]:
        return None
    if parts[2] == "batches" and len(parts) == 6 and parts[4] in KINDS:
        slot, _, name = parts[5].partition("-")
        return Place(parts[1], parts[3], parts[4], int(slot), name) if slot.isdigit() and name else None
    if parts[2] == "drop" and parts[3] in KINDS and parts[-1]:
        return Place(parts[1], None, parts[3], None, "/".join(parts[4:]))
    return None


def accept_upload(bucket: str, key: str, etag: str, size: int) -> None:
    place = place_of(key)
    arrival = place and _arrival(place, Upload(bucket, key, etag), size)
    if arrival is None:
        logger.warning("upload ignored", extra={"bucket": bucket, "key": key})
        return
    existing = get_file(place.tenant_id, arrival.batch_id, arrival.file_id)
    if existing is not None:
        logger.info("upload seen before", extra={"key": key, "file_id": arrival.file_id})
        return _nudge(existing, again=True)
    info, reason, start, line = _plan(arrival)
    info.update(name=place.name, size=size, slot=place.slot, kind=place.kind,
                numbering=arrival.numbering, customers=arrival.customers, actor=arrival.actor,
                reports={ext: arrival.work_key(f"report.{ext}") for ext in ("csv", "json")})
    item = _create(arrival, info, reason, start, line)
    if item is not None:
        _nudge(item, again=False)


def _arrival(place: Place, upload: Upload, size: int) -> Optional[Arrival]:
    """The file's place among the tenant's batches; None for a stranger's key or a file its
    batch does not expect."""
    file_id = file_id_of(upload.bucket, upload.key, upload.etag)
    try:
        TENANTS.store.get(place.tenant_id, place.tenant_id)
        if place.batch_id is None:
            return Arrival(place, upload, size, drop_batch_id(upload.bucket, upload.key, upload.etag), file_id,
                           (MAX_BATCH_BYTES, "the 60 MB a file may have"), "keep", "match", DROP.id)
        batch = UPLOADS.store.get(place.tenant_id, place.batch_id)
    except NotFound:
        return None
    slots = batch.data["files"]
    if batch.data["kind"] != place.kind or place.slot >= len(slots) or slots[place.slot]["key"] != upload.key:
        return None
    declared = int(slots[place.slot]["size"])
    options = batch.data["options"]
    return Arrival(place, upload, size, place.batch_id, file_id, (declared, f"the {declared} bytes announced"),
                   options["numbering"], options.get("customers", "match"), batch.data["opened_by"])


def _nudge(item: ImportFileItem, again: bool) -> None:
    """Move a file on from wherever it stands: finish it, or queue its chunks (met `again`, only
    those nothing has moved for a while: its first event's worker may have died before queueing
    them; a chunk in flight needs no twin)."""
    if item.status != PROCESSING:
        return
    if item.all_read():
        finish(item)
    elif "ranges" in item.info:
        start_chunks(item, again)
    elif not again or stalled(item.updated_at):
        queue_chunk(item, int(item.next_chunk))


def _plan(arrival: Arrival) -> Tuple[Dict[str, Any], Optional[str], int, int]:
    """What planning found (info), why the file is refused (or None), and where its rows start
    (the byte, and for a plain CSV the line)."""
    upload = arrival.upload
    info: Dict[str, Any] = {"warnings": [], "bucket": upload.bucket, "key": upload.key, "etag": upload.etag}
    try:
        fmt = sniff.declared_format(arrival.place.name)
        if fmt is None:
            raise Refused("must be named .csv, .csv.gz, .xlsx or .json")
        limit, why = arrival.limit
        if arrival.size > limit:
            raise Refused(f"is {arrival.size} bytes, more than {why}")
        problem = sniff.content_problem(fmt, _head(arrival))
        if problem:
            raise Refused(problem)
        info["format"] = fmt
        planner = {sniff.CSV: _plan_csv, sniff.XLSX: _plan_xlsx, sniff.JSON: _plan_json}[fmt]
        start, line = planner(arrival, info)
        if arrival.place.kind != USAGE:
            info["ranges"] = ranges_of(arrival.place.kind, arrival.numbering, arrival.customers, info, start, line)
        return info, None, start, line
    except (Refused, ObjectChanged, HeaderError, BadWorkbook, BrokenFile, gzip_uploads.NotGzip) as refusal:
        return info, sentence(str(refusal)), 0, 0


def sentence(reason: str) -> str:
    """"is a PDF..." -> "The file is a PDF..."; "line 3: ..." -> "Line 3: ..."."""
    if reason.startswith("line "):
        return "L" + reason[1:]
    return reason if reason[:1].isupper() else "The file " + reason


def _head(arrival: Arrival) -> bytes:
    if sniff.compressed(arrival.place.name):
        return gzip_uploads.head(arrival.upload, HEAD_BYTES)
    return arrival.upload.head(HEAD_BYTES)


def _plan_csv(arrival: Arrival, info: Dict[str, Any]) -> Tuple[int, int]:
    head = _head(arrival)
    whole_lines = head[:head.rfind(b"\n") + 1] or head
    head_encoding = detect_encoding([whole_lines])
    delimiter = delimiter_of(whole_lines.split(b"\n", 1)[0].decode(head_encoding))
    header = next(records(io.BytesIO(whole_lines), head_encoding, delimiter), None)
    if header is None or not any(header.cells):
        raise Refused("has no header row")
    columns = map_header(arrival.place.kind, header.cells)
    source = arrival.upload.key
    if sniff.compressed(arrival.place.name):  # read by chunks from its decompressed copy
        source = arrival.work_key("rows.csv")
        encoding = gzip_uploads.unpack(arrival.upload, source)
        info["unzipped"] = True
    else:
        encoding = detect_encoding(arrival.upload.blocks())
    if encoding != "utf-8":
        info["warnings"].append(f"The file is not UTF-8; it was read as {encoding} (what Excel saves as CSV "
                                "on Windows). Check letters such as é and symbols such as £ in the documents.")
    info.update(encoding=encoding, delimiter=delimiter, headers=columns.headers, source=source)
    return header.end, header.next_line


def _plan_xlsx(arrival: Arrival, info: Dict[str, Any]) -> Tuple[int, int]:
    """The first sheet, converted into CSV rows that carry their sheet row number and any error."""
    deadline = time.monotonic() + CONVERT_SECONDS
    with tempfile.TemporaryFile() as workbook, tempfile.TemporaryFile() as out:
        arrival.upload.download(workbook)
        rows = sheet_rows(workbook)
        header = next((row for row in rows if any(row.cells)), None)
        if header is None:
            raise Refused("has no rows in its first sheet")
        columns = map_header(arrival.place.kind, header.cells)
        text = io.TextIOWrapper(out, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\n")
        for n, row in enumerate(rows):
            writer.writerow([row.number, row.error or "", *row.cells])
            _check_time(n, deadline, "to read as XLSX; save it as CSV (UTF-8)")
        text.flush()
        text.detach()  # the upload closes the file it reads
        info.update(headers=columns.headers, **_store_converted(arrival, out, "rows.csv"))
    return 0, 0


def _plan_json(arrival: Arrival, info: Dict[str, Any]) -> Tuple[int, int]:
    """The documents, one per line with the line each started on."""
    deadline = time.monotonic() + CONVERT_SECONDS
    with tempfile.TemporaryFile() as out:
        try:
            for n, element in enumerate(elements(_utf8(arrival.upload.blocks()))):
                out.write(f"{element.line}\t{element.text}\n".encode())
                _check_time(n, deadline, "to read; split it into smaller files")
        except UnicodeDecodeError:
            raise Refused("is not UTF-8 text; JSON must be UTF-8") from None
        info.update(**_store_converted(arrival, out, "rows.jsonl"))
    return 0, 0


def _utf8(blocks) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    for block in blocks:
        yield decoder.decode(block)
    yield decoder.decode(b"", final=True)


def _check_time(n: int, deadline: float, advice: str) -> None:
    if n % 1000 == 0 and time.monotonic() > deadline:
        raise Refused(f"takes longer than {CONVERT_SECONDS} s {advice}")


def _store_converted(arrival: Arrival, out, name: str) -> Dict[str, Any]:
    key = arrival.work_key(name)
    out.seek(0)
    files.put_file(key, out, "text/csv" if name.endswith(".csv") else "application/x-ndjson")
    return {"source": key, "converted": True, "encoding": "utf-8", "delimiter": ","}


def _create(arrival: Arrival, info: Dict[str, Any], reason: Optional[str], start: int,
            line: int) -> Optional[ImportFileItem]:
    """The file item, with the claim on its content (or the earlier file it repeats) and, for a
    drop, its batch, in one transaction. None if a concurrent delivery wrote it first."""
    place, at = arrival.place, stamp(now())
    earlier = get_claim(content_pk(place.tenant_id, place.kind, arrival.upload.etag))
    if earlier is not None and earlier.file_id != arrival.file_id:
        info["duplicate_of"] = {"upload_id": earlier.batch_id, "file_id": earlier.file_id, "name": earlier.name}
    item = ImportFileItem(batch_pk(place.tenant_id, arrival.batch_id), f"FILE#{arrival.file_id}",
                          file_id=arrival.file_id, status=PROCESSING, reason=reason, info=info, next_chunk=0,
                          next_start=start, next_line=line, read_all=reason is not None, created_at=at,
                          updated_at=at)
    taken = ConcurrentUpdate("Another delivery of this upload's event got here first")

    def add(_, writes: Writes) -> None:
        writes.put(item, condition=ImportFileItem.PK.does_not_exist(), on_fail=taken)
        if earlier is None:
            writes.put(ImportClaimItem(content_pk(place.tenant_id, place.kind, arrival.upload.etag), keys.RECORD_SK,
                                       batch_id=arrival.batch_id, file_id=arrival.file_id, name=place.name),
                       condition=ImportClaimItem.PK.does_not_exist(), on_fail=taken)

    try:
        if place.batch_id is None:  # a drop is a batch of its own, a record like any other batch
            fields = {"kind": place.kind, "source": "drop", "options": {"numbering": "keep"},
                      "files": [{"name": place.name, "size": arrival.size, "key": arrival.upload.key}]}
            create_record(UnitOfWork(before_commit=add), UPLOADS, place.tenant_id, DROP, fields,
                          record_id=arrival.batch_id, status=OPEN)
        else:
            writes = Writes()
            add(None, writes)
            UnitOfWork().commit(writes)
    except ConcurrentUpdate:
        return None
    return item
