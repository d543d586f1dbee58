"""List exports: any list, with the list's own filters, as XLSX, CSV or PDF, written to S3.

An export is requested over HTTP and runs as a job through SQS, so no request
waits for a large one. The job reads the list page by page (the same pages the
list route answers) and streams rows into a spooled file, so memory stays flat
whatever the size. A redelivered job finds its export done and does nothing.
"""
import io
import json
import tempfile
from typing import Any, Callable, Dict, Iterator

from ..domain.errors import DomainError
from ..store import files
from ..store.clock import now, stamp
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from .listings import PAGES
from .records import Actor, RecordType, create_record

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PAGE_SIZE = 100
SPOOL_BYTES = 32 * 1024 * 1024  # larger files go to /tmp while they are written


def _present(data: Dict[str, Any]) -> Dict[str, Any]:
    return {**{k: v for k, v in data.items() if k not in ("filters", "key", "rows")},
            "filters": json.loads(data["filters"]), **({"rows": int(data["rows"])} if "rows" in data else {})}


EXPORTS = RecordType(store=RecordStore("EXPORT", "export"), id_prefix="exp", present=_present, search_fields=())


def request_export(uow: UnitOfWork, tenant_id: str, actor: Actor, resource: str, file_format: str,
                   filters: Dict[str, Any]) -> Any:
    """`filters`: as given in the request (already validated), kept as JSON to be parsed again by the job."""
    return create_record(uow, EXPORTS, tenant_id, actor, {
        "resource": resource, "format": file_format, "state": QUEUED, "filters": json.dumps(filters)})


def run_export(tenant_id: str, export_id: str, parse_filters: Callable[[str, Dict[str, Any]], Dict[str, Any]]) -> None:
    """The job: `parse_filters(resource, raw)` gives the list's query parameters again."""
    item = EXPORTS.store.get(tenant_id, export_id)
    if item.data["state"] in (DONE, FAILED):
        return  # a repeated delivery
    data = item.data
    key = files.tenant_key(tenant_id, "exports", export_id, f"{data['resource']}.{FORMATS[data['format']].extension}")
    try:
        query = parse_filters(data["resource"], json.loads(data["filters"]))
        rows = _write(data["format"], data["resource"], all_rows(tenant_id, data["resource"], query), key)
    except DomainError as error:  # nothing to retry: the export cannot be made as asked
        return _finish(item, FAILED, error=error.message)
    _finish(item, DONE, rows=rows, key=key, file_name=f"{data['resource']}.{FORMATS[data['format']].extension}")


def export_link(item) -> Dict[str, Any]:
    return files.link(item.data["key"], item.data["file_name"]) if item.data.get("key") else None


def all_rows(tenant_id: str, resource: str, query: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    cursor = None
    while True:
        rows, cursor = PAGES[resource](tenant_id, {**query, "limit": PAGE_SIZE, "cursor": cursor})
        yield from rows
        if not cursor:
            return


class Format:
    def __init__(self, extension: str, content_type: str, write: Callable[[str, Iterator, Any], int]):
        self.extension, self.content_type, self.write = extension, content_type, write


def _csv(resource: str, rows, out) -> int:
    from ..render.csv_export import write_csv

    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    count = write_csv(resource, rows, text)
    text.detach()  # flushes, and leaves `out` open for the upload
    return count


def _xlsx(resource: str, rows, out) -> int:
    from ..render.xlsx import write_xlsx

    return write_xlsx(resource, rows, out)


def _pdf(resource: str, rows, out) -> int:
    from ..render.list_pdf import write_list_pdf

    return write_list_pdf(resource, rows, out)


FORMATS = {
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
    "csv": Format("csv", "text/csv; charset=utf-8", _csv),
    "pdf": Format("pdf", "application/pdf", _pdf),
}


def _write(file_format: str, resource: str, rows, key: str) -> int:
    chosen = FORMATS[file_format]
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        count = chosen.write(resource, rows, spool)
        spool.seek(0)
        files.put_file(key, spool, chosen.content_type)
    return count


def _finish(item, state: str, **recorded) -> None:
    item.data.update(state=state, finished_at=stamp(now()), **recorded)
    item.updated_at = item.data["finished_at"]
    UnitOfWork().commit(Writes().put(item), item)
