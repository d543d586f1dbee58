"""Uploads in the one table: batches, the files that arrived, and the claims that make
every import happen once.

    T#<t>#UPLOAD#<batch>                       RECORD       the batch (a RecordItem; GSI1 lists them)
    T#<t>#UPLOAD#<batch>                       FILE#<file>  a file that arrived (ImportFileItem)
    T#<t>#UPLOAD#<batch>                       CHUNK#<file>#<n>  how far chunk n of a documents file is
    T#<t>#IMPORTED#<kind>#<etag>#<group>       RECORD       a document made from that content (claim)
    T#<t>#IMPORTCONTENT#<kind>#<etag>          RECORD       the first file with that content
    T#<t>#IMPORTCUSTOMER#<batch>#<name digest> RECORD       a customer a batch created for a new name

A file is named by its bucket, key and ETag: a repeated S3 event names the
same file. A document is named by the content it came from (the ETag) and its
place in it (its number, or its first line), and is claimed in the same
transaction that creates it: the same content uploaded again, a message sent
twice or a worker killed and run again finds the claim and makes nothing twice.
"""
import hashlib
from typing import Dict, Iterable, List, Optional, Tuple

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from . import keys
from .attributes import ExactNumber, RecordAttribute
from .models import Item

UPLOAD_KIND = "UPLOAD"
FILE_SK = "FILE#"
CHUNK_SK = "CHUNK#"
WAITING, PROCESSING, DONE, FAILED = "waiting", "processing", "done", "failed"
COUNTS = ("rows", "imported", "rejected", "skipped", "duplicates")


class ImportFileItem(Item):
    """A file being imported: where it is read from, how far, and what became of its rows.

    A documents file is cut into chunks before any runs: `info["ranges"]` holds the byte and line
    each starts at, and `chunks_done` counts those finished (ImportChunkItem holds each one's
    progress). A usage file goes chunk after chunk: `next_chunk` is the chunk it waits for;
    finishing chunk n moves it to n + 1, conditioned on it being n, so each chunk counts once.
    `info` holds what planning found (name, format, encoding, header, warnings, duplicate_of...)."""
    file_id = UnicodeAttribute()
    status = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    info = RecordAttribute()
    next_chunk = ExactNumber()
    next_start = ExactNumber()
    next_line = ExactNumber()
    read_all = BooleanAttribute(null=True)
    chunks_done = ExactNumber(null=True)
    rows = ExactNumber(null=True)
    imported = ExactNumber(null=True)  # added in each document's own transaction
    documents = ExactNumber(null=True)
    rejected = ExactNumber(null=True)
    skipped = ExactNumber(null=True)
    duplicates = ExactNumber(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()

    def counts(self) -> Dict[str, int]:
        return {name: int(getattr(self, name) or 0) for name in COUNTS}

    def all_read(self) -> bool:
        """Nothing of the file is left to read: refused, its last chunk done, or every chunk done."""
        ranges = self.info.get("ranges")
        return bool(self.read_all) or (ranges is not None and int(self.chunks_done or 0) >= len(ranges))


class ImportChunkItem(Item):
    """Chunk n of a documents file: the pieces it has done (a piece stops at its time limit and the
    next goes on from `next_start`), whether it is done, and the documents made from its rows
    (added in each document's own transaction)."""
    piece = ExactNumber(null=True)
    next_start = ExactNumber(null=True)
    next_line = ExactNumber(null=True)
    done = BooleanAttribute(null=True)
    imported = ExactNumber(null=True)
    documents = ExactNumber(null=True)
    updated_at = UnicodeAttribute(null=True)


class ImportClaimItem(Item):
    """A document (or, for content claims, a file) that an import made, once."""
    batch_id = UnicodeAttribute()
    file_id = UnicodeAttribute()
    document_id = UnicodeAttribute(null=True)
    number = UnicodeAttribute(null=True)
    line = ExactNumber(null=True)
    name = UnicodeAttribute(null=True)  # the file's name, on content claims
    note = UnicodeAttribute(null=True)  # what the report says of the document's first line
    details = RecordAttribute(null=True)  # a created customer's fields, as its first line gave them


def batch_pk(tenant_id: str, batch_id: str) -> str:
    return keys.record_pk(tenant_id, UPLOAD_KIND, batch_id)


def ids_of(item: ImportFileItem) -> Tuple[str, str]:
    """(tenant id, batch id) of a file item, from its key."""
    _, tenant_id, _, batch_id = item.PK.split("#")
    return tenant_id, batch_id


def file_id_of(bucket: str, key: str, etag: str) -> str:
    return "fil_" + _digest(bucket, key, etag)


def drop_batch_id(bucket: str, key: str, etag: str) -> str:
    """A file dropped straight into the bucket is a batch of its own, named after it."""
    return "upl_" + _digest("drop", bucket, key, etag)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def claim_pk(tenant_id: str, kind: str, etag: str, group: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}IMPORTED#{kind}#{etag}#{group}"


def new_customer_pk(tenant_id: str, batch_id: str, name: str) -> str:
    """The claim of the customer a batch creates for a contact name (compared as `name` is given)."""
    return f"{keys.tenant_prefix(tenant_id)}IMPORTCUSTOMER#{batch_id}#{_digest(name)}"


def content_pk(tenant_id: str, kind: str, etag: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}IMPORTCONTENT#{kind}#{etag}"


def get_file(tenant_id: str, batch_id: str, file_id: str) -> Optional[ImportFileItem]:
    try:
        return ImportFileItem.get(batch_pk(tenant_id, batch_id), FILE_SK + file_id, consistent_read=True)
    except ImportFileItem.DoesNotExist:
        return None


def files_of(tenant_id: str, batch_id: str) -> List[ImportFileItem]:
    """The files of a batch, in the order they arrived."""
    found = ImportFileItem.query(batch_pk(tenant_id, batch_id), ImportFileItem.SK.startswith(FILE_SK),
                                 consistent_read=True)
    return sorted(found, key=lambda item: item.created_at)


def chunk_key(tenant_id: str, batch_id: str, file_id: str, chunk: int) -> Tuple[str, str]:
    return batch_pk(tenant_id, batch_id), f"{CHUNK_SK}{file_id}#{chunk:05d}"


def chunks_of(tenant_id: str, batch_id: str, file_id: str) -> Dict[int, ImportChunkItem]:
    """The chunks of a file that have started, by number."""
    found = ImportChunkItem.query(batch_pk(tenant_id, batch_id),
                                  ImportChunkItem.SK.startswith(f"{CHUNK_SK}{file_id}#"), consistent_read=True)
    return {int(item.SK.rsplit("#", 1)[1]): item for item in found}


def get_chunk(tenant_id: str, batch_id: str, file_id: str, chunk: int) -> Optional[ImportChunkItem]:
    try:
        return ImportChunkItem.get(*chunk_key(tenant_id, batch_id, file_id, chunk), consistent_read=True)
    except ImportChunkItem.DoesNotExist:
        return None


def get_claim(pk: str) -> Optional[ImportClaimItem]:
    try:
        return ImportClaimItem.get(pk, keys.RECORD_SK, consistent_read=True)
    except ImportClaimItem.DoesNotExist:
        return None


def read_claims(pks: Iterable[str]) -> Dict[str, ImportClaimItem]:
    """The claims that exist among `pks`, by key (BatchGetItem, 100 at a time)."""
    wanted = sorted(set(pks))
    if not wanted:
        return {}
    return {claim.PK: claim for claim in ImportClaimItem.batch_get([(pk, keys.RECORD_SK) for pk in wanted],
                                                                  consistent_read=True)}
