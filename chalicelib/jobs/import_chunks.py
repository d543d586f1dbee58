"""A file is imported chunk by chunk, each through the queue, so no run takes long.

A documents file is cut into chunks before any runs (import_split.py), each a
range of whole documents. A file whose documents do not depend on one
another's order has several, worked PARALLEL at a time by parallel Lambdas:
the first PARALLEL are queued together, and each chunk done queues the one
PARALLEL after it. Any other file is one chunk, read in file order. A chunk makes its
range's documents (import_documents.py) and, if it has run CHUNK_SECONDS (or
taken CHUNK_ROWS rows), stops before the next document, as a piece: the next
piece goes on from there. Each piece writes its part of the report, then moves
its chunk on (to its next piece, or done) and adds its counts to the file, in
one transaction conditioned on the chunk still waiting for that piece: a piece
run twice (a message sent again, a worker killed midway and run again, two
workers at once) counts once, and its documents are claimed, so nothing is
made twice. Whoever finds every chunk done writes the file's reports.
Usage files go chunk after chunk through the file item (usage_chunks.py).
"""
import json
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any, Dict, List, NamedTuple, Optional, Tuple

from ..domain.errors import Conflict
from ..domain.uploads import USAGE
from ..imports.csv_source import BrokenFile
from ..imports.grouping import Group, grouped
from ..imports.report import COUNTED, Outcome
from ..observability import logger
from ..store import files
from ..store.clock import now, stamp
from ..store.unit_of_work import UnitOfWork, Writes
from ..store.uploads import (PROCESSING, ImportChunkItem, ImportFileItem, chunk_key, chunks_of, get_chunk,
                             get_file, ids_of)
from .import_documents import Importer
from .import_reports import finish, part_name, rows_from
from .upload_io import ObjectChanged, send_all, work_key

CHUNK_ROWS = 5000
CHUNK_SECONDS = 120
# Chunks of one file at work at once: a large file never holds more than two of the uploads
# function's five copies (infra/README.md), so other files go on beside it.
PARALLEL = 2
STALL_SECONDS = 60
WINDOW = 100  # documents whose claims are read together
CHUNK = "import_chunk"


class Piece(NamedTuple):
    outcomes: List[Outcome]
    stop: Optional[Tuple[int, int]]  # (byte, line) the next piece starts at; None: the chunk is read
    broken: Optional[str]  # why the rest of the file cannot be read


class ChunkState(NamedTuple):
    chunk: int
    piece: int  # the piece it waits for
    start: int
    line: int
    end: Optional[int]  # the byte the next chunk starts at; None: the end of the file
    done: bool
    updated_at: str


class PieceDone(Conflict):
    """Another run of the piece moved its chunk on first."""


def queue_chunk(item: ImportFileItem, chunk: int, piece: Optional[int] = None) -> None:
    queue_chunks(item, [(chunk, piece)])


def queue_chunks(item: ImportFileItem, chunks: List[Tuple[int, Optional[int]]]) -> None:
    tenant_id, batch_id = ids_of(item)
    send_all([{"kind": CHUNK, "tenant_id": tenant_id, "batch_id": batch_id, "file_id": item.file_id,
               "chunk": chunk, **({"piece": piece} if piece is not None else {})} for chunk, piece in chunks])


def start_chunks(item: ImportFileItem, again: bool) -> None:
    """Queue the chunks due (the first PARALLEL, then each when the one PARALLEL before it is done)
    and not done, at the piece each waits for (met `again`, a repeated S3 event, only those nothing
    has moved for a while: the worker that queued them may have died first)."""
    tenant_id, batch_id = ids_of(item)
    started = chunks_of(tenant_id, batch_id, item.file_id)
    states = [_state(item, n, started.get(n)) for n in range(len(item.info["ranges"]))]
    due = [s for s in states if not s.done and (s.chunk < PARALLEL or states[s.chunk - PARALLEL].done)]
    queue_chunks(item, [(s.chunk, s.piece) for s in due if not again or stalled(s.updated_at)])


def run_chunk(tenant_id: str, batch_id: str, file_id: str, chunk: int, piece: Optional[int] = None) -> None:
    item = get_file(tenant_id, batch_id, file_id)
    if item is None or item.status != PROCESSING:
        return
    if item.all_read():
        return finish(item)
    if item.info["kind"] == USAGE:
        return _run_usage_chunk(item, chunk)
    state = _state(item, chunk, get_chunk(tenant_id, batch_id, file_id, chunk))
    piece = int(piece or 0)
    if state.done or state.piece != piece:
        if stalled(state.updated_at):  # its worker died after doing it, before queueing what follows
            _follow(item, state, piece)
        logger.info("piece done already", extra={"file_id": file_id, "chunk": chunk, "piece": piece})
        return
    counter = chunk_key(tenant_id, batch_id, file_id, chunk)
    result = read_piece(item, state, Importer(item, tenant_id, batch_id, counter))
    part = "".join(json.dumps(o.as_json(), ensure_ascii=False) + "\n" for o in result.outcomes)
    files.put_bytes(work_key(tenant_id, batch_id, file_id, part_name(chunk, piece)), part.encode(),
                    "application/x-ndjson")
    if not _complete(item, state, result, counter):
        return  # a concurrent run of this piece completed it and moved the chunk on
    if result.stop:
        queue_chunk(item, chunk, piece + 1)
    elif chunk + PARALLEL < len(item.info["ranges"]):
        queue_chunk(item, chunk + PARALLEL, 0)
    else:
        finish(item)  # if this was the last chunk left


def _follow(item: ImportFileItem, state: ChunkState, piece: int) -> None:
    """Queue again what a piece done queues: the chunk's next piece, or the chunk that waited for it."""
    if not state.done and state.piece == piece + 1:
        queue_chunk(item, state.chunk, piece + 1)
    elif state.done and state.chunk + PARALLEL < len(item.info["ranges"]):
        tenant_id, batch_id = ids_of(item)
        successor = state.chunk + PARALLEL
        if _state(item, successor, get_chunk(tenant_id, batch_id, item.file_id, successor)).piece == 0:
            queue_chunk(item, successor, 0)


def _run_usage_chunk(item: ImportFileItem, chunk: int) -> None:
    if int(item.next_chunk) != chunk:
        if int(item.next_chunk) == chunk + 1 and stalled(item.updated_at):
            queue_chunk(item, chunk + 1)  # its worker died after finishing it, before queueing the next
        logger.info("chunk done already", extra={"file_id": item.file_id, "chunk": chunk})
        return
    from .usage_chunks import run_usage_chunk

    run_usage_chunk(item, chunk)


def _state(item: ImportFileItem, chunk: int, found: Optional[ImportChunkItem]) -> ChunkState:
    ranges = item.info["ranges"]
    start, line = (int(n) for n in ranges[chunk])
    end = int(ranges[chunk + 1][0]) if chunk + 1 < len(ranges) else None
    if found is None or found.piece is None:  # not started, or only counted by a document of a run cut short
        return ChunkState(chunk, 0, start, line, end, False, item.updated_at)
    if found.next_start is not None:
        start, line = int(found.next_start), int(found.next_line)
    return ChunkState(chunk, int(found.piece), start, line, end, bool(found.done), found.updated_at)


def stalled(updated_at: str) -> bool:
    """Nothing has moved it on for a while: a redelivered message, not a duplicate in flight."""
    changed = datetime.strptime(updated_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return (now() - changed).total_seconds() > STALL_SECONDS


def read_piece(item: ImportFileItem, state: ChunkState, importer: Importer) -> Piece:
    """The piece's outcomes, in line order, and where the next piece starts (None: at the chunk's end)."""
    outcomes: List[Outcome] = []
    window: List[Any] = []
    rows, started, stop, broken = 0, time.monotonic(), None, None
    try:
        for entry in grouped(rows_from(item.info, state.start, state.line), importer.keys.number_of,
                             importer.keys.is_blank):
            if isinstance(entry, Group):
                if state.end is not None and entry.start >= state.end:
                    break  # the next chunk's first document
                if rows and (rows >= CHUNK_ROWS or time.monotonic() - started > CHUNK_SECONDS):  # one at least
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
    return Piece(sorted(outcomes, key=lambda o: o.line), stop, broken)


def _complete(item: ImportFileItem, state: ChunkState, result: Piece, counter: Tuple[str, str]) -> bool:
    """Move the chunk past the piece and add the piece's counts to the file, once; a chunk done
    adds the documents made from it (every one is committed by now: each was made or found claimed)."""
    counts: Dict[str, int] = Counter(COUNTED[o.status] for o in result.outcomes)
    counts.pop("imported", None)  # added to the chunk by each document's own transaction
    counts["rows"] = len(result.outcomes)
    at = stamp(now())
    actions = [ImportChunkItem.piece.set(state.piece + 1), ImportChunkItem.updated_at.set(at)]
    if result.stop:
        actions += [ImportChunkItem.next_start.set(result.stop[0]), ImportChunkItem.next_line.set(result.stop[1])]
    else:
        made = get_chunk(*ids_of(item), item.file_id, state.chunk)
        counts.update(imported=int(made and made.imported or 0), documents=int(made and made.documents or 0),
                      chunks_done=1)
        actions.append(ImportChunkItem.done.set(True))
    waiting = ImportChunkItem.piece.does_not_exist() if state.piece == 0 else ImportChunkItem.piece == state.piece
    writes = Writes().update(ImportChunkItem(*counter), actions, waiting & ImportChunkItem.done.does_not_exist(),
                             on_fail=PieceDone("Another run of this piece counted it"))
    writes.add_to(ImportFileItem, item.PK, item.SK, counts,
                  {"updated_at": at, **({"reason": result.broken} if result.broken else {})})
    try:
        UnitOfWork().commit(writes)
    except PieceDone:
        return False
    return True
