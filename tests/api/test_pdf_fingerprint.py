"""A document's PDF is named by what it prints: a change that prints nothing (an email sent, the
status moving from issued to sent) keeps the file and renders nothing; a printed change (a
payment shown as Paid) makes a new one."""
from io import BytesIO

import pytest
import requests
from pypdf import PdfReader

from chalicelib.render import document_pdf
from tests.api.test_documents_out import customer, invoice, seller  # noqa: F401 (a fixture)
from tests.support.jobs import drain_jobs_queue


@pytest.fixture
def renders(monkeypatch):
    """The ids of the documents whose PDFs were rendered (the jobs queue may hold other tests' too)."""
    rendered = []
    real = document_pdf.render_document_pdf

    def counted(document, kind, logo=None):
        rendered.append(document["id"])
        return real(document, kind, logo)

    monkeypatch.setattr(document_pdf, "render_document_pdf", counted)
    return rendered


def mine(renders, shown) -> int:
    return renders.count(shown["id"])


def pdf_file(api, shown):
    """The PDF link's object (its URL without the signature) and the text of the file."""
    link = api.get(f"/invoices/{shown['id']}/pdf").body
    content = requests.get(link["url"], timeout=10).content
    return link["url"].split("?")[0], PdfReader(BytesIO(content)).pages[0].extract_text()


def test_sending_keeps_the_pdf_and_a_payment_makes_a_new_one(seller, renders):  # noqa: F811
    shown = invoice(seller, customer(seller)["id"])
    drain_jobs_queue()  # the PDF job of the issue
    first, text = pdf_file(seller, shown)
    assert mine(renders, shown) == 1 and "Paid £0.00" in text.replace("\n", " ")

    for _ in range(2):  # sent, then sent again: new versions that print nothing new
        sent = seller.post(f"/invoices/{shown['id']}/send", {})
        assert sent.status == 200, sent.body
    drain_jobs_queue()
    assert sent.body["status"] == "sent" and sent.body["version"] > shown["version"]
    assert pdf_file(seller, shown)[0] == first and mine(renders, shown) == 1

    paid = seller.post("/payments", {"customer_id": shown["customer_id"], "amount": "10.00", "date": "2026-11-20",
                                     "allocations": [{"invoice_id": shown["id"], "amount": "10.00"}]})
    assert paid.status == 201, paid.body
    drain_jobs_queue()
    after, text = pdf_file(seller, shown)
    assert after != first and mine(renders, shown) == 2 and "Paid £10.00" in text.replace("\n", " ")
