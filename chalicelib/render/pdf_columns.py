"""A table's column widths from what the table holds, so that nothing that must stay whole runs
into its neighbour (a long amount in a currency shown by its code, say).

The table keeps the total width its columns were given. Every column is at least as wide as
its title, and a column that never wraps (amounts, dates, flags) as its widest cell; emphasised
rows (totals) are never wrapped either. The columns that wrap share the rest: each at least its
longest word, then, smallest shortfall first, all its widest line needs while the room lasts, so
that as few as possible wrap; what is left goes by the given widths. When even the least does
not fit, the type gets smaller, down to SMALLEST_SIZE.
"""
from typing import Callable, List, Sequence, Tuple

SMALLEST_SIZE = 5.5  # points


def fitted(pdf, columns: Sequence, rows: Sequence[Sequence[str]], emphasis: Callable[[int], bool], size: float,
           set_widths_are_minimums: bool) -> Tuple[List, float]:
    """(the columns with their widths, the type size) for `rows` printed in `size` points (bold
    where `emphasis`) under titles half a point smaller. `set_widths_are_minimums`: a column that
    never wraps keeps at least its given width (a document's fixed layout); otherwise the given
    widths only weigh how the wrapping columns share the room (a list sized to its content)."""
    total = sum(column.width for column in columns)
    widest, least = _measured(pdf, columns, rows, emphasis, size)
    wrapping = [i for i, column in enumerate(columns) if column.wraps]
    shrink = 1.0
    while True:
        widths, least_widths = _at_scale(pdf, columns, widest, least, shrink, set_widths_are_minimums)
        fixed = sum(widths[i] for i in range(len(columns)) if i not in wrapping)
        if fixed + sum(least_widths[i] for i in wrapping) <= total or size * shrink <= SMALLEST_SIZE:
            break
        shrink = max(SMALLEST_SIZE / size, shrink * 0.95)
    shared = _shared(total - fixed, [widths[i] for i in wrapping], [least_widths[i] for i in wrapping],
                     [columns[i].width for i in wrapping])
    for i, width in zip(wrapping, shared):
        widths[i] = width
    return [column._replace(width=width) for column, width in zip(columns, widths)], size * shrink


def _at_scale(pdf, columns, widest, least, shrink: float, set_widths_are_minimums: bool):
    """(widths, least widths) with padding, for the type `shrink` times its size."""
    pad = 2 * pdf.c_margin + 1
    widths = [w * shrink + pad for w in widest]
    if set_widths_are_minimums:
        widths = [width if column.wraps else max(width, column.width) for column, width in zip(columns, widths)]
    return widths, [w * shrink + pad for w in least]


def _measured(pdf, columns: Sequence, rows, emphasis, size: float) -> Tuple[List[float], List[float]]:
    """Per column, in `size` points and without padding: its widest line, and the least it can
    take (its title, emphasised cells and, unless it wraps, every line whole; else its longest word)."""
    pdf.style(size - 0.5, bold=True)
    widest = [pdf.text_width(column.title) for column in columns]
    least = list(widest)
    for bold in (False, True):
        pdf.style(size, bold=bold)
        for row in (row for index, row in enumerate(rows) if emphasis(index) == bold):
            for i, cell in enumerate(row):
                for line in cell.split("\n") if cell else ():
                    width = pdf.text_width(line)
                    widest[i] = max(widest[i], width)
                    if width > least[i]:
                        least[i] = width if bold or not columns[i].wraps else max(
                            least[i], *(pdf.text_width(word) for word in line.split()))
    return widest, least


def _shared(room: float, needed: Sequence[float], least: Sequence[float], weights: Sequence[float]) -> List[float]:
    """`room` across the wrapping columns: each its `least`; then, smallest shortfall first, what
    its widest line `needed` while the room lasts; the room left goes by `weights` to the columns
    still short, or to all if none is."""
    widths = list(least)
    room -= sum(least)
    short = sorted((i for i in range(len(needed)) if needed[i] > least[i]), key=lambda i: needed[i] - least[i])
    while short and needed[short[0]] - widths[short[0]] <= room:
        i = short.pop(0)
        room -= needed[i] - widths[i]
        widths[i] = needed[i]
    sharing = short or range(len(needed))
    weight = sum(weights[i] for i in sharing)
    for i in sharing:
        widths[i] += max(room, 0) * weights[i] / weight
    return widths
