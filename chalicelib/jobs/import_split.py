"""Where a documents file's chunks begin, found when it arrives, so that they can run at once.

One pass over the file's rows (reading and grouping only: no lookups, no
writes) cuts it before a document every CHUNK_ROWS rows. A file is cut only if
the order in which its documents are made cannot change what any of them
becomes, so that parallel chunks give what one pass in file order gives:

- invoices that keep the file's own numbers (numbering "keep", what every
  dropped file and Xero or QuickBooks export has) and name existing customers
  ("customers": "match"), every document with a number, no number twice; and
  products, no code twice. A repeated number or code is reported against the
  first (the first line wins); an issued invoice without a number takes the
  series' next; either depends on what came before it.
- Not numbering "series": its documents take the series' next numbers in file
  order. Parallel chunks could keep that order only by reserving numbers ahead,
  and a reserved number whose document the services then refuse (its customer
  archived meanwhile, its number taken by another import) would be a gap.
- Not "customers": "create" (a new name's customer is made from the first
  line that names it), nor credit notes (each uses up what its invoice has
  left to credit), nor customers (account references: the first line wins).

Any other file is one chunk, worked in file order as before.
"""
from typing import Any, Dict, List, Optional, Tuple

from ..domain.uploads import INVOICES, PRODUCTS
from ..imports.csv_source import BrokenFile
from ..imports.grouping import Group, grouped
from . import import_chunks
from .import_documents import RowKeys
from .import_reports import rows_from

Ranges = List[List[int]]  # [byte, line] where each chunk starts


def ranges_of(kind: str, numbering: str, customers: str, info: Dict[str, Any], start: int, line: int) -> Ranges:
    whole = [[start, line]]
    if not (kind == PRODUCTS or (kind == INVOICES and numbering == "keep" and customers == "match")):
        return whole
    keys = RowKeys(kind, info)
    ranges, seen, rows = [[start, line]], set(), 0
    try:
        for entry in grouped(rows_from(info, start, line), keys.number_of, keys.is_blank):
            if not isinstance(entry, Group):
                continue
            key = _order_key(keys, entry)
            if key is None or key in seen:
                return whole
            seen.add(key)
            if rows >= import_chunks.CHUNK_ROWS:
                ranges.append([entry.start, entry.line])
                rows = 0
            rows += len(entry.rows) + len(entry.overflow)
    except BrokenFile:
        pass  # the chunk that reaches the break reports it; nothing after it is read
    return ranges


def _order_key(keys: RowKeys, group: Group) -> Optional[Tuple[str, str]]:
    """What must not repeat in a file cut into chunks; None: a document that must not be in one."""
    first = group.rows[0]
    if keys.kind == PRODUCTS:
        code = keys.code_of(first)
        return ("c", code) if code else ("l", str(group.line))
    number = keys.number_of(first)
    return ("n", number) if number else None
