"""Domestic reverse charge: the invoice charges no VAT but states the VAT the customer accounts
for (HMRC VATREVCON37100), at the line's rate, never payable. Figures worked by hand."""
import csv
import io
from io import BytesIO

from pypdf import PdfReader

from chalicelib.domain.pricing import Policy
from chalicelib.render.accounting import FORMATS
from chalicelib.render.document_pdf import render_document_pdf
from tests.support import accounting
from tests.support.ubl_documents import EU_CUSTOMER, line, presented, texts, valid_ubl

BUILD = line("Groundworks", "1", "1000.00", "reverse_charge", "20")
TOOLS = line("Tool hire", "1", "50.00")


def test_the_customers_vat_is_stated_and_not_payable():
    shown = presented([BUILD, TOOLS], customer=EU_CUSTOMER)
    assert [(l["vat"], l.get("reverse_charge_vat")) for l in shown["lines"]] == [("0.00", "200.00"), ("10.00", None)]
    totals = shown["totals"]
    assert (totals["net"], totals["vat"], totals["gross"], totals["reverse_charge_vat"]) == (
        "1050.00", "10.00", "1060.00", "200.00")
    assert totals["rates"][0] == {"vat_category": "reverse_charge", "vat_rate": "20", "net": "1000.00",
                                  "vat": "0.00", "gross": "1000.00", "reverse_charge_vat": "200.00"}


def test_it_is_rounded_as_the_documents_vat_and_ignores_tax_inclusive_entry():
    # Three lines of 0.33 at 20%, line level, down: 0.066 each to 0.1p, 0.198 -> 0.19 (Notice 700 17.5).
    lines = [line("x", "1", "0.33", "reverse_charge", "20")] * 3
    shown = presented(lines, customer=EU_CUSTOMER, policy=Policy("line", "down", prices_include_vat=True))
    assert (shown["totals"]["gross"], shown["totals"]["reverse_charge_vat"]) == ("0.99", "0.19")


def test_a_reverse_charge_line_without_a_rate_states_none():
    shown = presented([line("Groundworks", "1", "1000.00", "reverse_charge")], customer=EU_CUSTOMER)
    assert "reverse_charge_vat" not in shown["totals"] and "reverse_charge_vat" not in shown["lines"][0]


def test_the_pdf_states_it():
    shown = presented([BUILD, TOOLS], customer=EU_CUSTOMER)
    text = " ".join(PdfReader(BytesIO(render_document_pdf(shown, "INVOICE"))).pages[0].extract_text().split())
    assert "VAT for the customer to account for: £200.00 (20% of £1,000.00); not payable to us." in text


def test_the_e_invoice_keeps_en_16931s_zero_rate_for_reverse_charge():
    root = valid_ubl(presented([BUILD, TOOLS], customer=EU_CUSTOMER))
    assert texts(root, "cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent") == ["0", "20"]
    assert texts(root, "cac:TaxTotal/cbc:TaxAmount") == ["10.00"]


def test_clear_books_leaves_a_reverse_charged_lines_vat_at_zero_in_pounds():
    # Three clips of 0.15 at 20%: VAT 0.09 (0.03 a line), 0.045 -> 0.05 in pounds at 0.5, each line's
    # 0.015 -> 0.02, so the last clip takes the rounding: 0.01. The reverse-charged line after them
    # states 20% but charges nothing, so it takes none of it.
    clip = accounting.line("Clip", "1", "0.15")
    euro = accounting.document("INV-0001", [clip] * 3 + [
        accounting.line("Groundworks", "1", "1000.00", "reverse_charge", "20")], currency="EUR", exchange_rate="0.5")
    out = io.StringIO()
    FORMATS["clearbooks"].write([euro], {}, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["Multi-currency VAT amount"] for r in rows] == ["0.02", "0.02", "0.01", "0.00"]
