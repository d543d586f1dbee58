"""JSON documents cut out of an array or a JSON Lines file, each with its line."""
import io
import json
from decimal import Decimal

import pytest

from chalicelib.imports.csv_source import BrokenFile
from chalicelib.imports.json_source import documents, elements


def cut(text, size=7):
    return list(elements(text[i:i + size] for i in range(0, len(text), size)))


def test_an_array_read_in_small_pieces_gives_each_document_and_its_line():
    text = '[\n  {"name": "A",\n   "unit_price": 1.50},\n  {"name": "B\\nC"}\n]\n'
    found = cut(text)
    assert [e.line for e in found] == [2, 4]
    assert json.loads(found[0].text) == {"name": "A", "unit_price": 1.5} and "\n" not in found[0].text


def test_json_lines_work_too():
    assert [e.line for e in cut('{"a": 1}\n\n{"a": 2}\n')] == [1, 3]


@pytest.mark.parametrize("text, line, message", [
    ('[{"a": 1}, {"a": 2}', 1, "closing ]"),
    ('[{"a": 1} {"a": 2}]', 1, "comma"),
    ('[{"a": 1},\n{"a": }]', 2, "not valid JSON"),
    ('[1, 2]', 1, "JSON object"),
    ('"text"', 1, "JSON array"),
    ('[{"a": 1}] extra', 1, "after the closing"),
])
def test_broken_structure_is_reported_at_its_line(text, line, message):
    with pytest.raises(BrokenFile, match=message) as broken:
        cut(text)
    assert broken.value.line == line


def test_stored_documents_come_back_with_exact_numbers_and_offsets():
    stored = b'3\t{"quantity": 1.10, "days": 14}\n9\t{"quantity": 2}\n'
    found = list(documents(io.BytesIO(stored)))
    assert [(r.line, r.start) for r in found] == [(3, 0), (9, 33)]
    assert found[0].cells == {"quantity": Decimal("1.10"), "days": Decimal(14)}
    assert list(documents(io.BytesIO(stored[33:]), 33))[0] == found[1]
