"""The first sheet of an XLSX workbook, row by row, as text cells. Standard library only.

The archive is checked before anything is unpacked: a damaged or truncated
file, a password-protected one, or one whose declared sizes expand beyond
MAX_UNPACKED or compress better than MAX_RATIO (a zip bomb) is refused.
Python's zipfile never inflates a member past its declared size, so the
declaration bounds the work. The sheet is parsed as a stream (expat), so
memory holds the shared strings and one block of rows, never the sheet.

Values come out as the text a CSV of the sheet would hold: numbers as their
exact decimal text (at most 15 significant digits, as Excel shows them),
date-formatted numbers as ISO dates, formulas as their computed values.
"""
import re
import zipfile
import zlib
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Callable, Dict, Iterator, List, NamedTuple, Optional, Set, Tuple
from xml.parsers import expat

MAX_UNPACKED = 1 << 30  # bytes, all members together
MAX_RATIO = 100  # unpacked : packed, for any member over 1 MB
MAX_SHARED_STRINGS = 64 << 20  # unpacked bytes: they are held in memory
MAX_COLUMNS = 200
_BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))


class BadWorkbook(ValueError):
    """Why the file cannot be read as a workbook."""


class Row(NamedTuple):
    number: int  # the sheet's row number
    cells: List[str]
    error: Optional[str]  # a cell that cannot be taken as data (an error value, a DDE formula...)


def archive_problem(infos: List[zipfile.ZipInfo]) -> Optional[str]:
    """Why the archive must not be unpacked, judged from its declared sizes alone."""
    if any(info.flag_bits & 0x1 for info in infos):
        return "is password-protected; save it without a password"
    total = sum(info.file_size for info in infos)
    if total > MAX_UNPACKED:
        return (f"would unpack to {total / (1 << 30):.1f} GB (the limit is {MAX_UNPACKED >> 20} MB); "
                "refused as a possible zip bomb")
    for info in infos:
        if info.file_size > 1 << 20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            return (f"holds {info.filename} compressed {info.file_size // max(info.compress_size, 1)} to 1 "
                    f"(at most {MAX_RATIO} to 1 is accepted); refused as a possible zip bomb")
        if info.filename == "xl/sharedStrings.xml" and info.file_size > MAX_SHARED_STRINGS:
            return "has too much distinct text to read as XLSX; save it as CSV (UTF-8) instead"
    return None


def sheet_rows(path: str) -> Iterator[Row]:
    """Rows of the workbook's first sheet; raises BadWorkbook."""
    try:
        with zipfile.ZipFile(path) as archive:
            problem = archive_problem(archive.infolist())
            if problem:
                raise BadWorkbook(problem)
            sheet, date1904 = _first_sheet(archive)
            strings = _shared_strings(archive)
            dates = _date_styles(archive)
            with archive.open(sheet) as stream:
                yield from _rows(stream, strings, dates, date1904)
    except (zipfile.BadZipFile, zlib.error, EOFError, expat.ExpatError, KeyError, ValueError) as error:
        if isinstance(error, BadWorkbook):
            raise
        raise BadWorkbook(f"is damaged or incomplete (truncated?), so it cannot be read as XLSX ({error})") \
            from None


def _parse(stream, start: Callable = None, end: Callable = None, text: Callable = None) -> Iterator[None]:
    """Feed an XML stream to expat block by block (yielding after each). With namespace
    processing on, element names arrive as "<namespace uri> <local name>"; handlers
    look only at the part after the space, whatever prefix the file used."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if text:
        parser.CharacterDataHandler = text
    for block in iter(lambda: stream.read(1 << 16), b""):
        parser.Parse(block, False)
        yield
    parser.Parse(b"", True)


def _local(name: str) -> str:
    return name[name.rfind(" ") + 1:]


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main "
_LOCAL = {_MAIN + name: name for name in ("c", "v", "t", "f", "is", "row")}  # a sheet's usual names, looked up


def _walk(archive: zipfile.ZipFile, name: str, **handlers) -> None:
    with archive.open(name) as stream:
        for _ in _parse(stream, **handlers):
            pass


def _first_sheet(archive: zipfile.ZipFile) -> Tuple[str, bool]:
    found: Dict[str, str] = {}

    def workbook(name, attrs):
        name = _local(name)
        if name == "sheet" and "sheet" not in found:
            found["sheet"] = next(v for k, v in attrs.items() if _local(k) == "id")
        elif name == "workbookPr" and attrs.get("date1904") in ("1", "true"):
            found["date1904"] = "yes"

    _walk(archive, "xl/workbook.xml", start=workbook)
    targets: Dict[str, str] = {}
    _walk(archive, "xl/_rels/workbook.xml.rels",
          start=lambda name, attrs: targets.update({attrs["Id"]: attrs["Target"]})
          if _local(name) == "Relationship" else None)
    if "sheet" not in found:
        raise BadWorkbook("has no sheet")
    target = targets[found["sheet"]]
    return (target.lstrip("/") if target.startswith("/") else "xl/" + target), "date1904" in found


def _shared_strings(archive: zipfile.ZipFile) -> List[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: List[str] = []
    state = {"parts": None, "in_t": False, "phonetic": 0}

    def start(name, attrs):
        name = _local(name)
        if name == "si":
            state["parts"] = []
        elif name == "rPh":
            state["phonetic"] += 1
        elif name == "t" and not state["phonetic"]:
            state["in_t"] = True

    def end(name):
        name = _local(name)
        if name == "si":
            strings.append("".join(state["parts"]))
        elif name == "rPh":
            state["phonetic"] -= 1
        elif name == "t":
            state["in_t"] = False

    def text(data):
        if state["in_t"]:
            state["parts"].append(data)

    _walk(archive, "xl/sharedStrings.xml", start=start, end=end, text=text)
    return strings


def _date_styles(archive: zipfile.ZipFile) -> Set[int]:
    """Indexes of the cell styles whose number format shows a date or time."""
    if "xl/styles.xml" not in archive.namelist():
        return set()
    custom: Dict[int, str] = {}
    formats: List[int] = []
    depth = {"cellXfs": 0}

    def start(name, attrs):
        name = _local(name)
        if name == "numFmt":
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            depth["cellXfs"] += 1
        elif name == "xf" and depth["cellXfs"]:
            formats.append(int(attrs.get("numFmtId", 0)))

    def end(name):
        if _local(name) == "cellXfs":
            depth["cellXfs"] -= 1

    _walk(archive, "xl/styles.xml", start=start, end=end)
    return {i for i, fmt in enumerate(formats)
            if fmt in _BUILTIN_DATE_FORMATS or (fmt in custom and _is_date_format(custom[fmt]))}


def _is_date_format(code: str) -> bool:
    plain = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    return bool(re.search(r"[dmyhs]", plain, re.IGNORECASE))


def _rows(stream, strings: List[str], dates: Set[int], date1904: bool) -> Iterator[Row]:
    reader = _SheetReader(strings, {str(i) for i in dates}, date1904)
    for _ in _parse(stream, start=reader.start, end=reader.end, text=reader.text):
        yield from reader.done
        reader.done.clear()
    yield from reader.done


class _SheetReader:
    """expat handlers for a sheet; lean, since they run for every cell."""

    def __init__(self, strings: List[str], date_styles: Set[str], date1904: bool):
        self.strings, self.date_styles, self.date1904 = strings, date_styles, date1904
        self.done: List[Row] = []
        self.row: Optional[Tuple[int, Dict[int, str], List[str]]] = None
        self.cell: Optional[List] = None  # [column, type, style, value, formula]
        self.parts: Optional[List[str]] = None
        self.columns: Dict[str, int] = {}

    def start(self, name, attrs):
        name = _LOCAL.get(name) or _local(name)
        if name == "c":
            cells = self.row[1]
            reference = attrs.get("r")
            self.cell = [self._column(reference) if reference else (max(cells) + 1 if cells else 0),
                         attrs.get("t", "n"), attrs.get("s"), None, None]
        elif name in ("v", "t", "f"):
            self.parts = [] if self.cell is not None else None
        elif name == "row":
            self.row = (int(attrs.get("r", len(self.done) + 1)), {}, [])

    def text(self, data):
        if self.parts is not None:
            self.parts.append(data)

    def end(self, name):
        name = _LOCAL.get(name) or _local(name)
        if name in ("v", "t", "f"):
            if self.parts is not None:
                slot = 4 if name == "f" else 3
                self.cell[slot] = (self.cell[slot] or "") + "".join(self.parts)
                self.parts = None
        elif name == "c":
            self._keep(self.cell)
            self.cell = None
        elif name == "row":
            number, cells, errors = self.row
            width = max(cells) + 1 if cells else 0
            self.done.append(Row(number, [cells.get(i, "") for i in range(width)], errors[0] if errors else None))

    def _keep(self, cell: List) -> None:
        _, cells, errors = self.row
        value, error = _value(cell, self.strings, self.date_styles, self.date1904)
        if cell[0] < MAX_COLUMNS:
            cells[cell[0]] = value
        elif value and not error:
            error = f"has a value in column {cell[0] + 1}, past the last one read ({MAX_COLUMNS})"
        if error:
            errors.append(error)

    def _column(self, reference: str) -> int:
        letters = reference.rstrip("0123456789")
        index = self.columns.get(letters)
        if index is None:
            index = 0
            for char in letters:
                index = index * 26 + ord(char) - 64
            index = self.columns[letters] = index - 1
        return index


def _value(cell: List, strings: List[str], date_styles: Set[str], date1904: bool) -> Tuple[str, Optional[str]]:
    column, kind, style, raw, formula = cell
    if kind == "s" and raw is not None:
        return strings[int(raw)].strip(), None
    if kind == "n" and raw is not None and formula is None and style not in date_styles:
        return _number(raw), None
    where = f"column {column + 1}"
    if formula is not None and "|" in formula:
        return "", f"{where} holds a DDE formula (={formula[:20]}...); formulas are never imported"
    if kind == "e":
        return "", f"{where} holds the spreadsheet error {raw}"
    if raw is None:
        return "", (f"{where} holds a formula with no computed value; paste the values instead"
                    if formula is not None else None)
    if kind in ("str", "inlineStr"):
        return raw.strip(), None
    if kind == "b":
        return ("true" if raw == "1" else "false"), None
    if kind == "d":
        return _iso(datetime.fromisoformat(raw)), None
    if style in date_styles:
        return _iso(_from_serial(Decimal(raw), date1904)), None
    return _number(raw), None


_SHORT_NUMBER = re.compile(r"-?(?:[1-9][0-9]*(?:\.[0-9]*[1-9])?|0\.[0-9]*[1-9])")  # no needless zero


def _number(raw: str) -> str:
    if len(raw) - raw.startswith("-") - ("." in raw) <= 15 and _SHORT_NUMBER.fullmatch(raw):
        return raw  # as Excel shows it already: the usual cell, read without Decimal
    return _rounded_number(raw)


def _rounded_number(raw: str) -> str:
    value = Decimal(raw)
    if value == 0:
        return "0"
    value = value.quantize(Decimal(1).scaleb(value.adjusted() - 14))  # 15 significant digits, as Excel
    return format(value.normalize(), "f")


def _from_serial(serial: Decimal, date1904: bool) -> datetime:
    days = int(serial)
    if date1904:
        base = date(1904, 1, 1)
    else:
        base = date(1899, 12, 30) if days > 60 else date(1899, 12, 31)  # Excel's 29 February 1900
    seconds = round((serial - days) * 86400)
    return datetime.combine(base + timedelta(days=days), datetime.min.time()) + timedelta(seconds=seconds)


def _iso(moment: datetime) -> str:
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat()
