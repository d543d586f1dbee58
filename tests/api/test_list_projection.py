"""Lists read documents without their lines: a projection of what a list shows, with the line count
stored on each document. Every list row and every list export must be what reading whole documents
gave, for a mix of documents (drafts, void and paid invoices, credit notes, estimates, another
currency, a document stored before the line count was)."""
import io
import re
import zipfile

import pytest

from chalicelib.services import listings
from chalicelib.store.diagnostics import count_dynamodb_calls
from chalicelib.store.keys import RECORD_SK, record_pk
from chalicelib.store.models import DocumentItem
from tests.api.test_exports import export

GBP_LINES = [{"description": "Consulting", "quantity": "3", "unit_price": "95.00"},
             {"description": "Books", "quantity": "2", "unit_price": "12.50", "vat_category": "zero"},
             {"description": "Setup", "quantity": "1", "unit_price": "100", "vat_category": "reduced"}]
LIST_PATHS = {"invoices": "/invoices", "credit_notes": "/credit-notes", "estimates": "/estimates"}


def _ok(answer, status=(200, 201)):
    assert answer.status in status, answer.body
    return answer.body


def _stored_before_line_counts(kind: str, document_id: str, tenant_id: str) -> None:
    """As a document written before `line_count` was kept: the attribute removed in the table."""
    item = DocumentItem.get(record_pk(tenant_id, kind, document_id), RECORD_SK)
    item.update(actions=[DocumentItem.data["line_count"].remove()])


@pytest.fixture
def mixed(tenant):
    home = _ok(tenant.post("/customers", {"name": "Acme Trading", "emails": ["ap@acme.example"]}))
    abroad = _ok(tenant.post("/customers", {"name": "Müller GmbH", "currency": "EUR", "vat_number": "DE123456789"}))
    made = []

    def invoice(customer, lines, issue=None):
        draft = _ok(tenant.post("/invoices", {"customer_id": customer["id"], "reference": "PO-7", "lines": lines}))
        made.append(draft)
        return draft if issue is None else _ok(tenant.post(f"/invoices/{draft['id']}/issue", issue))

    paid = invoice(home, GBP_LINES, {})
    _ok(tenant.post("/payments", {"customer_id": home["id"], "amount": "50.00", "currency": "GBP",
                                  "allocations": [{"invoice_id": paid["id"], "amount": "50.00"}]}))
    voided = invoice(home, GBP_LINES[:1], {})
    _ok(tenant.post(f"/invoices/{voided['id']}/void", {"reason": "Billed the wrong customer"}))
    invoice(home, GBP_LINES[1:])  # a draft
    invoice(abroad, [{"description": "Design", "quantity": "1", "unit_price": "1000", "vat_category": "reverse_charge"},
                     {"description": "Licence", "quantity": "1", "unit_price": "100"}],
            {"exchange_rate": "0.85", "exchange_rate_source": "HMRC period rate"})
    old = invoice(home, GBP_LINES, {})
    _stored_before_line_counts("INVOICE", old["id"], tenant.tenant_id)
    note = _ok(tenant.post(f"/invoices/{paid['id']}/credit-notes", {"reason": "Overcharged", "lines": [0]}))
    _ok(tenant.post(f"/credit-notes/{note['id']}/issue", {}))
    _ok(tenant.post("/estimates", {"customer_id": abroad["id"], "expiry_date": "2099-01-31",
                                   "lines": [{"description": "Audit", "quantity": "1", "unit_price": "500"}]}))
    return {"old": old}


@pytest.mark.parametrize("resource", list(LIST_PATHS))
def test_list_rows_are_each_documents_own_answer_without_its_lines(tenant, mixed, resource):
    path = LIST_PATHS[resource]
    rows = _ok(tenant.get(f"{path}?limit=100"))["data"]
    assert rows
    for row in rows:
        whole = _ok(tenant.get(f"{path}/{row['id']}"))  # one document read whole, lines and all
        assert row["line_count"] == len(whole.pop("lines"))
        assert row == whole


def test_a_document_stored_before_line_counts_is_counted_from_its_lines(tenant, mixed):
    with count_dynamodb_calls() as calls:
        rows = _ok(tenant.get("/invoices?limit=100"))["data"]
    assert next(r for r in rows if r["id"] == mixed["old"]["id"])["line_count"] == len(GBP_LINES)
    assert calls["BatchGetItem"] == 1  # its lines, read apart; every other row carried its count


def test_the_line_count_is_stored_wherever_lines_change(tenant, mixed):
    draft = _ok(tenant.post("/invoices", {"customer_id": mixed["old"]["customer_id"], "lines": GBP_LINES}))
    stored = DocumentItem.get(record_pk(tenant.tenant_id, "INVOICE", draft["id"]), RECORD_SK)
    assert stored.data["line_count"] == 3
    _ok(tenant.patch(f"/invoices/{draft['id']}", {"lines": GBP_LINES[:1]}))
    stored.refresh()
    assert stored.data["line_count"] == 1


def _content(file_format: str, content: bytes):
    """What a file says, without the moment it was made (XLSX core properties; a PDF's creation date
    and the file identifier fpdf2 hashes from it)."""
    if file_format == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return {name: book.read(name) for name in book.namelist() if name != "docProps/core.xml"}
    if file_format == "pdf":
        return re.sub(rb"/CreationDate \([^)]*\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]", b"", content)
    return content


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "pdf"])
@pytest.mark.parametrize("resource", list(LIST_PATHS))
def test_list_exports_are_byte_for_byte_what_whole_documents_gave(tenant, mixed, resource, file_format,
                                                                  monkeypatch):
    projected = export(tenant, resource, file_format)[1]
    with monkeypatch.context() as whole:
        whole.setattr(listings, "PROJECTIONS", {})
        read_whole = export(tenant, resource, file_format)[1]
    assert _content(file_format, projected) == _content(file_format, read_whole)
