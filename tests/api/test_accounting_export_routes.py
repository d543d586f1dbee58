"""Accounting exports over HTTP: the books of a timeframe in each system's import format, with
the tenant's own tax codes and accounts; read back with csv and json, summed against the API."""
import csv
import io
import json
from decimal import Decimal

import pytest

from tests.api.test_exports import export

SYSTEMS = ["xero", "quickbooks", "quickbooks_credit_notes", "sage50", "clearbooks", "freshbooks"]


@pytest.fixture
def books(tenant):
    customer = tenant.post("/customers", {"name": "Acme Trading"}).body
    issued = []
    for quantity in ("1", "3"):
        draft = tenant.post("/invoices", {"customer_id": customer["id"], "issue_date": "2026-10-05", "lines": [
            {"description": "Consulting", "quantity": quantity, "unit_price": "95.00"},
            {"description": "Books", "quantity": "2", "unit_price": "12.50", "vat_category": "zero"}]}).body
        issued.append(tenant.post(f"/invoices/{draft['id']}/issue", {}).body)
    note = tenant.post(f"/invoices/{issued[0]['id']}/credit-notes", {"reason": "Overcharged", "lines": [0]}).body
    note = tenant.post(f"/credit-notes/{note['id']}/issue", {"issue_date": "2026-10-06"}).body
    tenant.post("/invoices", {"customer_id": customer["id"], "issue_date": "2026-10-07",
                              "lines": [{"description": "Draft", "quantity": "1", "unit_price": "1"}]})
    return issued, note


def read(content: bytes, system: str):
    text = content.decode("utf-8")
    return json.loads(text) if system == "freshbooks" else list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("system", SYSTEMS)
def test_each_system_gets_the_issued_documents_of_the_timeframe(tenant, books, system):
    invoices, note = books
    done, content = export(tenant, "accounting", system, {"from": "2026-10-01", "to": "2026-10-31"})
    expected = {"quickbooks": 2, "quickbooks_credit_notes": 1}.get(system, 3)  # never the draft
    assert done["rows"] == expected and done["file"]["file_name"].startswith(system)
    assert read(content, system)


def test_xero_rows_add_up_to_the_documents_and_use_the_tenants_codes(tenant, books):
    invoices, note = books
    mapping = {"tax_codes": {"xero": {"standard": "VAT 20 Sales"}}, "accounts": {"xero": {"default": "4100"}}}
    assert tenant.call("PATCH", "/tenant", {"accounting_mapping": mapping}).status == 200
    done, content = export(tenant, "accounting", "xero", {"from": "2026-10-01", "to": "2026-10-31"})
    rows = read(content, "xero")
    assert {r["*AccountCode"] for r in rows} == {"4100"}
    assert "VAT 20 Sales" in {r["*TaxType"] for r in rows}
    assert {r["*InvoiceDate"] for r in rows} == {"05/10/2026", "06/10/2026"}
    for document in invoices + [note]:
        own = [r for r in rows if r["*InvoiceNumber"] == document["number"]]
        net = sum(Decimal(r["*Quantity"]) * Decimal(r["*UnitAmount"]) for r in own)
        vat = sum(Decimal(r["TaxAmount"]) for r in own)
        sign = -1 if document["id"].startswith("cn_") else 1
        assert (net, vat) == (sign * Decimal(document["totals"]["net"]), sign * Decimal(document["totals"]["vat"]))


def test_a_bad_mapping_is_refused_with_its_field(tenant):
    answer = tenant.call("PATCH", "/tenant", {"accounting_mapping": {"tax_codes": {"sage50": {"standard": "X9"}}}})
    assert answer.status == 400 and answer.error_fields[0].startswith("accounting_mapping.tax_codes.sage50")


@pytest.mark.parametrize("body, field", [
    ({"resource": "accounting", "format": "csv"}, "format"),
    ({"resource": "invoices", "format": "xero"}, "format"),
    ({"resource": "accounting", "format": "xero", "filters": {"status": "paid"}}, "filters.status"),
])
def test_formats_belong_to_their_resources(tenant, body, field):
    answer = tenant.post("/exports", body)
    assert answer.status == 400 and field in answer.error_fields, answer.body
