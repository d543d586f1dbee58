"""A chunk of a usage file: its rows rated and counted, and the file moved on, together.

Chunk n reads from where chunk n - 1 stopped, rates up to CHUNK_ROWS rows (or
for CHUNK_SECONDS), keeps the unrated ones with their reason and counts the
rated ones (services/usage_commit.py); the file's move to chunk n + 1 (its
claim, conditioned on the file still waiting for chunk n) commits in the same
transaction as the chunk's last totals. A chunk run again (a message sent
twice, a worker stopped midway) counts nothing twice: what an earlier run
counted is in the sets of ids seen, and so is a file dropped twice. The report
lists the rows not counted (unrated, with their reason); counts give the rest
(records counted by an earlier run of the same chunk count as duplicates).
"""
import json
import time
from typing import List, Optional, Tuple
from zoneinfo import ZoneInfo

from ..domain.uploads import USAGE
from ..imports.csv_source import BrokenFile
from ..imports.kinds import OURS, map_header
from ..imports.report import REJECTED, Outcome
from ..services.tenants import tenant_zone
from ..services.usage_commit import ChunkDone, Committed, commit_usage
from ..services.usage_rating import Rater, Unrated
from ..store import files
from ..store.clock import now, stamp
from ..store.unit_of_work import Writes
from ..store.uploads import PROCESSING, ImportFileItem, ids_of
from .import_chunks import queue_chunk
from .import_reports import finish, part_name, source_rows
from .upload_io import ObjectChanged, work_key

CHUNK_ROWS = 10000
CHUNK_SECONDS = 120


def run_usage_chunk(item: ImportFileItem, chunk: int) -> None:
    tenant_id, batch_id = ids_of(item)
    outcomes, blanks, stop, broken = read_usage_chunk(item, Rater(tenant_id))
    unrated = [o for o in outcomes if isinstance(o, Unrated)]
    report = "".join(json.dumps(Outcome(o.line, REJECTED, o.id or None, column=o.field, reason=o.reason).as_json(),
                                ensure_ascii=False) + "\n" for o in unrated)
    files.put_bytes(work_key(tenant_id, batch_id, item.file_id, part_name(chunk)), report.encode(),
                    "application/x-ndjson")

    def claim(writes: Writes, counted: Committed) -> None:
        writes.update(item, _moved_on(chunk, len(outcomes) + blanks, blanks, counted, stop, broken),
                      condition=(ImportFileItem.next_chunk == chunk) & (ImportFileItem.status == PROCESSING),
                      on_fail=ChunkDone("Another run of this chunk counted it"))

    try:
        commit_usage(tenant_id, item.file_id, outcomes, claim)
    except ChunkDone:
        return
    if stop:
        queue_chunk(item, chunk + 1)
    else:
        finish(item)


def read_usage_chunk(item: ImportFileItem, rater: Rater) -> Tuple[list, int, Optional[Tuple[int, int]], Optional[str]]:
    """The chunk's rated and unrated records, its blank rows, where the next chunk starts (None: the
    file is read) and why the rest of the file cannot be read (or None)."""
    columns = map_header(USAGE, item.info["headers"])
    at = [(column.target, i) for i, column in enumerate(columns.columns) if column and column.target]
    zone = ZoneInfo(tenant_zone(rater.tenant_id)) if columns.layout != OURS else None
    outcomes: List = []
    blanks, started, stop, broken = 0, time.monotonic(), None, None
    try:
        for record in source_rows(item):
            if len(outcomes) + blanks >= CHUNK_ROWS or time.monotonic() - started > CHUNK_SECONDS:
                stop = (record.start, record.line)
                break
            cells = record.cells
            if record.error:
                outcomes.append(Unrated("", record.error, None, {}, record.line))
            elif not any(cells):
                blanks += 1
            else:
                fields = {target: cells[i] for target, i in at if i < len(cells)}
                outcomes.append(rater.rate_fields(fields, record.line, zone))
    except BrokenFile as error:
        broken = f"Line {error.line}: {str(error).split(': ', 1)[1]}; nothing after it was read"
    except ObjectChanged as error:
        broken = f"The file {error}; what was read before stands"
    return outcomes, blanks, stop, broken


def _moved_on(chunk: int, rows: int, blanks: int, counted: Committed, stop, broken) -> list:
    actions = [ImportFileItem.next_chunk.set(chunk + 1), ImportFileItem.updated_at.set(stamp(now())),
               ImportFileItem.rows.add(rows), ImportFileItem.imported.add(counted.counted),
               ImportFileItem.rejected.add(counted.unrated), ImportFileItem.duplicates.add(counted.duplicates),
               ImportFileItem.skipped.add(blanks)]
    if stop:
        actions += [ImportFileItem.next_start.set(stop[0]), ImportFileItem.next_line.set(stop[1])]
    else:
        actions.append(ImportFileItem.read_all.set(True))
        if broken:
            actions.append(ImportFileItem.reason.set(broken))
    return actions
