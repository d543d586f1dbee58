"""A gzip-compressed CSV upload (`.csv.gz`) unpacked once into the documents bucket.

Chunks read a file from byte offsets, which a gzip stream has not; so the file is
decompressed as a stream (never whole in memory, nor on disk) into an object
that chunks read like a plain CSV, and the upload itself is read twice: once to
learn the text's encoding, once to copy it.
"""
import gzip
import zlib
from typing import Iterator

from ..imports.csv_source import detect_encoding
from ..store import files
from .upload_io import BLOCK, Upload

MAGIC = b"\x1f\x8b"


class NotGzip(ValueError):
    """The file is named .gz but its content is not gzip's."""


def _opened(upload: Upload) -> gzip.GzipFile:
    return gzip.GzipFile(fileobj=upload.stream(), mode="rb")


def _blocks(upload: Upload) -> Iterator[bytes]:
    try:
        with _opened(upload) as unpacked:
            yield from iter(lambda: unpacked.read(BLOCK), b"")
    except (OSError, EOFError, zlib.error) as error:
        raise NotGzip(f"cannot be decompressed as gzip ({error})") from None


def head(upload: Upload, size: int) -> bytes:
    if not upload.head(2).startswith(MAGIC):
        raise NotGzip("is named .gz but is not gzip-compressed")
    taken = b""
    for block in _blocks(upload):
        taken += block
        if len(taken) >= size:
            break
    return taken[:size]


def unpack(upload: Upload, key: str) -> str:
    """The upload's text, decompressed into `key` of the documents bucket; returns its encoding."""
    encoding = detect_encoding(_blocks(upload))
    with _opened(upload) as unpacked:
        files.put_file(key, _Stream(unpacked), "text/csv")
    return encoding


class _Stream:
    """Only `read`: the upload streams it in parts instead of seeking (a gzip stream seeks by rereading)."""

    def __init__(self, unpacked: gzip.GzipFile):
        self.read = unpacked.read
