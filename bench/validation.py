"""Validation code: ours (chalicelib/api/schema.py) beside pydantic v2 and msgspec, on the invoice
create body (api/invoices.py), its rules written for each library in bench/rivals/.

In one run it prints: the import time of each (fresh processes, median); validation throughput
on the bodies the bulk upload builds from upload.py's generated CSV (valid, and with errors),
as Python objects (the upload path) and as JSON bytes (the API path), beside the upload path
itself with and without validation; the error detail each gives, and its answers to issue 12's
hostile bodies; how well each one's generated JSON Schema agrees with its own validator on probe
bodies (bench/rivals/probes.py); lines of code; and profiles of our parse and of the rest of the
upload path on the same input. No DynamoDB: customer names are looked up in memory.

    python bench/validation.py [--invoices 400] [--lines 20] [--repeats 5]
"""
import argparse
import copy
import cProfile
import csv
import io
import json
import os
import pstats
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import upload  # the bulk-upload bench: its CSV generator (importing it sets the bench environment)

import jsonschema  # noqa: E402
import msgspec  # noqa: E402
import pydantic  # noqa: E402
from chalicelib.api import schema as ours  # noqa: E402
from chalicelib.api.invoices import INVOICE_BODY  # noqa: E402
from chalicelib.imports import bodies  # noqa: E402
from chalicelib.imports.bodies import from_rows  # noqa: E402
from chalicelib.imports.cells import CellError  # noqa: E402
from chalicelib.imports.csv_source import records  # noqa: E402
from chalicelib.imports.grouping import grouped  # noqa: E402
from chalicelib.imports.kinds import map_header  # noqa: E402
from rivals import msgspec_invoice, pydantic_invoice, pydantic_native  # noqa: E402
from rivals.probes import PROBES  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
IMPORT_RUNS = 7


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=400)
    parser.add_argument("--lines", type=int, default=20, help="lines (rows) per invoice")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print_import_times()
    data = _generated_csv(args.invoices, args.lines)
    valid, pipeline = _bodies_and_pipeline(data, args.repeats)
    invalid = [_with_errors(body) for body in valid]
    rows = sum(len(body["lines"]) for body in valid)
    print(f"\ninput: upload.py's CSV, {len(valid)} invoices of {args.lines} lines = {rows} rows, "
          f"{len(data) / 1e6:.2f} MB; medians of {args.repeats} runs")
    print_pipeline(pipeline, len(data))
    validation = print_throughput(valid, invalid, rows, len(data), args.repeats)
    print_projection(pipeline, validation, len(data))
    print_error_detail(invalid[0])
    print_hostile(valid[0])
    print_fidelity()
    print_lines_of_code()
    print_profile("our parse over the valid bodies", lambda: [ours_object(body) for body in valid])
    print_profile("the upload path without validation", lambda: _upload_path(data, _Recorder(parse=False)))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


# --- the three validators, each: Python object or JSON bytes -> (clean value, [(path, message)]) ---

def ours_object(body):
    problems = ours.Problems()
    clean = INVOICE_BODY.parse(body, "", problems)
    return clean, problems.items


def ours_json(raw: bytes):
    # As routing.py reads a body: every number exactly, as Decimal.
    return ours_object(json.loads(raw, parse_float=Decimal, parse_int=Decimal))


def pydantic_object(body):
    try:
        return pydantic_invoice.Invoice.model_validate(body), []
    except pydantic.ValidationError as error:
        return None, _pydantic_problems(error)


def pydantic_json(raw: bytes):
    try:
        return pydantic_invoice.Invoice.model_validate_json(raw), []
    except pydantic.ValidationError as error:
        return None, _pydantic_problems(error)


def native_object(body):
    try:
        return pydantic_native.Invoice.model_validate(body), []
    except pydantic.ValidationError as error:
        return None, _pydantic_problems(error)


def native_json(raw: bytes):
    try:
        return pydantic_native.Invoice.model_validate_json(raw), []
    except pydantic.ValidationError as error:
        return None, _pydantic_problems(error)


def _pydantic_problems(error):
    return [("".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in e["loc"]).lstrip("."), e["msg"])
            for e in error.errors(include_url=False)]


def msgspec_object(body):
    try:
        return msgspec.convert(body, msgspec_invoice.Invoice), []
    except msgspec.ValidationError as error:
        return None, [_msgspec_problem(str(error))]


_MSGSPEC_DECODER = msgspec.json.Decoder(msgspec_invoice.Invoice)


def msgspec_json(raw: bytes):
    try:
        return _MSGSPEC_DECODER.decode(raw), []
    except msgspec.ValidationError as error:
        return None, [_msgspec_problem(str(error))]
    except msgspec.DecodeError as error:  # not JSON (a route answers it as such)
        return None, [("", f"invalid JSON: {error}")]


def _msgspec_problem(text: str):
    message, _, path = text.rpartition(" - at `$")
    return (path.rstrip("`").lstrip("."), message) if message else ("", text)


VALIDATORS = {"ours": (ours_object, ours_json), "pydantic": (pydantic_object, pydantic_json),
              "msgspec": (msgspec_object, msgspec_json)}
# Speed only: pydantic with its own types, which do not keep our rules (rivals/pydantic_native.py).
NATIVE = {"pydantic-native": (native_object, native_json)}


# --- input: the bodies the bulk upload hands the schema ---

def _generated_csv(invoices: int, lines: int) -> bytes:
    out = io.BytesIO()
    out.write(upload.HEADER.encode())
    for number in range(1, invoices + 1):
        out.write(upload._invoice_rows(number, lines).encode())
    return out.getvalue()


class _Names:
    """Lookups without a table: every customer name is known."""

    def __init__(self):
        self.ids = {}

    def customer(self, text: str) -> str:
        return self.ids.setdefault(text, f"cus_{len(self.ids):06d}")

    def product(self, code: str) -> str:
        raise CellError("no products in this bench")

    invoice = product


class _Recorder:
    """Stands in for INVOICE_BODY in the upload path: keeps each body, then parses it (or not)."""

    def __init__(self, parse: bool):
        self.bodies, self.parse_too = [], parse

    def parse(self, body, path, problems):
        self.bodies.append(body)
        return INVOICE_BODY.parse(body, path, problems) if self.parse_too else body


def _upload_path(data: bytes, recorder: _Recorder) -> float:
    """Seconds for upload.py's parse + validate (reader, grouping, from_rows) over `data`."""
    saved = bodies.SCHEMAS[bodies.INVOICES]
    bodies.SCHEMAS[bodies.INVOICES] = recorder
    try:
        started = time.process_time()
        found = records(io.BytesIO(data), "utf-8")
        columns = map_header("invoices", next(found).cells)
        number_at, names = [c.target for c in columns.columns].index("number"), _Names()
        for group in grouped(found, lambda r: r.cells[number_at], lambda r: not any(r.cells)):
            from_rows("invoices", columns, group.rows, names)
        return time.process_time() - started
    finally:
        bodies.SCHEMAS[bodies.INVOICES] = saved


def _csv_reader_seconds(data: bytes) -> float:
    started = time.process_time()
    for _ in csv.reader(io.StringIO(data.decode("utf-8"))):
        pass
    return time.process_time() - started


def _bodies_and_pipeline(data: bytes, repeats: int):
    """The bodies from_rows builds, and medians of the upload path with our schema, without any
    schema, and of csv.reader over the same bytes."""
    recorder = _Recorder(parse=True)
    _upload_path(data, recorder)
    with_ours = statistics.median(_upload_path(data, _Recorder(parse=True)) for _ in range(repeats))
    without = statistics.median(_upload_path(data, _Recorder(parse=False)) for _ in range(repeats))
    reader = statistics.median(_csv_reader_seconds(data) for _ in range(repeats))
    return recorder.bodies, {"with ours": with_ours, "no validation": without, "csv.reader": reader}


def _with_errors(body):
    """Three refusals a spreadsheet typically holds: a zero quantity, a price with five places,
    a description over 1,000 characters."""
    body = copy.deepcopy(body)
    lines = body["lines"]
    lines[1 % len(lines)]["quantity"] = "0"
    lines[4 % len(lines)]["unit_price"] = "12.34567"
    lines[7 % len(lines)]["description"] = "x" * 1001
    return body


# --- figures ---

def print_import_times() -> None:
    """Each statement timed (as a whole) inside a fresh process that already holds chalice and the
    domain modules all three use (as the API's Lambda does), so only the validation code counts.
    CPU time of the process: on this shared machine wall time mostly measures the other agents."""
    statements = [("ours: api/schema.py", "import chalicelib.api.schema"),
                  ("ours: api/schema.py and api/fields.py", "import chalicelib.api.fields"),
                  ("ours: api/invoices.py (with its routes)", "import chalicelib.api.invoices"),
                  ("pydantic: BaseModel", "from pydantic import BaseModel"),
                  ("pydantic: BaseModel and the invoice model", "import rivals.pydantic_invoice"),
                  ("pydantic: BaseModel and the native-types model", "import rivals.pydantic_native"),
                  ("msgspec", "import msgspec"),
                  ("msgspec and the invoice structs", "import rivals.msgspec_invoice")]
    # Once first, so that every module has its bytecode written and is in the file cache.
    _import_seconds("import chalicelib.api.invoices, rivals.pydantic_invoice, rivals.pydantic_native, "
                    "rivals.msgspec_invoice")
    print(f"import time, CPU ms (median of {IMPORT_RUNS} fresh processes; CPU time, not wall time, as the "
          "shared machine is loaded):")
    for label, statement in statements:
        print(f"  {label:48s} {_import_seconds(statement) * 1000:7.1f}")


def _import_seconds(statement: str) -> float:
    program = (f"import sys, time; sys.path[:0] = [{str(ROOT)!r}, {str(BENCH)!r}]; import chalice; "
               "import chalicelib.domain.currencies, chalicelib.domain.vat; "
               f"started = time.process_time(); {statement}; print(time.process_time() - started)")
    runs = [float(subprocess.run([sys.executable, "-c", program], cwd=ROOT, check=True, capture_output=True,
                                 text=True).stdout) for _ in range(IMPORT_RUNS)]
    return statistics.median(runs)


def print_pipeline(pipeline, size: int) -> None:
    print("upload path (upload.py's parse + validate: reader, grouping, from_rows), MB/s of CSV:")
    for label, seconds in pipeline.items():
        print(f"  {label:14s} {seconds:6.3f} s  {size / 1e6 / seconds:6.2f} MB/s")
    share = 1 - pipeline["no validation"] / pipeline["with ours"]
    print(f"  our validation's share of the upload path: {share:.0%}")


def _median_seconds(validate, inputs, repeats: int) -> float:
    def once():
        started = time.process_time()
        for item in inputs:
            validate(item)
        return time.process_time() - started
    return statistics.median(once() for _ in range(repeats))


def print_throughput(valid, invalid, rows: int, csv_size: int, repeats: int):
    """Rows/s and MB/s per validator; returns the seconds each takes over the valid objects."""
    as_json = [json.dumps(b).encode() for b in valid], [json.dumps(b).encode() for b in invalid]
    inputs = {"objects (upload path), valid": (valid, csv_size),
              "objects (upload path), 3 errors each": (invalid, csv_size),
              "JSON (API path), valid": (as_json[0], sum(map(len, as_json[0]))),
              "JSON (API path), 3 errors each": (as_json[1], sum(map(len, as_json[1])))}
    print("validation alone (MB/s of the CSV for objects, of the JSON for JSON; x: speed over ours):")
    seconds_on_valid = {}
    for kind, (items, size) in inputs.items():
        print(f"  {kind}:")
        ours_seconds = None  # ours comes first
        for name, (of_object, of_json) in {**VALIDATORS, **NATIVE}.items():
            seconds = _median_seconds(of_json if kind.startswith("JSON") else of_object, items, repeats)
            ours_seconds = ours_seconds or seconds
            if kind == "objects (upload path), valid":
                seconds_on_valid[name] = seconds
            print(f"    {name:16s} {rows / seconds:9.0f} rows/s {size / 1e6 / seconds:7.2f} MB/s "
                  f"{ours_seconds / seconds:5.1f}x")
    return seconds_on_valid


def print_projection(pipeline, validation, size: int) -> None:
    rest = pipeline["no validation"]
    print("upload path projected with each validator (the path without validation + validation alone):")
    for name, seconds in validation.items():
        print(f"  {name:16s} {size / 1e6 / (rest + seconds):5.2f} MB/s")
    print(f"  no validation at all: {size / 1e6 / rest:.2f} MB/s; csv.reader alone: "
          f"{size / 1e6 / pipeline['csv.reader']:.1f} MB/s")


def print_error_detail(body) -> None:
    body = {**copy.deepcopy(body), "customer_id": None, "colour": "red"}
    print("error detail on one body (customer_id null, an unknown field, and the three line errors):")
    for name, (of_object, _) in VALIDATORS.items():
        _, problems = of_object(body)
        print(f"  {name}: {len(problems)} problem(s)")
        for path, message in problems:
            print(f"    {path or '(body)'}: {message[:90]}")


def print_hostile(body) -> None:
    """Bodies of issue 12 items 2 to 4, as JSON: how each validator answers, and how fast."""
    cases = {"payment_terms_days 1e200000": ("payment_terms_days", b"1e200000"),
             "unit_price 1e309": ("lines.unit_price", b"1e309"),
             "lone surrogate in reference": ("reference", b'"a\\ud800b"'),
             "1,000 nested lists in notes": ("notes", b"[" * 1000 + b"]" * 1000)}
    print("hostile bodies (JSON path; ours is json.loads with Decimal + parse, without routing.py's checks):")
    for label, (where, token) in cases.items():
        changed = copy.deepcopy(body)
        target = changed["lines"][0] if where.startswith("lines.") else changed
        target[where.split(".")[-1]] = "@HOSTILE@"
        raw = json.dumps(changed).encode().replace(b'"@HOSTILE@"', token)
        answers = []
        for name, (_, of_json) in VALIDATORS.items():
            started = time.process_time()
            try:
                problems = of_json(raw)[1]
                answer = f"{problems[0][0] or '(body)'}: {problems[0][1][:50]}" if problems else "ACCEPTED"
            except Exception as error:  # left to the route to answer
                answer = f"raises {type(error).__name__}"
            answers.append(f"{name:8s} {(time.process_time() - started) * 1000:6.1f} ms  {answer}")
        print(f"  {label}:\n    " + "\n    ".join(answers))


def print_fidelity() -> None:
    """Each library's own generated schema against its own validator, on the probe bodies: a
    schema is faithful where it accepts exactly what the validator accepts."""
    schemas = {"ours": INVOICE_BODY.openapi(), "pydantic": pydantic_invoice.Invoice.model_json_schema(),
               "msgspec": msgspec.json.schema(msgspec_invoice.Invoice)}
    print(f"OpenAPI / JSON Schema fidelity: {len(PROBES)} probe bodies, schema verdict vs validator verdict:")
    for name, schema in schemas.items():
        checker = jsonschema.Draft202012Validator(schema)
        validate_json = VALIDATORS[name][1]
        disagree = []
        for label, raw in PROBES:
            accepted = not validate_json(raw)[1]
            if accepted != checker.is_valid(json.loads(raw)):
                disagree.append(f"{label} ({'validator' if accepted else 'schema'} accepts)")
        print(f"  {name}: agrees on {len(PROBES) - len(disagree)}/{len(PROBES)}")
        for text in disagree:
            print(f"    differs: {text}")


def _code_lines(path: Path, start: str = "", end: str = "") -> int:
    """Lines that are neither blank, comments nor docstrings, between the markers if given."""
    source = path.read_text()
    if start:
        source = source[source.index(start):source.index(end, source.index(start))]
    lines, in_docstring = 0, False
    for line in (text.strip() for text in source.splitlines()):
        quotes = line.count('"""')
        if in_docstring or quotes:
            in_docstring = in_docstring != (quotes % 2 == 1)
            continue
        lines += bool(line) and not line.startswith("#")
    return lines


def print_lines_of_code() -> None:
    api = ROOT / "chalicelib" / "api"
    declarations = _code_lines(api / "invoices.py", "LINE = Object(", "\n\n\ndef list_query")
    print("lines of code (no blanks, comments or docstrings):")
    print(f"  ours: engine api/schema.py {_code_lines(api / 'schema.py')} (serves every body, query and "
          f"/openapi.json), invoice body declarations {declarations} (+3 shared in api/fields.py)")
    for name in ("pydantic_invoice", "msgspec_invoice", "pydantic_native"):
        print(f"  {name}: invoice body with its helpers {_code_lines(BENCH / 'rivals' / f'{name}.py')} "
              f"(bench/rivals/{name}.py)")


def print_profile(what: str, run) -> None:
    profile = cProfile.Profile()
    profile.runcall(run)
    stats = pstats.Stats(profile)
    total = stats.total_tt
    print(f"profile of {what} (cProfile, {total:.2f} s with its overhead), top by own time:")
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:12]
    for (filename, line, function), (_, calls, own, cumulative, _) in rows:
        where = f"{Path(filename).name}:{line}" if line else filename
        print(f"  {own / total:5.1%} own {cumulative / total:5.1%} cum {calls:8d} calls  {function} ({where})")


if __name__ == "__main__":
    main()
