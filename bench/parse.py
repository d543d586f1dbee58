"""Parse + validate rates of the bulk upload, each beside its reader's floor, in one run.

The files are upload.py's generated invoices (4 MB by default: 4.2 MB, 31,820
rows of 20-line invoices) and the same documents as a credit notes CSV, an XLSX
workbook and a JSON array. Each goes the way a chunk takes it (XLSX and JSON
first converted as the planner does), up to the schema's answer; names are
looked up in memory (no DynamoDB), so the figures are CPU time: medians of
--repeats runs, on a machine other work shares. Floors: `csv.reader` over the
same CSV file, expat over the workbook's sheet (unzipped) calling empty Python
handlers (and with none), and json.loads of the JSON file. Ends with the profile of the CSV invoices path.

    python bench/parse.py [--mb 4] [--lines 20] [--repeats 5]
"""
import argparse
import cProfile
import csv
import io
import json
import os
import pstats
import statistics
import tempfile
import time
import zipfile
from datetime import date
from pathlib import Path
from xml.parsers import expat

import upload  # the bulk-upload bench: its CSV generator (importing it sets the bench environment)

from chalicelib.imports.bodies import Rejected, from_json, from_rows  # noqa: E402
from chalicelib.imports.cells import CellError  # noqa: E402
from chalicelib.imports.csv_source import records  # noqa: E402
from chalicelib.imports.grouping import Group, grouped  # noqa: E402
from chalicelib.imports.json_source import documents, elements  # noqa: E402
from chalicelib.imports.kinds import map_header  # noqa: E402
from chalicelib.imports.xlsx import sheet_rows  # noqa: E402
from chalicelib.jobs.import_reports import _sheet_row  # noqa: E402

CREDIT_HEADER = "number,invoice,reason,issue_date,description,quantity,unit_price,vat_rate\r\n"


class Names:
    """Every customer name and invoice number is known (ids made up); no products."""
    creates_customers = False

    def __init__(self):
        self.ids = {}

    def customer(self, text: str) -> str:
        return self.ids.setdefault(text, f"cus_{len(self.ids):06d}")

    def invoice(self, text: str) -> str:
        return self.ids.setdefault(text, f"inv_{len(self.ids):06d}")

    def product(self, code: str) -> str:
        raise CellError("no products in this bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=4)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    invoices = _invoices_csv(int(args.mb * 1024 * 1024), args.lines)
    rows = invoices.count(b"\n") - 1
    print(f"input: upload.py's invoices CSV, {len(invoices) / 1e6:.1f} MB, {rows} rows; CPU time, "
          f"medians of {args.repeats} runs; parse + validate | its floor | ratio")
    with tempfile.TemporaryDirectory() as folder:
        workbook = Path(folder) / "invoices.xlsx"
        _write_xlsx(invoices, workbook)
        as_json = _json_documents(invoices)
        credits = _credit_notes_csv(invoices)
        runs = [
            ("CSV invoices", len(invoices), lambda: _csv_path("invoices", invoices),
             "csv.reader", lambda: _csv_reader(invoices)),
            ("CSV credit notes", len(credits), lambda: _csv_path("credit_notes", credits),
             "csv.reader", lambda: _csv_reader(credits)),
            ("XLSX invoices", len(invoices), lambda: _xlsx_path(workbook),
             "expat, empty handlers", lambda: _expat_floor(workbook, handlers=True)),
            ("XLSX floor itself", len(invoices), lambda: _expat_floor(workbook, handlers=True),
             "expat alone", lambda: _expat_floor(workbook, handlers=False)),
            ("JSON invoices", len(as_json), lambda: _json_path(as_json),
             "json.loads of the file", lambda: json.loads(as_json)),
        ]
        for name, size, ours, floor_name, floor in runs:
            mine, theirs = _median(ours, args.repeats), _median(floor, args.repeats)
            print(f"{name:17s} {size / 1e6:5.1f} MB: {size / 1e6 / mine:5.1f} MB/s "
                  f"({rows / mine:7.0f} rows/s) | {floor_name}: {size / 1e6 / theirs:6.1f} MB/s | "
                  f"ratio {mine / theirs:4.1f}x")
        print(f"(XLSX: MB of the same rows as CSV; the workbook is {workbook.stat().st_size / 1e6:.1f} MB)")
    _profile(lambda: _csv_path("invoices", invoices))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


def _invoices_csv(size: int, lines: int) -> bytes:
    out = io.BytesIO()
    upload._generate(out, size, lines)
    return out.getvalue()


def _credit_notes_csv(invoices: bytes) -> bytes:
    """A credit note per invoice, crediting all its lines: invoice, reason for customer and date."""
    out = io.StringIO()
    out.write(CREDIT_HEADER)
    for number, _, day, _, *line in csv.reader(io.StringIO(invoices.decode()[len(upload.HEADER):])):
        out.write(f"CN{number[3:]},{number},Returned goods,{day},\"{line[0]}\",{line[1]},\"{line[2]}\",{line[3]}\r\n")
    return out.getvalue().encode()


def _write_xlsx(invoices: bytes, path: Path) -> None:
    """The same rows as a workbook, as Excel holds them: amounts as numbers, dates as dates."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet, day = book.add_worksheet(), book.add_format({"num_format": "dd/mm/yyyy"})
    for n, cells in enumerate(csv.reader(io.StringIO(invoices.decode()))):
        if n == 0:
            sheet.write_row(0, 0, cells)
            continue
        d, m, y = map(int, cells[2].split("/"))
        sheet.write_row(n, 0, cells[:2])
        sheet.write_datetime(n, 2, date(y, m, d), day)
        sheet.write_row(n, 3, cells[3:5])
        sheet.write_row(n, 5, [float(c.replace(",", "")) for c in cells[5:]])
    book.close()


def _json_documents(invoices: bytes) -> bytes:
    """The same invoices as a JSON array of API-shaped documents (with their numbers)."""
    documents_, names = [], Names()
    for group in _groups(invoices, "invoices")[1]:
        first = group.rows[0].cells
        documents_.append({"number": first[0], "customer_id": names.customer(first[1]),
                           "issue_date": "-".join(reversed(first[2].split("/"))), "reference": first[3],
                           "lines": [{"description": r.cells[4], "quantity": r.cells[5],
                                      "unit_price": r.cells[6].replace(",", ""), "vat_rate": r.cells[7]}
                                     for r in group.rows]})
    return json.dumps(documents_, indent=1).encode()


def _groups(data: bytes, kind: str):
    found = records(io.BytesIO(data), "utf-8")
    columns = map_header(kind, next(found).cells)
    number_at = [c.target for c in columns.columns].index("number")
    return columns, grouped(found, lambda r: r.cells[number_at], lambda r: not any(r.cells))


def _csv_path(kind: str, data: bytes) -> None:
    columns, groups = _groups(data, kind)
    _validate_groups(kind, columns, groups)


def _validate_groups(kind, columns, groups) -> None:
    names = Names()
    for group in groups:
        assert isinstance(group, Group)
        try:
            from_rows(kind, columns, group.rows, names)
        except Rejected as rejected:
            raise AssertionError(rejected.problems)


def _xlsx_path(workbook: Path) -> None:
    """The planner's conversion (sheet rows to CSV rows with their row numbers), then the chunks' path."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    rows = sheet_rows(str(workbook))
    header = next(rows)
    for row in rows:
        writer.writerow([row.number, row.error or "", *row.cells])
    columns = map_header("invoices", header.cells)
    number_at = [c.target for c in columns.columns].index("number")
    converted = (_sheet_row(r) for r in records(io.BytesIO(out.getvalue().encode()), "utf-8"))
    _validate_groups("invoices", columns,
                     grouped(converted, lambda r: r.cells[number_at], lambda r: not any(r.cells)))


def _json_path(data: bytes) -> None:
    """The planner's cut into JSON lines, then each document read and validated as a chunk does."""
    lines = "".join(f"{e.line}\t{e.text}\n" for e in elements([data.decode()])).encode()
    for record in documents(io.BytesIO(lines)):
        try:
            from_json("invoices", record.cells, record.line)
        except Rejected as rejected:
            raise AssertionError(rejected.problems)


def _csv_reader(data: bytes) -> None:
    for _ in csv.reader(io.StringIO(data.decode("utf-8"))):
        pass


def _expat_floor(workbook: Path, handlers: bool) -> None:
    """The sheet unzipped and parsed, with or without a Python call per element and text (what any
    reader of XLSX on expat pays at least)."""
    with zipfile.ZipFile(workbook) as archive, archive.open("xl/worksheets/sheet1.xml") as sheet:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        if handlers:
            parser.StartElementHandler = lambda name, attrs: None
            parser.EndElementHandler = parser.CharacterDataHandler = lambda name: None
        for block in iter(lambda: sheet.read(1 << 16), b""):
            parser.Parse(block, False)
        parser.Parse(b"", True)


def _median(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.process_time()
        run()
        times.append(time.process_time() - started)
    return statistics.median(times)


def _profile(run) -> None:
    profile = cProfile.Profile(time.process_time)
    profile.runcall(run)
    stats = pstats.Stats(profile)
    total = stats.total_tt
    print(f"profile of the CSV invoices path (cProfile, CPU, {total:.2f} s with its overhead), top by own time:")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    for (filename, line, function), (_, calls, own, cumulative, _) in rows:
        where = f"{Path(filename).name}:{line}" if line else filename
        print(f"  {own / total:5.1%} own {cumulative / total:5.1%} cum {calls:8d} calls  {function} ({where})")


if __name__ == "__main__":
    main()
