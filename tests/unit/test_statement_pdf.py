"""The statement PDF as its customer reads it: when the debt is aged, and allocations in words."""
from io import BytesIO

from pypdf import PdfReader

from chalicelib.render.statement_pdf import render_statement_pdf

STATEMENT = {
    "customer_id": "cus_1", "currency": "GBP", "from": "2026-12-01", "to": "2026-12-31",
    "opening_balance": "0.00", "closing_balance": "160.00", "aged_as_of": "2026-12-03",
    "aged_debt": {"not_due": "160.00", "1_30": "0.00", "31_60": "0.00", "61_90": "0.00", "over_90": "0.00"},
    "credit_available": "0.00",
    "lines": [
        {"date": "2026-12-01", "type": "invoice", "invoice_id": "inv_1", "invoice_number": "INV-0001",
         "amount": "360.00", "balance": "360.00"},
        {"date": "2026-12-02", "type": "payment", "payment_id": "pay_1", "amount": "-200.00", "balance": "160.00"},
        {"date": "2026-12-02", "type": "allocation", "from_payment_id": "pay_1", "invoice_id": "inv_1",
         "invoice_number": "INV-0001", "amount": "0.00", "allocated": "200.00", "balance": "160.00"},
        {"date": "2026-12-03", "type": "allocation", "from_credit_note_id": "cn_1",
         "from_credit_note_number": "CN-0001", "invoice_id": "inv_1", "invoice_number": "INV-0001",
         "amount": "0.00", "allocated": "15.00", "balance": "160.00"},
        {"date": "2026-12-03", "type": "deallocation", "from_payment_id": "pay_1", "invoice_id": "inv_1",
         "invoice_number": "INV-0001", "amount": "0.00", "allocated": "-5.00", "balance": "160.00"},
    ],
}
SUPPLIER = {"legal_name": "Supplier Ltd", "address": {"line1": "1 High St", "city": "York"}}


def statement_text(statement=STATEMENT) -> str:
    pdf = render_statement_pdf(statement, {"name": "Acme Trading"}, SUPPLIER)
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_the_statement_prints_the_date_its_debt_is_aged_at():
    text = statement_text()
    assert "Debt aged at" in text and "3 Dec 2026" in text
    assert "AGED DEBT AT 3 DEC 2026" in text


def test_allocations_read_as_what_paid_which_invoice_never_as_a_zero_transaction():
    text = statement_text()
    assert "Allocation" not in text
    assert [line for line in text.splitlines() if "£0.00" in line and "Dec 2026" in line] == []
    assert "£200.00 of payment applied to INV-0001" in text
    assert "£15.00 of credit note CN-0001 applied to INV-0001" in text
    assert "£5.00 of payment taken back from INV-0001" in text


def test_a_long_statement_names_itself_on_every_later_page():
    lines = [dict(STATEMENT["lines"][1], date=f"2026-12-{1 + i % 28:02d}") for i in range(90)]
    pdf = render_statement_pdf(dict(STATEMENT, lines=lines), {"name": "Acme Trading"}, SUPPLIER)
    pages = [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]
    assert len(pages) >= 2
    assert all(f"Statement for Acme Trading to 31 Dec 2026, page {n} of {len(pages)}" in text
               for n, text in enumerate(pages[1:], start=2))


def test_the_aged_debt_row_deducts_the_credit_available_and_adds_up_to_the_balance():
    aged = {"not_due": "100.00", "1_30": "0.00", "31_60": "23.80", "61_90": "0.00", "over_90": "0.00"}
    text = statement_text(dict(STATEMENT, aged_debt=aged, credit_available="10.00", closing_balance="113.80"))
    lines = text.splitlines()
    titles, amounts = lines[lines.index("AGED DEBT AT 3 DEC 2026") + 1:][:2]
    assert titles == "Not yet due 1-30 days 31-60 days 61-90 days Over 90 days Credit available Balance"
    assert amounts.split() == ["£100.00", "£0.00", "£23.80", "£0.00", "£0.00", "-£10.00", "£113.80"]
