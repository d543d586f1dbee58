"""Rows into documents: consecutive rows with the same document number are one document.

A row without a number is a document of its own (and every row of a customers
or products file is one record). Blank rows are skipped, and do not split the
document around them; they come out after the document they sit in, so that
a chunk that stops before a document has seen every row before that
document's first byte, and none after.
"""
from typing import Any, Callable, Iterable, Iterator, List, NamedTuple, Optional, Union

from ..domain.documents import MAX_LINES  # lines a document may have


class Group(NamedTuple):
    key: str  # "n:<number>" or "l:<line>": names the document within its file
    rows: List[Any]  # csv_source.Record (or a record of the same shape)
    overflow: List[int]  # lines past MAX_LINES of the same number, refused with it

    @property
    def line(self) -> int:
        return self.rows[0].line

    @property
    def start(self) -> int:
        return self.rows[0].start


class Skipped(NamedTuple):
    record: Any
    reason: str


class Unreadable(NamedTuple):
    record: Any  # its `error` says why


Item = Union[Group, Skipped, Unreadable]


def grouped(records: Iterable[Any], number_of: Callable[[Any], Optional[str]],
            is_blank: Callable[[Any], bool]) -> Iterator[Item]:
    current: Optional[Group] = None
    current_number: Optional[str] = None  # the number of the rows `current` holds, if any
    pending: List[Skipped] = []  # blank rows seen while `current` may go on

    def close() -> Iterator[Item]:
        nonlocal current, pending
        if current is not None:
            yield current
        yield from pending
        current, pending = None, []

    for record in records:
        if record.error:
            yield from close()
            yield Unreadable(record)
        elif is_blank(record):
            skip = Skipped(record, "blank row")
            if current is None:
                yield skip
            else:
                pending.append(skip)
        else:
            number = number_of(record)
            if number and current is not None and number == current_number:
                if len(current.rows) < MAX_LINES:
                    current.rows.append(record)
                else:
                    current.overflow.append(record.line)
                continue
            yield from close()
            current_number = number
            current = Group(f"n:{number}" if number else f"l:{record.line}", [record], [])
    yield from close()
