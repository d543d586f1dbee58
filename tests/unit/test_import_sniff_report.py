"""A file's first bytes against its name; reports that spreadsheets open safely."""
import io
import json

import pytest

from chalicelib.imports.report import IMPORTED, REJECTED, Outcome, write_reports
from chalicelib.imports.sniff import content_problem, declared_format


@pytest.mark.parametrize("name, head, problem", [
    ("march.csv", b"%PDF-1.7\n...", "is a PDF document, not CSV text"),
    ("march.csv", b"PK\x03\x04....", "is a ZIP archive (an XLSX workbook?), not CSV text; name it .xlsx"),
    ("march.xlsx", b"number,customer\n", "is not a ZIP archive, not an XLSX workbook"),
    ("march.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "is an old Excel (.xls) or Word file"),
    ("march.csv", b"\xff\xfen\x00u\x00", "is UTF-16 text, not CSV text; save it as UTF-8"),
    ("march.json", b"  \n", "is empty"),
    ("march.csv", b"a,b\x00c", "holds binary data"),
    ("march.csv", b"a,b\rc,d\r", "CR only"),
])
def test_files_that_are_not_what_their_names_say(name, head, problem):
    assert problem in content_problem(declared_format(name), head)


def test_files_that_are():
    assert content_problem("csv", b"number,customer\r\n") is None
    assert content_problem("xlsx", b"PK\x03\x04rest") is None
    assert content_problem("json", b'[{"name": "x"}]') is None
    assert declared_format("a.JSONL") == "json" and declared_format("a.pdf") is None


def test_reports_hold_every_row_and_neutralise_formulas():
    csv_out, json_out = io.BytesIO(), io.BytesIO()
    outcomes = [Outcome(2, IMPORTED, "inv_1", "INV-1").as_json(),
                Outcome(3, REJECTED, column="notes", reason="=cmd|' /C calc'!A0 looks like a formula").as_json()]
    write_reports({"name": "a.csv", "reason": None, "warnings": ["read as cp1252"]}, iter(outcomes), csv_out,
                  json_out)
    lines = csv_out.getvalue().decode().splitlines()
    assert lines[0] == "line,status,id,number,column,reason,note"
    assert lines[1] == ",warning,,,,read as cp1252,"
    assert lines[2] == "2,imported,inv_1,INV-1,,,"
    assert lines[3].startswith("3,rejected,,,notes,'=cmd|")
    report = json.loads(json_out.getvalue())
    assert report["name"] == "a.csv" and report["rows"] == outcomes
