"""PDFs, the logo, and emailing documents, over HTTP against the local stack.

PDFs are read back with pypdf (not the library that wrote them) and their
numbers checked against the API's own answer.
"""
import base64
import email
import os
from decimal import Decimal
from email import policy
from io import BytesIO
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError, EndpointConnectionError
from pypdf import PdfReader

from chalicelib.render.text import money
from chalicelib.services.mail import ses

SETTINGS = {"address": {"line1": "1 High St", "city": "London", "postal_code": "EC1A 1BB", "country": "GB"},
            "vat_number": "GB123456789", "email": "billing@supplier.example", "company_number": "01234567",
            "payment_details": {"account_name": "Supplier Ltd", "sort_code": "12-34-56",
                                "account_number": "12345678"}}


@pytest.fixture
def seller(tenant):
    assert tenant.call("PATCH", "/tenant", SETTINGS).status == 200
    return tenant


def customer(api, name="Acme Trading", emails=("ap@acme.example",), **more):
    body = {"name": name, "emails": list(emails), **more,
            "billing_address": {"line1": "2 Low Rd", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"}}
    answer = api.post("/customers", body)
    assert answer.status == 201, answer.body
    return answer.body


def invoice(api, customer_id, lines=None, issue=True):
    lines = lines or [{"description": "Consulting", "quantity": "3", "unit_price": "95.00"},
                      {"description": "Books", "quantity": "2", "unit_price": "12.50", "vat_category": "zero"},
                      {"description": "Setup", "quantity": "1", "unit_price": "100", "vat_category": "reduced",
                       "discount": {"type": "percent", "value": "10"}}]
    draft = api.post("/invoices", {"customer_id": customer_id, "reference": "PO-7", "lines": lines})
    assert draft.status == 201, draft.body
    if not issue:
        return draft.body
    issued = api.post(f"/invoices/{draft.body['id']}/issue", {})
    assert issued.status == 200, issued.body
    return issued.body


PAGE_BREAK = "\n\f\n"


def pdf_text(api, path):
    link = api.get(path)
    assert link.status == 200, link.body
    assert link.body["file_name"].endswith(".pdf")
    download = requests.get(link.body["url"], timeout=10)
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(download.content))
    return PAGE_BREAK.join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_invoice_pdf_shows_every_vat_invoice_item_with_the_api_numbers(seller):
    buyer = customer(seller, vat_number="GB987654321")
    shown = invoice(seller, buyer["id"])
    text, pages = pdf_text(seller, f"/invoices/{shown['id']}/pdf")
    assert pages == 1
    for expected in (shown["number"], "Tax point", "Test Trading Ltd", "1 High St",
                     "VAT reg. no. GB123456789", "Acme Trading", "2 Low Rd", "VAT no. GB987654321", "PO-7",
                     "Zero-rated", "Sort code: 12-34-56", "Registered company no. 01234567", "Consulting"):
        assert expected in text, expected
    totals = shown["totals"]
    for amount in (totals["net"], totals["vat"], totals["gross"], shown["outstanding"],
                   *(r["vat"] for r in totals["rates"]), *(line["net"] for line in shown["lines"])):
        assert money(amount, "GBP") in text, amount
    assert "DRAFT" not in text


def test_draft_and_void_are_marked(seller):
    buyer = customer(seller)
    draft = invoice(seller, buyer["id"], issue=False)
    text = pdf_text(seller, f"/invoices/{draft['id']}/pdf")[0]
    assert "DRAFT" in text
    assert "Test Trading Ltd" in text and "1 High St" in text and "VAT reg. no. GB123456789" in text  # the supplier
    issued = invoice(seller, buyer["id"])
    assert seller.post(f"/invoices/{issued['id']}/void", {"reason": "Raised twice"}).status == 200
    text = pdf_text(seller, f"/invoices/{issued['id']}/pdf")[0]
    assert "VOID" in text and "Raised twice" in text
    assert "Sort code" not in text  # nothing to pay on a void invoice


def test_reverse_charge_statement_and_foreign_currency_vat_in_sterling(seller):
    buyer = customer(seller, vat_number="DE123456789", currency="EUR")
    draft = seller.post("/invoices", {"customer_id": buyer["id"], "lines": [
        {"description": "Design", "quantity": "1", "unit_price": "1000", "vat_category": "reverse_charge"},
        {"description": "Licence", "quantity": "1", "unit_price": "100"}]}).body
    issued = seller.post(f"/invoices/{draft['id']}/issue", {"exchange_rate": "0.85", "issue_date": "2026-11-20",
                                                            "exchange_rate_source": "HMRC period rate"}).body
    assert (issued["exchange_rate_source"], issued["exchange_rate_date"]) == ("HMRC period rate", "2026-11-20")
    text = " ".join(pdf_text(seller, f"/invoices/{issued['id']}/pdf")[0].split())
    assert "Reverse charge: customer to account for the VAT to HMRC" in text
    assert "VAT in GBP" in text and money(issued["vat_in_base_currency"]["20"], "GBP") in text
    total_in_pounds = sum(Decimal(amount) for amount in issued["vat_in_base_currency"].values())
    assert f"Total VAT in GBP: {money(str(total_in_pounds), 'GBP')}" in text
    assert "1 EUR = 0.85 GBP (HMRC period rate, 20 Nov 2026)" in text
    assert money(issued["totals"]["gross"], "EUR") in text


def test_credit_note_names_the_invoice_it_corrects(seller):
    shown = invoice(seller, customer(seller)["id"])
    note = seller.post(f"/invoices/{shown['id']}/credit-notes", {"reason": "Overcharged", "lines": [0]}).body
    note = seller.post(f"/credit-notes/{note['id']}/issue", {}).body
    text = pdf_text(seller, f"/credit-notes/{note['id']}/pdf")[0]
    assert "Credit note" in text and note["number"] in text and shown["number"] in text
    assert "Overcharged" in text and money(note["totals"]["gross"], "GBP") in text


def test_estimate_pdf(seller):
    buyer = customer(seller)
    estimate = seller.post("/estimates", {"customer_id": buyer["id"], "expiry_date": "2099-01-31",
                                          "lines": [{"description": "Audit", "quantity": "1", "unit_price": "500"}]})
    text = pdf_text(seller, f"/estimates/{estimate.body['id']}/pdf")[0]
    assert "Estimate" in text and "31 Jan 2099" in text and "£600.00" in text


def test_names_in_any_script_and_a_500_line_invoice_across_pages(seller):
    buyer = customer(seller, name="شركة الأمل 北京公司 🎉 Ωμέγα")
    lines = [{"description": f"Item {i} 日本語", "quantity": "1", "unit_price": "1.00"} for i in range(500)]
    shown = invoice(seller, buyer["id"], lines=lines)
    text, pages = pdf_text(seller, f"/invoices/{shown['id']}/pdf")
    assert pages > 5
    assert "北京公司" in text and "Ωμέγα" in text and "Item 499" in text
    pages_with_lines = [page for page in text.split(PAGE_BREAK) if "Item " in page]
    assert len(pages_with_lines) >= pages - 1  # the totals may start a page of their own
    assert all(page.count("Description") == 1 for page in pages_with_lines)  # the header repeats on each
    assert money(shown["totals"]["gross"], "GBP") in text


def test_pdf_follows_the_documents_version(seller):
    shown = invoice(seller, customer(seller)["id"])
    first = seller.get(f"/invoices/{shown['id']}/pdf").body["url"]
    assert seller.post("/payments", {"customer_id": shown["customer_id"], "amount": "10.00", "currency": "GBP",
                                     "date": "2026-11-20", "method": "bank_transfer",
                                     "allocations": [{"invoice_id": shown["id"], "amount": "10.00"}]}).status == 201
    text = pdf_text(seller, f"/invoices/{shown['id']}/pdf")[0]
    assert seller.get(f"/invoices/{shown['id']}/pdf").body["url"].split("?")[0] != first.split("?")[0]
    assert "£10.00" in text and money(seller.get(f"/invoices/{shown['id']}").body["outstanding"], "GBP") in text


def png(width=40, height=20) -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_logo_upload_checks_the_image_and_prints_it(seller):
    answer = seller.call("PUT", "/tenant/logo", {"content_base64": base64.b64encode(png()).decode()})
    assert answer.status == 200, answer.body
    assert answer.body["logo"]["content_type"] == "image/png"
    shown = invoice(seller, customer(seller)["id"])
    link = seller.get(f"/invoices/{shown['id']}/pdf").body
    reader = PdfReader(BytesIO(requests.get(link["url"], timeout=10).content))
    assert len(reader.pages[0].images) == 1
    assert requests.get(seller.get("/tenant/logo").body["url"], timeout=10).content == png()


@pytest.mark.parametrize("content, status, message", [
    (b"%PDF-1.4 not an image", 400, "is not a readable PNG or JPEG image"),
    (png()[:60], 400, "is not a readable PNG or JPEG image"),
    (b"GIF89a" + b"\x00" * 100, 400, "is not a readable PNG or JPEG image"),
    (b"\x89PNG" + b"\x00" * (200 * 1024), 413, "must be at most"),
])
def test_bad_logos_are_refused_and_change_nothing(seller, content, status, message):
    answer = seller.call("PUT", "/tenant/logo", {"content_base64": base64.b64encode(content).decode()})
    assert answer.status == status, answer.body
    assert answer.body["error"]["details"][0]["field"] == "content_base64"
    assert message in answer.body["error"]["details"][0]["message"]
    assert "logo" not in seller.get("/tenant").body
    not_base64 = seller.call("PUT", "/tenant/logo", {"content_base64": "***"})
    assert not_base64.status == 400 and not_base64.error_fields == ["content_base64"]


def read_mail(message_id: str) -> email.message.EmailMessage:
    path = Path(os.environ["INVOICING_MAIL_DIR"]) / f"{message_id}.eml"
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def test_sending_an_invoice_emails_its_pdf_and_records_it(seller):
    templates = {"invoice": {"subject": "Bill {number} for {customer_name}", "body": "Pay {total} by {due_date}."}}
    assert seller.call("PATCH", "/tenant", {"email_templates": templates}).status == 200
    shown = invoice(seller, customer(seller, emails=["ap@acme.example", "boss@acme.example"])["id"])
    sent = seller.post(f"/invoices/{shown['id']}/send", {"message": "Thank you!"})
    assert sent.status == 200, sent.body
    assert sent.body["status"] == "sent" and sent.body["sent_at"]
    mail = read_mail(sent.body["last_emailed"]["message_id"])
    assert mail["Subject"] == f"Bill {shown['number']} for Acme Trading"
    assert mail["To"] == "ap@acme.example, boss@acme.example"
    assert mail["Reply-To"] == "billing@supplier.example"
    body = mail.get_body(("plain",)).get_content()
    assert f"Pay {money(shown['totals']['gross'], 'GBP')} by" in body and "Thank you!" in body
    attachment = next(mail.iter_attachments())
    assert attachment.get_filename() == f"{shown['number']}.pdf"
    pdf = PdfReader(BytesIO(attachment.get_content()))
    assert shown["number"] in pdf.pages[0].extract_text()
    history = seller.get(f"/invoices/{shown['id']}/history").body["data"]
    assert history[0]["action"] == "emailed"
    assert history[0]["changes"]["last_emailed"]["after"]["to"] == ["ap@acme.example", "boss@acme.example"]


def test_sending_needs_an_address_and_an_issued_document(seller):
    nobody = customer(seller, emails=())
    shown = invoice(seller, nobody["id"])
    answer = seller.post(f"/invoices/{shown['id']}/send", {})
    assert answer.status == 422 and answer.error_fields == ["to"]
    assert seller.get(f"/invoices/{shown['id']}").body["status"] == "issued"
    draft = invoice(seller, nobody["id"], issue=False)
    assert seller.post(f"/invoices/{draft['id']}/send", {"to": ["x@y.example"]}).status == 409
    assert seller.post(f"/invoices/{shown['id']}/send", {"to": ["not an address"]}).error_fields == ["to[0]"]


def test_sending_an_estimate_numbers_it_and_a_credit_note_keeps_its_status(seller):
    buyer = customer(seller)
    estimate = seller.post("/estimates", {"customer_id": buyer["id"],
                                          "lines": [{"description": "Audit", "quantity": "1", "unit_price": "5"}]})
    sent = seller.post(f"/estimates/{estimate.body['id']}/send", {})
    assert sent.status == 200 and sent.body["number"].startswith("EST-") and sent.body["status"] == "sent"
    assert read_mail(sent.body["last_emailed"]["message_id"])["Subject"].startswith(f"Estimate {sent.body['number']}")
    shown = invoice(seller, buyer["id"])
    note = seller.post(f"/invoices/{shown['id']}/credit-notes", {"reason": "Overcharged", "amount": "12.00"}).body
    note = seller.post(f"/credit-notes/{note['id']}/issue", {}).body
    sent = seller.post(f"/credit-notes/{note['id']}/send", {})
    assert sent.status == 200 and sent.body["status"] == "issued" and sent.body["sent_at"]


def test_statement_pdf_and_email(seller):
    buyer = customer(seller)
    shown = invoice(seller, buyer["id"])
    text = pdf_text(seller, f"/customers/{buyer['id']}/statement/pdf")[0]
    assert "Statement" in text and shown["number"] in text and money(shown["totals"]["gross"], "GBP") in text
    sent = seller.post(f"/customers/{buyer['id']}/statement/send", {"to": ["accounts@acme.example"]})
    assert sent.status == 200, sent.body
    mail = read_mail(sent.body["message_id"])
    assert mail["To"] == "accounts@acme.example" and "statement" in mail["Subject"].lower()
    history = seller.get(f"/customers/{buyer['id']}/history").body["data"]
    assert history[0]["action"] == "statement_emailed"


def ses_refuses(monkeypatch, error):
    def send_raw_email(**params):
        raise error

    monkeypatch.setattr(ses(), "send_raw_email", send_raw_email)


def ses_error(code, message, status=400):
    return ClientError({"Error": {"Type": "Sender", "Code": code, "Message": message},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, "SendRawEmail")


def mails_kept():
    return sorted(Path(os.environ["INVOICING_MAIL_DIR"]).glob("*.eml"))


def test_an_address_ses_refuses_is_a_422_naming_it_and_nothing_is_recorded(seller, monkeypatch):
    shown = invoice(seller, customer(seller)["id"])
    history, kept = seller.get(f"/invoices/{shown['id']}/history").body, mails_kept()
    ses_refuses(monkeypatch, ses_error("MessageRejected", "Email address is not verified. The following identities "
                                       "failed the check in region EU-WEST-2: boss@acme.example"))
    body = {"to": ["ap@acme.example"], "cc": ["boss@acme.example"]}
    answer = seller.post(f"/invoices/{shown['id']}/send", body, headers={"Idempotency-Key": "send-1"})
    assert answer.status == 422 and answer.error_fields == ["cc"], answer.body
    assert "boss@acme.example" in answer.body["error"]["details"][0]["message"]
    assert "EU-WEST-2" not in answer.body["error"]["message"]
    now = seller.get(f"/invoices/{shown['id']}").body
    assert now["status"] == "issued" and not now.get("sent_at") and not now.get("last_emailed")
    assert seller.get(f"/invoices/{shown['id']}/history").body == history and mails_kept() == kept

    monkeypatch.undo()  # the address verified: the same request, retried, sends it
    retried = seller.post(f"/invoices/{shown['id']}/send", body, headers={"Idempotency-Key": "send-1"})
    assert retried.status == 200 and retried.body["status"] == "sent", retried.body
    assert "Idempotent-Replayed" not in retried.headers and len(mails_kept()) == len(kept) + 1


def test_an_unverified_sender_is_a_502_and_nothing_is_recorded(seller, monkeypatch):
    buyer = customer(seller)
    shown = invoice(seller, buyer["id"])
    note = seller.post(f"/invoices/{shown['id']}/credit-notes", {"reason": "Overcharged", "amount": "12.00"}).body
    note = seller.post(f"/credit-notes/{note['id']}/issue", {}).body
    monkeypatch.setenv("INVOICING_MAIL_FROM", "nobody@unverified.example")  # moto, as SES, refuses it
    for path, record in ((f"/credit-notes/{note['id']}/send", f"/credit-notes/{note['id']}"),
                         (f"/customers/{buyer['id']}/statement/send", f"/customers/{buyer['id']}")):
        before = seller.get(f"{record}/history").body
        answer = seller.post(path, {})
        assert answer.status == 502 and answer.body["error"] == {
            "code": "upstream_refused", "message": "The email service refused the message; nothing was sent",
            "details": []}
        assert seller.get(f"{record}/history").body == before
    assert not seller.get(f"/credit-notes/{note['id']}").body.get("sent_at")


@pytest.mark.parametrize("error", [
    ses_error("Throttling", "Maximum sending rate exceeded."),
    ses_error("ServiceUnavailable", "Service is unavailable", status=503),
    EndpointConnectionError(endpoint_url="https://email.eu-west-2.amazonaws.com/"),
])
def test_ses_busy_or_unreachable_is_a_503_and_nothing_is_recorded(seller, monkeypatch, error):
    shown = invoice(seller, customer(seller)["id"])
    history = seller.get(f"/invoices/{shown['id']}/history").body
    ses_refuses(monkeypatch, error)
    answer = seller.post(f"/invoices/{shown['id']}/send", {})
    assert answer.status == 503 and answer.body["error"]["code"] == "upstream_unavailable", answer.body
    assert "try again" in answer.body["error"]["message"].lower()
    assert seller.get(f"/invoices/{shown['id']}").body["status"] == "issued"
    assert seller.get(f"/invoices/{shown['id']}/history").body == history


def test_template_with_an_unknown_placeholder_is_refused(seller):
    answer = seller.call("PATCH", "/tenant", {"email_templates": {"invoice": {"subject": "Hi {nmber}"}}})
    assert answer.status == 400 and answer.error_fields == ["email_templates.invoice.subject"]
    assert "{nmber}" in answer.body["error"]["details"][0]["message"]


def test_ubl_e_invoices_of_an_invoice_and_its_credit_note_pass_en16931(seller):
    from tests.support.einvoice import fatal_failures, schema_errors

    buyer = customer(seller, vat_number="GB987654321")
    shown = invoice(seller, buyer["id"])
    note = seller.post(f"/invoices/{shown['id']}/credit-notes", {"reason": "Overcharged", "lines": [0]}).body
    note = seller.post(f"/credit-notes/{note['id']}/issue", {}).body
    for path, number in ((f"/invoices/{shown['id']}/ubl", shown["number"]),
                         (f"/credit-notes/{note['id']}/ubl", note["number"])):
        link = seller.get(path)
        assert link.status == 200 and link.body["file_name"] == f"{number}.xml"
        xml = requests.get(link.body["url"], timeout=10).content
        assert schema_errors(xml) == [] and fatal_failures(xml) == []
        assert f"<cbc:ID>{number}</cbc:ID>".encode() in xml
    assert f"<cbc:PayableAmount currencyID=\"GBP\">{shown['totals']['gross']}</cbc:PayableAmount>".encode() in \
        requests.get(seller.get(f"/invoices/{shown['id']}/ubl").body["url"], timeout=10).content


def test_a_draft_has_no_e_invoice(seller):
    draft = invoice(seller, customer(seller)["id"], issue=False)
    assert seller.get(f"/invoices/{draft['id']}/ubl").status == 409


def test_a_template_with_a_format_that_could_fail_when_sent_is_refused(seller):
    for subject in ("Total {total:d}", "Invoice {number!r}"):
        answer = seller.call("PATCH", "/tenant", {"email_templates": {"invoice": {"subject": subject}}})
        assert answer.status == 400 and answer.error_fields == ["email_templates.invoice.subject"]


def test_a_small_file_declaring_a_vast_image_is_refused_not_decoded(seller):
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)  # 900 million pixels, declared
    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    answer = seller.call("PUT", "/tenant/logo", {"content_base64": base64.b64encode(bomb).decode()})
    assert answer.status == 400 and answer.error_fields == ["content_base64"]
