"""A document's rows read cell by cell, with what is fixed per column worked out once per file.

The plan of a header (ColumnPlan) says, for each position, where its value
goes and which reader reads it (cells.column_reader, which keeps the last
cell's answer: a document's own cells repeat on each of its rows). Rows then
become values by target ("lines.quantity": "2"), the document's own values
(the first row gives each; later rows may repeat it or leave it blank), and
the problems found on the way, each as (line, column, message).
"""
from typing import Any, Callable, Dict, List, NamedTuple, Optional, Tuple

from .cells import CellError, column_reader
from .kinds import ColumnMap

LINE_PREFIX = "lines."
Found = Tuple[int, Optional[str], str]  # (line, the file's header or None, message)


class Step(NamedTuple):
    target: str
    read: Callable[[str], Any]
    header: str


class ColumnPlan(NamedTuple):
    steps: List[Optional[Step]]  # per position; None: no header (a value there is refused)
    document_targets: frozenset  # targets of the document's own cells (not of its lines)
    header_of: Dict[str, str]  # the file's header of each target


_IGNORED = Step("", str, "")  # a column we accept and ignore
_PLANS: Dict[int, Tuple[ColumnMap, ColumnPlan]] = {}  # by id of the ColumnMap (which it keeps alive)


def plan_of(columns: ColumnMap) -> ColumnPlan:
    """The plan of a file's header, made on the file's first document."""
    known = _PLANS.get(id(columns))
    if known is not None and known[0] is columns:
        return known[1]
    steps: List[Optional[Step]] = []
    for i, column in enumerate(columns.columns):
        if column is None:
            steps.append(None)
        elif column.target is None:
            steps.append(_IGNORED)
        else:
            steps.append(Step(column.target, column_reader(column.cell), columns.headers[i]))
    targets = [step.target for step in steps if step and step.target]
    plan = ColumnPlan(steps, frozenset(t for t in targets if not t.startswith(LINE_PREFIX)),
                      {t: columns.header_of(t) for t in targets})
    if len(_PLANS) >= 32:
        _PLANS.clear()
    _PLANS[id(columns)] = (columns, plan)
    return plan


def read_rows(columns: ColumnMap, rows: List[Any], defaults: Dict[str, Any]
              ) -> Tuple[List[Dict[str, Any]], Dict[str, Any], List[Found]]:
    """Each row's values (after `defaults`), the document's own values, and the problems: every
    cell's in row order, then each document cell that differs from the row that gave it."""
    plan, found = plan_of(columns), []
    values = [{**defaults, **_read_row(plan, row, found)} if defaults else _read_row(plan, row, found)
              for row in rows]
    return values, _document_values(plan, rows, values, found), found


def _read_row(plan: ColumnPlan, row: Any, found: List[Found]) -> Dict[str, Any]:
    values = {}
    steps, width = plan.steps, len(plan.steps)
    for i, text in enumerate(row.cells):
        if not text:
            continue
        step = steps[i] if i < width else None
        if step is None:
            found.append((row.line, None, f"column {i + 1} holds a value but has no header"))
        else:
            target, read, header = step
            if target:
                try:
                    values[target] = read(text)
                except CellError as error:
                    found.append((row.line, header, str(error)))
    return values


def _document_values(plan: ColumnPlan, rows: List[Any], values: List[Dict[str, Any]],
                     found: List[Found]) -> Dict[str, Any]:
    document, first = {}, {}
    targets = plan.document_targets
    for row, row_values in zip(rows, values):
        for target, value in row_values.items():
            if target not in targets:
                continue
            if target not in document:
                document[target], first[target] = value, row.line
            elif document[target] != value:
                found.append((row.line, plan.header_of[target],
                              f"differs from line {first[target]} of the same document"))
    return document
