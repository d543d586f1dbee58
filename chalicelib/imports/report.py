"""What became of every row: imported (as which id), rejected (line, column, reason),
skipped (blank), or a duplicate of a document an earlier file with the same content made;
a note says what else the row did (the customer it created, details of it left unused).

Chunks write their outcomes as JSON lines; the finished file's report, in CSV
and JSON, is streamed from those parts into any writable file.
"""
import csv
import io
import json
from typing import IO, Any, Dict, Iterable, NamedTuple, Optional

IMPORTED, REJECTED, SKIPPED, DUPLICATE = "imported", "rejected", "skipped", "duplicate"
COUNTED = {IMPORTED: "imported", REJECTED: "rejected", SKIPPED: "skipped", DUPLICATE: "duplicates"}
CSV_COLUMNS = ("line", "status", "id", "number", "column", "reason", "note")


class Outcome(NamedTuple):
    line: int
    status: str
    id: Optional[str] = None
    number: Optional[str] = None
    column: Optional[str] = None
    reason: Optional[str] = None
    note: Optional[str] = None

    def as_json(self) -> Dict[str, Any]:
        return {k: v for k, v in self._asdict().items() if v is not None}


def safe_cell(value: Any) -> str:
    """Report cells are opened in spreadsheets: text that would run as a formula is quoted."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write_reports(summary: Dict[str, Any], outcomes: Iterable[Dict[str, Any]], csv_out: IO[bytes],
                  json_out: IO[bytes]) -> None:
    """Both reports, one pass over the outcomes (dicts as Outcome.as_json gives them)."""
    text = io.TextIOWrapper(csv_out, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    notes = [("failed", summary["reason"])] if summary.get("reason") else []
    for status, note in notes + [("warning", warning) for warning in summary.get("warnings", [])]:
        writer.writerow(["", status, "", "", "", safe_cell(note), ""])
    head = json.dumps(summary, ensure_ascii=False)
    json_out.write(head[:-1].encode() + b', "rows": [')
    for i, outcome in enumerate(outcomes):
        writer.writerow([safe_cell(outcome.get(name)) for name in CSV_COLUMNS])
        json_out.write((", " if i else "").encode() + json.dumps(outcome, ensure_ascii=False).encode())
    json_out.write(b"]}")
    text.flush()
    text.detach()
