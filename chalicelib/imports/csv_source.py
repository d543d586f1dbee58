"""CSV records streamed from bytes, each with its line number and byte offsets.

The offsets let a large file be read in chunks: a chunk starts at the byte
where the previous one stopped, always on a record boundary (a quoted cell
may hold line breaks, so records and lines differ). Bytes are read in blocks
and split into lines, never the whole file; a line over MAX_LINE_BYTES stops
the file rather than the memory.
"""
import codecs
import csv
from typing import BinaryIO, Iterable, Iterator, List, NamedTuple, Optional

BLOCK = 1 << 16
MAX_LINE_BYTES = 1 << 20
_BOM = "\ufeff"


class Record(NamedTuple):
    line: int  # the line it starts on (the header is line 1)
    start: int  # byte offset of its first byte
    end: int  # byte offset just after it
    next_line: int  # the line the record after it starts on
    cells: List[str]  # trimmed; [] for a blank line
    error: Optional[str] = None  # why this record's quoting cannot be read


class BrokenFile(ValueError):
    """The file cannot be read past `line`; what came before it stands."""

    def __init__(self, line: int, message: str):
        super().__init__(f"line {line}: {message}")
        self.line = line


class _LineTooLong(Exception):
    pass


def byte_lines(stream: BinaryIO) -> Iterator[bytes]:
    """The stream's lines, each with its b"\\n" (the last one may lack it)."""
    pending = b""
    while True:
        block = stream.read(BLOCK)
        if not block:
            break
        pending += block
        lines = pending.split(b"\n")
        pending = lines.pop()
        for line in lines:
            yield line + b"\n"
        if len(pending) > MAX_LINE_BYTES:
            raise _LineTooLong()
    if pending:
        yield pending


class _Lines:
    """Decoded lines for csv.reader, counting the bytes and lines it has taken."""

    def __init__(self, stream: BinaryIO, encoding: str, offset: int, line: int):
        self.offset, self.lines_taken = offset, line - 1
        self._lines, self._encoding = byte_lines(stream), encoding

    def __iter__(self):
        return self

    def __next__(self) -> str:
        raw = next(self._lines)
        text = raw.decode(self._encoding)
        if self.offset == 0 and text.startswith(_BOM):
            text = text[1:]
        self.offset += len(raw)
        self.lines_taken += 1
        return text


def records(stream: BinaryIO, encoding: str, delimiter: str = ",", offset: int = 0,
            line: int = 1) -> Iterator[Record]:
    """Records from `stream`, whose first byte is at `offset` of the file and starts `line`."""
    lines = _Lines(stream, encoding, offset, line)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        start, first = lines.offset, lines.lines_taken + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except _LineTooLong:
            raise BrokenFile(first, f"a line is longer than {MAX_LINE_BYTES // 1024} KB") from None
        except csv.Error as error:
            if "end of data" in str(error) or "field limit" in str(error):
                raise BrokenFile(first, "a quoted cell starts here and never ends (a \" is missing)") from None
            yield Record(first, start, lines.offset, lines.lines_taken + 1, [], f"cannot be read as CSV: {error}")
            continue
        yield Record(first, start, lines.offset, lines.lines_taken + 1, list(map(str.strip, cells)))


def delimiter_of(header_line: str) -> str:
    """Comma, or the semicolon or tab some spreadsheet programs write instead."""
    for candidate in (",", ";", "\t"):
        if candidate in header_line:
            return candidate
    return ","


def detect_encoding(blocks: Iterable[bytes]) -> str:
    """utf-8 when every byte is valid UTF-8 (with or without BOM); else Windows-1252, what
    Excel writes as "CSV" on Windows; else Latin-1, which reads any byte."""
    decoders = {name: codecs.getincrementaldecoder(name)() for name in ("utf-8", "cp1252")}
    for block in blocks:
        for name in list(decoders):
            try:
                decoders[name].decode(block)
            except UnicodeDecodeError:
                del decoders[name]
    for name in list(decoders):
        try:
            decoders[name].decode(b"", final=True)
        except UnicodeDecodeError:
            del decoders[name]
    return next((name for name in ("utf-8", "cp1252") if name in decoders), "latin-1")
