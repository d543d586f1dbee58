"""What a reader of an invoice, credit note or estimate PDF sees: read back with pypdf, each
piece of text with its font and place on the page (HMRC Notice 700 section 16, VAT Regulations
1995 reg. 14)."""
import copy
import json
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader

from chalicelib.render.document_pdf import render_document_pdf
from chalicelib.render.pdf_fonts import FONT_DIR

SAMPLE = json.loads((Path(__file__).parent / "sample_invoice.json").read_text())
PT = 72 / 25.4  # points per mm
PAYMENT_DETAILS = {"account_name": "Test Trading Ltd", "sort_code": "12-34-56", "account_number": "12345678"}


def sample(**changes):
    document = copy.deepcopy(SAMPLE)
    document.update(changes)
    return document


def runs(pdf: bytes):
    """[(page, text, font name, x mm, y mm from the top)] of every piece of text shown."""
    found = []
    for number, page in enumerate(PdfReader(BytesIO(pdf)).pages, start=1):
        height = float(page.mediabox.height)

        def visit(text, cm, tm, font, size, number=number, height=height):
            if text.strip():
                x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
                found.append((number, text.strip(), str((font or {}).get("/BaseFont")), x / PT, (height - y) / PT))
        page.extract_text(visitor_text=visit)
    return found


def pages_text(pdf: bytes):
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def estimate(description: str):
    document = sample(status="sent", number="EST-0001", expiry_date="2026-12-31")
    for name in ("due_date", "amount_paid", "amount_credited", "outstanding"):
        document.pop(name)
    for line in document["lines"]:
        line["description"] = description
    return document


def test_text_in_a_fallback_font_leaves_the_amounts_after_it_in_regular_type():
    for description in ("咨询服务", "Συμβουλευτική"):
        bold = {text for _, text, font, _, _ in runs(render_document_pdf(estimate(description), "ESTIMATE"))
                if "Bold" in font and any(c.isdigit() for c in text)}
        assert bold == {"£461.50"}, description  # the estimate's total alone


def test_a_long_customer_name_wraps_clear_of_the_document_details():
    name = "The Extraordinarily Long Named International Consulting and Trading Company."
    assert len(name) == 76
    pdf = render_document_pdf(sample(customer={**SAMPLE["customer"], "name": name}), "INVOICE")
    shown = runs(pdf)
    details_x = next(x for _, text, _, x, _ in shown if text == "Date of issue")
    pieces = [(text, x) for _, text, font, x, _ in shown if text in name and "Bold" in font and len(text) > 3]
    assert " ".join(text for text, _ in pieces) == name
    measure = FPDF()
    measure.add_font("Noto", "B", FONT_DIR / "NotoSans-Core-Bold.ttf")
    measure.set_font("Noto", "B", 9)
    assert all(x + measure.get_string_width(text) < details_x for text, x in pieces)


def test_continuation_pages_name_the_invoice_and_their_place():
    lines = [dict(SAMPLE["lines"][0], description=f"Item {i}") for i in range(120)]
    pages = pages_text(render_document_pdf(sample(lines=lines), "INVOICE"))
    assert len(pages) >= 3
    for number, text in enumerate(pages[1:], start=2):
        assert f"INV-0001, page {number} of {len(pages)}" in text
    assert "INV-0001, page 1" not in pages[0]


def test_a_void_invoice_drops_the_payment_details():
    supplier = {**SAMPLE["supplier"], "payment_details": PAYMENT_DETAILS}
    issued = pages_text(render_document_pdf(sample(supplier=supplier), "INVOICE"))[0]
    void = pages_text(render_document_pdf(sample(supplier=supplier, status="void", void_reason="Raised twice"),
                                          "INVOICE"))[0]
    assert "Sort code: 12-34-56" in issued
    assert "Sort code" not in void and "PAYMENT DETAILS" not in void and "Raised twice" in void


def test_a_foreign_currency_invoice_shows_its_total_vat_in_sterling_and_the_rate_used():
    in_pounds = {"20": "48.45", "5": "3.83", "0": "0.00"}
    document = sample(currency="EUR", exchange_rate="0.85", base_currency="GBP", vat_in_base_currency=in_pounds,
                      exchange_rate_date="2026-11-21", exchange_rate_source="HMRC period rate")
    text = " ".join(pages_text(render_document_pdf(document, "INVOICE"))[0].split())
    total = sum(Decimal(amount) for amount in in_pounds.values())
    assert f"Total VAT in GBP: £{total}" in text
    assert "Exchange rate 1 EUR = 0.85 GBP (HMRC period rate, 21 Nov 2026)" in text


def test_a_tax_inclusive_invoice_prints_unit_prices_without_vat():
    """120.00 including VAT at 20% is 100.00 net; 10.00 is 8.3333 (to 4 places)."""
    lines = [{"description": "Tickets", "quantity": "3", "unit_price": "120.00", "vat_category": "standard",
              "vat_rate": "20", "discount_amount": "0.00", "net": "300.00", "vat": "60.00", "gross": "360.00"},
             {"description": "Pens", "quantity": "3", "unit_price": "10.00", "vat_category": "standard",
              "vat_rate": "20", "discount_amount": "0.00", "net": "25.00", "vat": "5.00", "gross": "30.00"}]
    pdf = render_document_pdf(sample(lines=lines, prices_include_vat=True), "INVOICE")
    shown = runs(pdf)
    rows = [[text for _, text, _, _, y in sorted(shown, key=lambda run: run[3]) if abs(y - row_y) < 0.5]
            for row_y in (y for _, text, _, _, y in shown if text in ("Tickets", "Pens"))]
    assert rows == [["Tickets", "3", "£100.00", "20%", "£300.00"], ["Pens", "3", "£8.3333", "20%", "£25.00"]]
    text = pages_text(pdf)[0]
    assert "£120.00 each including VAT" in text and "£10.00 each including VAT" in text


def test_a_line_prints_the_days_it_bills_under_its_description_once():
    lines = copy.deepcopy(SAMPLE["lines"])
    lines[0]["period"] = {"start": "2026-03-01", "end": "2026-03-31"}
    lines[1]["period"] = {"start": "2026-03-20", "end": "2026-03-20"}
    lines[2].update(description="Voice 1000, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days)",
                    period={"start": "2026-03-15", "end": "2026-03-31"})
    shown = runs(render_document_pdf(sample(lines=lines), "INVOICE"))
    at = {text: (x, y) for _, text, _, x, y in shown}
    for description, days in (("Consulting", "1 Mar 2026 – 31 Mar 2026"), ("Books", "20 Mar 2026")):
        (x, y), (days_x, days_y) = at[description], at[days]
        assert abs(days_x - x) < 0.1 and 0 < days_y - y < 6, (description, days)  # the next line, same column
    # a description that already names its days (a subscription's fee line) does not repeat them
    assert not [text for _, text, _, _, _ in shown if "15 Mar 2026 –" in text]
