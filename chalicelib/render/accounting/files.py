"""The file an accounting export hands out: one file in the system's encoding (or a workbook,
written as it is), or, where the system imports only so many documents a file (Xero: 500),
several such files in one ZIP.

Documents are read once, `per_file` at a time; each part is written to a spooled temporary
file, so a large export is never held in memory. One part alone goes out as it is.
"""
import io
import shutil
import tempfile
import zipfile
from itertools import islice
from typing import Any, BinaryIO, Callable, Dict, Iterable, List, NamedTuple, Optional, TextIO

from .documents import Document, exportable

PART_SPOOL_BYTES = 8 * 1024 * 1024
ZIP = "application/zip"


class Packed(NamedTuple):
    extension: str
    content_type: str


def write_file(write: Callable[[Iterable[Document], Optional[Dict[str, Any]], TextIO], None],
               documents: Iterable[Document], mapping: Optional[Dict[str, Any]], out: BinaryIO, name: str,
               extension: str, content_type: str, encoding: Optional[str] = "utf-8",
               per_file: Optional[int] = None) -> Packed:
    """Write `documents` to the binary file `out` with the text writer `write` (a binary one where
    `encoding` is None). A character the encoding lacks is an error, never a "?": writers whose
    encoding is not Unicode refuse such text with a DomainError naming it before it gets here."""
    if encoding is None:
        write(documents, mapping, out)
        return Packed(extension, content_type)
    if per_file is None:
        _write_text(write, documents, mapping, out, encoding)
        return Packed(extension, content_type)
    parts = _parts(write, exportable(documents), mapping, encoding, per_file)
    try:
        if len(parts) == 1:
            shutil.copyfileobj(parts[0], out)
            return Packed(extension, content_type)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for number, part in enumerate(parts, start=1):
                with archive.open(f"{name}-{number:03d}.{extension}", "w") as member:
                    shutil.copyfileobj(part, member)
        return Packed("zip", ZIP)
    finally:
        for part in parts:
            part.close()


def _parts(write, documents, mapping, encoding: str, per_file: int) -> List[BinaryIO]:
    """Files of at most `per_file` documents each (one file with the header alone when there are none)."""
    parts: List[BinaryIO] = []
    while True:
        chunk = list(islice(documents, per_file))
        if parts and not chunk:
            return parts
        part = tempfile.SpooledTemporaryFile(max_size=PART_SPOOL_BYTES)
        _write_text(write, chunk, mapping, part, encoding)
        part.seek(0)
        parts.append(part)
        if len(chunk) < per_file:
            return parts


def _write_text(write, documents, mapping, out: BinaryIO, encoding: str) -> None:
    text = io.TextIOWrapper(out, encoding=encoding, errors="strict", newline="")
    write(documents, mapping, text)
    text.detach()  # flushes, and leaves `out` open
