"""Gapless document numbers.

A series item holds the last number given in each period ("all", or a year for
series that restart yearly). Issuing reads it, and writes it back with the next
number in the same transaction as the document, conditioned on the version it
read: the number exists only if the document was issued, and two writers can
never take the same one (the loser retries with a fresh read).
"""
from typing import Optional

from ..domain.errors import ConcurrentUpdate
from . import keys
from .models import SeriesItem
from .unit_of_work import Writes

SK = "SERIES"


def series_key(tenant_id: str, series: str):
    return keys.series_pk(tenant_id, series), SK


def take_next(writes: Writes, tenant_id: str, series: str, period: str,
              current: Optional[SeriesItem]) -> int:
    """Add the series write to `writes`; return the number it gives."""
    item = current or SeriesItem(*series_key(tenant_id, series), last={})
    sequence = int(item.last.get(period, 0)) + 1
    item.last = {**item.last, period: sequence}
    writes.put(item, on_fail=ConcurrentUpdate("Another document took the next number; try again"))
    return sequence


def advance_past(writes: Writes, tenant_id: str, series: str, period: str, sequence: int,
                 current: Optional[SeriesItem]) -> None:
    """Move the series' last number up to `sequence` (a number given from elsewhere) if it is behind."""
    item = current or SeriesItem(*series_key(tenant_id, series), last={})
    if int(item.last.get(period, 0)) >= sequence:
        return
    item.last = {**item.last, period: sequence}
    writes.put(item, on_fail=ConcurrentUpdate("Another document took the next number; try again"))
