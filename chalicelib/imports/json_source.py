"""JSON documents streamed from a file: a JSON array of objects, or one object per line.

`elements` checks the file's structure and cuts it into documents without
holding more than one document (at most MAX_DOCUMENT_CHARS) at a time; each
comes out as its own text on one line, with the line it started on, ready to
be stored as JSON Lines that chunks can read by byte offsets (`documents`).
"""
import json
from decimal import Decimal
from typing import BinaryIO, Iterable, Iterator, NamedTuple

from .csv_source import BrokenFile, Record, byte_lines

MAX_DOCUMENT_CHARS = 1 << 20  # the API's largest request body
_SPACE = " \t\r\n"


class Element(NamedTuple):
    line: int
    text: str  # the document's JSON, line breaks (only ever whitespace in JSON) made spaces


class _Buffer:
    def __init__(self, blocks: Iterable[str]):
        self.blocks, self.text, self.pos, self.line, self.eof = iter(blocks), "", 0, 1, False

    def more(self) -> bool:
        block = next(self.blocks, None)
        if block is None:
            self.eof = True
            return False
        self.text = self.text[self.pos:] + block
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not whitespace ("" at the end), counting lines on the way."""
        while True:
            while self.pos < len(self.text) and self.text[self.pos] in _SPACE:
                self.line += self.text[self.pos] == "\n"
                self.pos += 1
            if self.pos < len(self.text) or not self.more():
                return self.text[self.pos:self.pos + 1]


def elements(blocks: Iterable[str]) -> Iterator[Element]:
    """The documents of the file's text, in order; raises BrokenFile where the structure breaks."""
    buffer, decoder = _Buffer(blocks), json.JSONDecoder()
    first = buffer.peek()
    if first not in ("[", "{"):
        raise BrokenFile(buffer.line, "must hold a JSON array of documents, or one document per line")
    in_array = first == "["
    buffer.pos += in_array
    expecting = "value"
    while True:
        char = buffer.peek()
        if in_array and char == "]" and expecting != "value-after-comma":
            buffer.pos += 1
            if buffer.peek():
                raise BrokenFile(buffer.line, "holds more after the closing ]")
            return
        if not char:
            if in_array:
                raise BrokenFile(buffer.line, "ends before the array's closing ] (truncated?)")
            return
        if in_array and expecting == "comma":
            if char != ",":
                raise BrokenFile(buffer.line, "expects a comma between documents")
            buffer.pos += 1
            expecting = "value-after-comma"
            continue
        if char != "{":
            raise BrokenFile(buffer.line, "each document must be a JSON object")
        yield _element(buffer, decoder)
        expecting = "comma" if in_array else "value"


def _element(buffer: _Buffer, decoder: json.JSONDecoder) -> Element:
    while True:
        try:
            _, end = decoder.raw_decode(buffer.text, buffer.pos)
        except json.JSONDecodeError as error:
            if len(buffer.text) - buffer.pos <= MAX_DOCUMENT_CHARS and buffer.more():
                continue
            if len(buffer.text) - buffer.pos > MAX_DOCUMENT_CHARS:
                raise BrokenFile(buffer.line, "holds a document larger than 1 MB") from None
            where = buffer.line + buffer.text.count("\n", buffer.pos, error.pos)
            raise BrokenFile(where, f"is not valid JSON: {error.msg}") from None
        text = buffer.text[buffer.pos:end]
        element = Element(buffer.line, text.replace("\r", " ").replace("\n", " "))
        buffer.line += text.count("\n")
        buffer.pos = end
        return element


def documents(stream: BinaryIO, offset: int = 0) -> Iterator[Record]:
    """Documents stored by `elements` as "<line>\\t<json>" lines, from byte `offset` of that file."""
    for raw in byte_lines(stream):
        line, _, text = raw.decode("utf-8").partition("\t")
        document = json.loads(text, parse_float=Decimal, parse_int=Decimal)
        yield Record(int(line), offset, offset + len(raw), int(line) + 1, document)
        offset += len(raw)
