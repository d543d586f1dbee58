"""CSV records with exact byte offsets, so that reading on from any record's end gives the rest."""
import io

import pytest

from chalicelib.imports.csv_source import BrokenFile, delimiter_of, detect_encoding, records

FILE = ('\ufeffnumber,description,quantity\r\n'
        'INV-1,"two\r\nlines",1\r\n'
        '\r\n'
        'INV-2,"Caf\u00e9 \u00a3",2\r\n'
        'INV-3,"bad"quote,3\r\n'
        'INV-4,last,4').encode("utf-8")


def read(data, **kw):
    return list(records(io.BytesIO(data), "utf-8", **kw))


def test_records_carry_lines_offsets_and_trimmed_cells():
    found = read(FILE)
    assert [r.line for r in found] == [1, 2, 4, 5, 6, 7]
    assert found[0].cells == ["number", "description", "quantity"]  # the BOM is not part of the header
    assert found[1].cells == ["INV-1", "two\r\nlines", "1"] and found[1].next_line == 4
    assert found[2].cells == []
    assert found[3].cells == ["INV-2", "Caf\u00e9 \u00a3", "2"]
    assert found[4].error and "cannot be read as CSV" in found[4].error
    assert found[5].cells == ["INV-4", "last", "4"] and found[5].end == len(FILE)
    assert all(a.end == b.start for a, b in zip(found, found[1:]))


@pytest.mark.parametrize("cut", range(1, 6))
def test_reading_on_from_a_record_boundary_gives_the_same_records(cut):
    whole = read(FILE)
    start = whole[cut].start
    rest = read(FILE[start:], offset=start, line=whole[cut].line)
    assert rest == whole[cut:]


def test_a_quote_that_never_closes_breaks_the_file_at_its_line():
    data = b'a,b\n1,2\n3,"never closed\n4,5\n'
    found = []
    with pytest.raises(BrokenFile) as broken:
        for record in records(io.BytesIO(data), "utf-8"):
            found.append(record.cells)
    assert found == [["a", "b"], ["1", "2"]] and broken.value.line == 3


def test_a_line_over_the_limit_breaks_the_file(monkeypatch):
    monkeypatch.setattr("chalicelib.imports.csv_source.MAX_LINE_BYTES", 100)
    monkeypatch.setattr("chalicelib.imports.csv_source.BLOCK", 64)
    with pytest.raises(BrokenFile, match="longer than"):
        read(b"a,b\n" + b"x" * 500 + b"\n")


def test_encodings_utf8_with_or_without_bom_else_windows_1252_else_latin_1():
    assert detect_encoding(["Caf\u00e9 \u00a3 \u20ac".encode("utf-8")]) == "utf-8"
    assert detect_encoding([b"\xef\xbb\xbfname\n"]) == "utf-8"
    assert detect_encoding(["Caf\u00e9 \u00a3 \u20ac".encode("cp1252")]) == "cp1252"
    assert detect_encoding([b"\x81\x8d"]) == "latin-1"
    # A character cut between two blocks is still UTF-8.
    euro = "\u20ac".encode("utf-8")
    assert detect_encoding([b"a" + euro[:1], euro[1:]]) == "utf-8"
    latin = "Caf\u00e9".encode("latin-1")
    assert list(records(io.BytesIO(b"name\n" + latin + b"\n"), "cp1252"))[1].cells == ["Caf\u00e9"]


def test_delimiters():
    assert delimiter_of("a;b;c") == ";" and delimiter_of("a,b") == "," and delimiter_of("a\tb") == "\t"
    assert delimiter_of("name") == ","
    assert read(b"a;b\n1;2\n", delimiter=";")[1].cells == ["1", "2"]
