"""Rows grouped into documents by number; blank rows skipped without splitting a document."""
from typing import List, NamedTuple, Optional

from chalicelib.imports.grouping import MAX_LINES, Group, Unreadable, grouped


class Row(NamedTuple):
    line: int
    start: int
    cells: List[str]
    error: Optional[str] = None


def rows(*numbers):
    return [Row(i + 2, i * 10, [n] if n is not None else [], None) for i, n in enumerate(numbers)]


def group_all(records):
    return list(grouped(records, lambda r: r.cells[0] if r.cells else None, lambda r: not r.cells))


def shape(items):
    return [(type(i).__name__, i.key if isinstance(i, Group) else None,
             [r.line for r in i.rows] if isinstance(i, Group) else i.record.line) for i in items]


def test_consecutive_rows_of_a_number_make_one_document_and_blank_rows_come_after_it():
    items = group_all(rows("A", "A", None, "A", "B", None, None, "C"))
    assert shape(items) == [("Group", "n:A", [2, 3, 5]), ("Skipped", None, 4), ("Group", "n:B", [6]),
                            ("Skipped", None, 7), ("Skipped", None, 8), ("Group", "n:C", [9])]


def test_every_blank_row_before_a_document_starts_comes_before_it():
    items = group_all(rows(None, "A", None, "B"))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Skipped", "Group", "Skipped", "Group"]
    assert items[1].start < items[2].record.start < items[3].start


def test_rows_without_a_number_are_documents_of_their_own():
    items = list(grouped(rows("", "", ""), lambda r: None, lambda r: False))
    assert [i.key for i in items] == ["l:2", "l:3", "l:4"]


def test_an_unreadable_row_ends_the_document_and_is_refused_alone():
    items = group_all(rows("A", "A") + [Row(4, 20, [], "bad quoting")])
    assert isinstance(items[0], Group) and len(items[0].rows) == 2
    assert isinstance(items[1], Unreadable) and items[1].record.line == 4


def test_rows_past_the_line_limit_are_kept_aside_with_their_document():
    records = rows(*(["A"] * (MAX_LINES + 3)))
    (document,) = group_all(records)
    assert len(document.rows) == MAX_LINES and document.overflow == [MAX_LINES + 2, MAX_LINES + 3, MAX_LINES + 4]
