"""The limit of lines a document may have is written once, as domain.documents.MAX_LINES: the API's
schemas (lines, and credit notes' line positions) and the bulk imports take it from there."""
import re
from pathlib import Path

import chalicelib
from chalicelib.api import credit_notes, invoices, recurring
from chalicelib.domain.documents import MAX_LINES
from chalicelib.imports import grouping

# Where the limit is used; the limit (or the last line's position) written there again is a copy.
USERS = ("api/invoices.py", "api/credit_notes.py", "imports/grouping.py")
COPIES = re.compile(rf"(?:max_items|maximum)\s*=\s*(?:{MAX_LINES}|{MAX_LINES - 1})\b|MAX_LINES\s*=\s*\d")


def test_every_user_of_the_line_limit_takes_it_from_the_one_constant():
    root = Path(chalicelib.__file__).parent
    copies = {path: COPIES.findall((root / path).read_text()) for path in USERS}
    assert copies == {path: [] for path in USERS}


def test_the_schemas_and_imports_hold_documents_to_that_limit():
    assert invoices.lines_of(invoices.LINE).max_items == MAX_LINES
    assert recurring.TEMPLATE.fields["lines"].max_items == MAX_LINES
    for body in (credit_notes.FROM_INVOICE, credit_notes.SPLIT):
        positions = body.fields["lines"]
        assert positions.max_items == MAX_LINES and positions.item.maximum == MAX_LINES - 1  # counted from 0
    assert grouping.MAX_LINES == MAX_LINES
