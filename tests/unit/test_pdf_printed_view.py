"""The name of a document's PDF changes with what the PDF prints, and with nothing else."""
import copy
import json
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from chalicelib.render.document_pdf import render_document_pdf
from chalicelib.render.document_printed import pdf_fingerprint

SAMPLE = json.loads((Path(__file__).parent / "sample_invoice.json").read_text())
LOGO = "a" * 64


def changed(path, value):
    document = copy.deepcopy(SAMPLE)
    *parents, name = path
    target = document
    for part in parents:
        target = target[part]
    target[name] = value
    return document


@pytest.mark.parametrize("path, value", [
    (("version",), 9), (("updated_at",), "2026-12-01T10:00:00Z"), (("sent_at",), "2026-12-01T10:00:00Z"),
    (("last_emailed",), {"at": "2026-12-01T10:00:00Z", "to": ["ap@acme.example"], "message_id": "m1"}),
    (("reminders",), [{"at": "2026-12-20T09:00:00Z", "level": 1}]), (("status",), "sent"), (("status",), "paid"),
    (("overdue",), True), (("customer", "emails"), ["new@acme.example"]), (("rounding", "mode"), "half_even"),
])
def test_what_the_pdf_does_not_print_keeps_its_name(path, value):
    assert pdf_fingerprint(changed(path, value), "INVOICE", LOGO) == pdf_fingerprint(SAMPLE, "INVOICE", LOGO)


@pytest.mark.parametrize("path, value, shown", [
    (("number",), "INV-0099", "INV-0099"), (("amount_paid",), "10.00", "£10.00"),
    (("lines", 0, "description"), "Advice", "Advice"), (("customer", "name"), "Acme Holdings", "Acme Holdings"),
    (("supplier", "vat_number"), "GB111222333", "GB111222333"), (("status",), "void", "VOID"),
    (("notes",), "Thank you", "Thank you"), (("due_date",), "2027-01-31", "31 Jan 2027"),
    (("lines", 0, "period"), {"start": "2026-03-01", "end": "2026-03-31"}, "1 Mar 2026 – 31 Mar 2026"),
])
def test_what_the_pdf_prints_changes_its_name(path, value, shown):
    document = changed(path, value)
    assert pdf_fingerprint(document, "INVOICE", LOGO) != pdf_fingerprint(SAMPLE, "INVOICE", LOGO)
    printed = PdfReader(BytesIO(render_document_pdf(document, "INVOICE"))).pages[0].extract_text()
    assert shown in printed


def test_the_logo_and_the_kind_change_its_name():
    assert pdf_fingerprint(SAMPLE, "INVOICE", "b" * 64) != pdf_fingerprint(SAMPLE, "INVOICE", LOGO)
    assert pdf_fingerprint(SAMPLE, "INVOICE", None) != pdf_fingerprint(SAMPLE, "INVOICE", LOGO)
    assert pdf_fingerprint(SAMPLE, "ESTIMATE", LOGO) != pdf_fingerprint(SAMPLE, "INVOICE", LOGO)
