"""Cells of exported spreadsheets and CSV files.

A text cell that a spreadsheet would read as a formula (CSV injection, OWASP)
is prefixed with a single quote, which spreadsheets show as plain text. Only
text goes through here: amounts are numbers, and "-12.50" must stay a number.
"""
from typing import Any

# What Excel, LibreOffice and Google Sheets take as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> str:
    """The text of a cell, never read as a formula; None is an empty cell."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
