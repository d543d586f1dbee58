"""What a file is: its name says CSV (optionally gzip-compressed, .csv.gz), XLSX or JSON; its first
bytes (a .gz file's once decompressed) must agree."""
from typing import Optional

CSV, XLSX, JSON = "csv", "xlsx", "json"
_EXTENSIONS = {".csv": CSV, ".csv.gz": CSV, ".xlsx": XLSX, ".json": JSON, ".jsonl": JSON}
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (an XLSX workbook?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel (.xls) or Word file"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)
_NAMES = {CSV: "CSV text", XLSX: "an XLSX workbook", JSON: "JSON text"}


def declared_format(name: str) -> Optional[str]:
    lowered = name.lower()
    return next((fmt for ext, fmt in _EXTENSIONS.items() if lowered.endswith(ext)), None)


def compressed(name: str) -> bool:
    return name.lower().endswith(".gz")


def content_problem(fmt: str, head: bytes) -> Optional[str]:
    """Why the first bytes of a file named as `fmt` show it is something else, or None."""
    if not head.strip():
        return "is empty"
    found = next((what for signature, what in _SIGNATURES if head.startswith(signature)), None)
    if fmt == XLSX:
        if found and found.startswith("a ZIP"):
            return None
        return f"is {found or 'not a ZIP archive'}, not {_NAMES[XLSX]}" + (
            "; save it as .xlsx or CSV (UTF-8)" if found and ".xls" in found else "")
    if found:
        hint = "; save it as UTF-8" if "UTF-16" in found else (
            "; name it .xlsx" if found.startswith("a ZIP") else "")
        return f"is {found}, not {_NAMES[fmt]}{hint}"
    if b"\x00" in head:
        return f"holds binary data, not {_NAMES[fmt]}"
    if fmt == CSV and b"\r" in head and b"\n" not in head:
        return "ends its lines with CR only (old Mac style); save it with Windows or Unix line ends"
    return None
