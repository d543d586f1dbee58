"""Exports: any list, with the list's own filters, as XLSX, CSV or PDF; and the invoices and
credit notes of a timeframe for an accounting system (Xero, QuickBooks, Sage 50, Clear Books,
FreshBooks). Written to S3.

An export is requested over HTTP and runs as a job through SQS, so no request
waits for a large one. The job reads the list page by page (the same pages the
list route answers) and streams rows into a spooled file, so memory stays flat
whatever the size. A redelivered job finds its export done or failed and does nothing.
An AWS error (S3 refusing the file, DynamoDB failing a page) leaves the export queued
for the queue to retry; the last delivery records it failed before the message is
dead-lettered, so nobody waits on an export that will never come.
"""
import io
import json
import tempfile
from itertools import chain
from typing import Any, Callable, Dict, Iterator, NamedTuple, Tuple

from ..domain.errors import DomainError
from ..store import files
from ..store.clock import now, stamp
from ..store.records import RecordStore
from ..store.unit_of_work import UnitOfWork, Writes
from .listings import EXPORT_PAGES
from .records import Actor, RecordType, create_record
from .tenants import TENANTS

QUEUED, DONE, FAILED = "queued", "done", "failed"
NOT_WRITTEN = "The export could not be written; request it again"
ACCOUNTING = "accounting"  # the resource of accounting exports: issued invoices and credit notes
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


def run_export(tenant_id: str, export_id: str, parse_filters: Callable[[str, Dict[str, Any]], Dict[str, Any]],
               last_delivery: bool) -> None:
    """The job: `parse_filters(resource, raw)` gives the list's query parameters again.
    `last_delivery`: the queue will not deliver this job again if it fails."""
    item = EXPORTS.store.get(tenant_id, export_id)
    if item.data["state"] in (DONE, FAILED):
        return  # a repeated delivery
    data = item.data
    stem = data["format"] if data["resource"] == ACCOUNTING else data["resource"]
    try:
        query = parse_filters(data["resource"], json.loads(data["filters"]))
        tenant = TENANTS.store.get(tenant_id, tenant_id).data
        key_for = lambda extension: files.export_key(tenant_id, export_id, f"{stem}.{extension}")  # noqa: E731
        if data["format"] == "csv" and _can_split(data["resource"], query):
            rows, name, key = _write_in_parts(tenant_id, data["resource"], query, key_for("csv"))
        else:
            rows, name, key = _write(data["format"], data["resource"],
                                     _rows(tenant_id, data["resource"], query, data["format"]), tenant, key_for)
    except DomainError as error:  # nothing to retry: the export cannot be made as asked
        return _finish(item, FAILED, error=error.message)
    except Exception:  # AWS: raised for the queue to retry (and the worker to log)
        if last_delivery:
            _finish(item, FAILED, error=NOT_WRITTEN)
        raise
    _finish(item, DONE, rows=rows, key=key, file_name=name)


def export_link(item) -> Dict[str, Any]:
    return files.link(item.data["key"], item.data["file_name"]) if item.data.get("key") else None


def all_rows(tenant_id: str, resource: str, query: Dict[str, Any], file_format: str) -> Iterator[Dict[str, Any]]:
    if resource == ACCOUNTING:
        return booked_documents(tenant_id, query, BOOKED_KINDS.get(file_format, ("invoices", "credit_notes")))
    return _pages(tenant_id, resource, query)


def _rows(tenant_id: str, resource: str, query: Dict[str, Any], file_format: str) -> Iterator[Dict[str, Any]]:
    """The export's rows; a document list's read ahead over its date ranges in parallel."""
    if file_format in LIST_FORMATS and _can_split(resource, query):
        from .export_parts import rows_read_ahead

        return rows_read_ahead(tenant_id, resource, query, file_format)
    return all_rows(tenant_id, resource, query, file_format)


def _pages(tenant_id: str, resource: str, query: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    cursor = None
    while True:
        rows, cursor = EXPORT_PAGES[resource](tenant_id, {**query, "limit": PAGE_SIZE, "cursor": cursor})
        yield from rows
        if not cursor:
            return


def booked_documents(tenant_id: str, query: Dict[str, Any], kinds) -> Iterator[Dict[str, Any]]:
    """Issued (not draft, not void) invoices then credit notes dated in the timeframe, with lines."""
    from ..render.accounting.documents import NOT_EXPORTED

    with_lines = {**query, "expand": "lines"}
    documents = chain.from_iterable(_pages(tenant_id, kind, with_lines) for kind in kinds)
    return (document for document in documents if document["status"] not in NOT_EXPORTED)


class Written(NamedTuple):
    rows: int
    extension: str
    content_type: str


class Format:
    """`write(resource, rows, out, tenant settings)` writes to the binary file `out`; returns the rows,
    or Written where the kind of file depends on what was written (several Xero files go in a ZIP)."""

    def __init__(self, extension: str, content_type: str, write: Callable[[str, Iterator, Any, Dict], Any]):
        self.extension, self.content_type, self._write = extension, content_type, write

    def write(self, resource: str, rows: Iterator, out, tenant: Dict[str, Any]) -> Written:
        written = self._write(resource, rows, out, tenant)
        return written if isinstance(written, Written) else Written(written, self.extension, self.content_type)


def _counted(rows: Iterator, counter: list) -> Iterator:
    for row in rows:
        counter[0] += 1
        yield row


def _accounting(system: str) -> Format:
    from ..render.accounting import FORMATS as SYSTEMS

    def write(resource: str, rows, out, tenant) -> Written:
        counter = [0]
        packed = SYSTEMS[system].write_file(system, _counted(rows, counter), tenant.get("accounting_mapping"), out)
        return Written(counter[0], packed.extension, packed.content_type)

    return Format(SYSTEMS[system].extension, SYSTEMS[system].content_type, write)


def _csv(resource: str, rows, out, tenant) -> int:
    from ..render.csv_export import write_csv

    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    count = write_csv(resource, rows, text)
    text.detach()  # flushes, and leaves `out` open for the upload
    return count


def _xlsx(resource: str, rows, out, tenant) -> int:
    from ..render.xlsx import write_xlsx

    return write_xlsx(resource, rows, out)


def _pdf(resource: str, rows, out, tenant) -> int:
    from ..render.list_pdf import write_list_pdf

    return write_list_pdf(resource, rows, out, footer=tenant.get("legal_name", ""))


FORMATS = {
    "xlsx": Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _xlsx),
    "csv": Format("csv", "text/csv; charset=utf-8", _csv),
    "pdf": Format("pdf", "application/pdf", _pdf),
}
LIST_FORMATS = tuple(FORMATS)
ACCOUNTING_FORMATS = ("xero", "quickbooks", "quickbooks_credit_notes", "sage50", "sage50_xlsx", "clearbooks",
                      "freshbooks")
BOOKED_KINDS = {"quickbooks": ("invoices",), "quickbooks_credit_notes": ("credit_notes",)}  # two imports
FORMATS.update({system: _accounting(system) for system in ACCOUNTING_FORMATS})


def _write(file_format: str, resource: str, rows, tenant: Dict[str, Any],
           key_for: Callable[[str], str]) -> Tuple[int, str, str]:
    """Writes and stores the file; returns its rows, its name and its key (`key_for(extension)`)."""
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        written = FORMATS[file_format].write(resource, rows, spool, tenant)
        spool.seek(0)
        key = key_for(written.extension)
        files.put_file(key, spool, written.content_type)
    return written.rows, key.rsplit("/", 1)[-1], key


def _can_split(resource: str, query: Dict[str, Any]) -> bool:
    from .export_parts import can_split

    return can_split(resource, query)


def _write_in_parts(tenant_id: str, resource: str, query: Dict[str, Any], key: str) -> Tuple[int, str, str]:
    """A document list's CSV, its date ranges read in parallel, stored by multipart upload."""
    from .export_parts import write_csv_in_parts

    return write_csv_in_parts(tenant_id, resource, query, key), key.rsplit("/", 1)[-1], key


def _finish(item, state: str, **recorded) -> None:
    item.data.update(state=state, finished_at=stamp(now()), **recorded)
    item.updated_at = item.data["finished_at"]
    UnitOfWork().commit(Writes().put(item), item)
