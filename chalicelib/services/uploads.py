"""Upload batches: opening one (presigned POST forms, one per file) and showing where it stands.

A batch is a record of kind UPLOAD holding the files it expects. Each file
goes to `tenants/<tenant>/batches/<batch>/<kind>/<n>-<name>` in the uploads
bucket through a presigned POST whose policy fixes that key and caps its size,
so S3 itself refuses the byte over the limit. The worker (jobs/import_files.py)
then meets each file by its key; a file dropped straight under
`tenants/<tenant>/drop/<kind>/` becomes a batch of its own.
"""
import re
from datetime import timedelta
from typing import Any, Dict, List, Optional

from .. import config
from ..domain.errors import NotFound, invalid
from ..domain.records import Actor
from ..domain.uploads import KINDS, MAX_BATCH_BYTES, MAX_FILES
from ..imports.kinds import template_csv
from ..store import files
from ..store.clock import now, stamp
from ..store.keys import new_id
from ..store.records import ListQuery, RecordStore
from ..store.unit_of_work import UnitOfWork
from ..store.uploads import COUNTS, DONE, FAILED, PROCESSING, WAITING, ImportFileItem, files_of
from .records import RecordType, create_record

FORM_SECONDS = 3600
EXTENSIONS = (".csv", ".xlsx", ".json", ".jsonl")
OPEN = "open"
UPLOADS = RecordType(store=RecordStore("UPLOAD", "upload"), id_prefix="upl", present=lambda data: data)


def batch_key(tenant_id: str, batch_id: str, kind: str, slot: int, name: str) -> str:
    return f"tenants/{tenant_id}/batches/{batch_id}/{kind}/{slot}-{name}"


def open_batch(uow: UnitOfWork, tenant_id: str, actor: Actor, request: Dict[str, Any]) -> Dict[str, Any]:
    """A new batch and a presigned POST form per file; refuses the 51st file and the byte over 60 MB."""
    wanted = request["files"]
    _check_limits(wanted)
    batch_id = new_id(UPLOADS.id_prefix)
    kind = request["kind"]
    slots = [{"name": f["name"], "size": f["size"], "key": batch_key(tenant_id, batch_id, kind, n, _safe(f["name"])),
              **({"content_type": f["content_type"]} if f.get("content_type") else {})}
             for n, f in enumerate(wanted)]
    given = request.get("options") or {}
    options = {"numbering": given.get("numbering") or "keep", "customers": given.get("customers") or "match"}
    fields = {"kind": kind, "source": "api", "options": options, "files": slots,
              "opened_by": actor.id}
    expires = now() + timedelta(seconds=FORM_SECONDS)

    def answer(item):
        shown = present_batch(item, [])
        for slot, file in zip(slots, shown["files"]):
            file["upload"] = {**_form(slot), "expires_at": stamp(expires)}
        return shown

    return create_record(uow, UPLOADS, tenant_id, actor, fields, record_id=batch_id, status=OPEN, result=answer)


def show_batch(tenant_id: str, batch_id: str) -> Dict[str, Any]:
    return present_batch(UPLOADS.store.get(tenant_id, batch_id), files_of(tenant_id, batch_id))


def list_batches(tenant_id: str, limit: int, cursor: Optional[str]):
    items, next_cursor = UPLOADS.store.list(tenant_id, ListQuery(limit=limit, cursor=cursor))
    return [_summary(item) for item in items], next_cursor


def template(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(f"No template for {kind!r}; kinds are " + ", ".join(KINDS))
    return template_csv(kind)


def present_batch(item, arrived: List[ImportFileItem]) -> Dict[str, Any]:
    data = item.data
    shown = [_present_file(f) for f in arrived]
    if data["source"] == "api":
        came = {int(f.info["slot"]) for f in arrived}
        shown += [{"name": s["name"], "size": int(s["size"]), "status": WAITING, "slot": n}
                  for n, s in enumerate(data["files"]) if n not in came]
        shown.sort(key=lambda f: f["slot"])
    totals = {name: sum(f.get("counts", {}).get(name, 0) for f in shown) for name in COUNTS}
    return {"id": item.id, "kind": data["kind"], "source": data["source"], "options": data.get("options", {}),
            "status": _batch_status([f["status"] for f in shown]), "counts": totals, "files": shown,
            "created_at": item.created_at}


def _present_file(file: ImportFileItem) -> Dict[str, Any]:
    info = file.info
    shown = {"id": file.file_id, "name": info["name"], "size": int(info["size"]), "status": file.status,
             "counts": file.counts(), "documents": int(file.documents or 0),
             **({"slot": int(info["slot"])} if info.get("slot") is not None else {}),
             **{k: info[k] for k in ("format", "encoding", "warnings", "duplicate_of") if info.get(k)},
             "reason": file.reason, "received_at": file.created_at}
    if file.status in (DONE, FAILED):
        base = re.sub(r"\.[^.]*$", "", info["name"]) or "file"
        shown["report"] = {ext: files.link(info["reports"][ext], f"{base}-report.{ext}")["url"]
                           for ext in ("csv", "json")}
    return shown


def _batch_status(statuses: List[str]) -> str:
    if WAITING in statuses:
        return WAITING
    return PROCESSING if PROCESSING in statuses else DONE


def _summary(item) -> Dict[str, Any]:
    data = item.data
    return {"id": item.id, "kind": data["kind"], "source": data["source"], "created_at": item.created_at,
            "files": [s["name"] for s in data["files"]]}


def _check_limits(wanted: List[Dict[str, Any]]) -> None:
    if len(wanted) > MAX_FILES:
        raise invalid(f"files[{MAX_FILES}]", f"is one file too many: a batch holds at most {MAX_FILES} files")
    total = 0
    for i, file in enumerate(wanted):
        if not file["name"].lower().endswith(EXTENSIONS):
            raise invalid(f"files[{i}].name", "must end in " + ", ".join(EXTENSIONS))
        total += file["size"]
        if total > MAX_BATCH_BYTES:
            raise invalid(f"files[{i}].size", f"takes the batch to {total} bytes, {total - MAX_BATCH_BYTES} "
                                              f"over the limit of {MAX_BATCH_BYTES} bytes (60 MB)")


def _form(slot: Dict[str, Any]) -> Dict[str, Any]:
    """A presigned POST for exactly this key, at most the declared size."""
    fields = {"Content-Type": slot["content_type"]} if slot.get("content_type") else {}
    conditions = [["content-length-range", 1, int(slot["size"])], *({k: v} for k, v in fields.items())]
    form = files.s3().generate_presigned_post(config.uploads_bucket(), slot["key"], Fields=fields or None,
                                              Conditions=conditions, ExpiresIn=FORM_SECONDS)
    return {"url": form["url"], "fields": form["fields"]}


def _safe(name: str) -> str:
    """The name as a key segment: no slashes or control characters."""
    return re.sub(r"[^\w.\- ()]", "_", name.strip())[:200] or "file"
