"""Peppol e-invoices over HTTP: peppol_id and contact_name on tenants and customers, the 409s that
name what a document lacks, curing them, and void documents. Every UBL served is checked with the
UBL schema, the EN 16931 rules and the Peppol BIS 3 rules."""
import requests

from tests.support.einvoice import fatal_failures, schema_errors

GERMAN_SELLER = {"legal_name": "Muster GmbH", "base_currency": "EUR", "vat_number": "DE123456789", "email": "rechnung@muster.example",
                 "phone": "+49 30 1234567",
                 "address": {"line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
                 "payment_details": {"iban": "DE89370400440532013000", "bic": "COBADEFFXXX"}}
US_BUYER = {"name": "Acme Inc", "emails": ["ap@acme.example"], "currency": "EUR",
            "billing_address": {"line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}}
GERMAN_BUYER = {"name": "Kunde AG", "vat_number": "DE987654321", "currency": "EUR",
                "billing_address": {"line1": "Ring 2", "city": "Köln", "postal_code": "50667", "country": "DE"}}


def issued_invoice(api, customer_id):
    draft = api.post("/invoices", {"customer_id": customer_id, "lines": [
        {"description": "Beratung", "quantity": "2", "unit_price": "100.00", "vat_rate": "19"}]})
    assert draft.status == 201, draft.body
    issued = api.post(f"/invoices/{draft.body['id']}/issue", {})
    assert issued.status == 200, issued.body
    return issued.body


def valid_ubl(api, path) -> bytes:
    answer = api.get(path)
    assert answer.status == 200, answer.body
    xml = requests.get(answer.body["url"], timeout=10).content
    assert schema_errors(xml) == [] and fatal_failures(xml) == []
    return xml


def test_peppol_ids_are_checked_as_peppol_checks_them(new_tenant):
    api = new_tenant(**GERMAN_SELLER)
    for peppol_id, field in (({"scheme": "EM", "value": "ap@acme.example"}, "peppol_id.scheme"),
                             ({"scheme": "0088", "value": "5790000435976"}, "peppol_id.value"),
                             ({"scheme": "0192", "value": "987654321"}, "peppol_id.value"),
                             ({"scheme": "0088"}, "peppol_id.value"),
                             ({"scheme": "9932", "value": "GB 123"}, "peppol_id.value")):
        answer = api.call("POST", "/customers", {**US_BUYER, "peppol_id": peppol_id})
        assert answer.status == 400 and answer.error_fields == [field], (peppol_id, answer.body)
    created = api.post("/customers", {**US_BUYER, "peppol_id": {"scheme": "0060", "value": "123456789"}})
    assert created.status == 201 and created.body["peppol_id"] == {"scheme": "0060", "value": "123456789"}


def test_a_buyer_without_an_identifier_is_a_409_cured_by_giving_one(new_tenant):
    api = new_tenant(**GERMAN_SELLER)
    buyer = api.post("/customers", US_BUYER).body
    invoice = issued_invoice(api, buyer["id"])
    refused = api.get(f"/invoices/{invoice['id']}/ubl")
    assert refused.status == 409 and refused.error_fields == ["customer.peppol_id"]
    assert "PEPPOL-EN16931-R010" in refused.body["error"]["message"]
    # Set on the customer after the invoice was issued: the e-invoice takes it as it is now.
    assert api.patch(f"/customers/{buyer['id']}", {"peppol_id": {"scheme": "0060", "value": "123456789"}}).status == 200
    xml = valid_ubl(api, f"/invoices/{invoice['id']}/ubl")
    assert b'<cbc:EndpointID schemeID="0060">123456789</cbc:EndpointID>' in xml
    assert b'<cbc:EndpointID schemeID="9930">DE123456789</cbc:EndpointID>' in xml  # derived from the VAT number


def test_a_german_seller_to_a_german_buyer_needs_a_contact_name(new_tenant):
    api = new_tenant(**GERMAN_SELLER)
    invoice = issued_invoice(api, api.post("/customers", GERMAN_BUYER).body["id"])
    refused = api.get(f"/invoices/{invoice['id']}/ubl")
    assert refused.status == 409 and refused.error_fields == ["tenant.contact_name"]
    assert "DE-R-005" in refused.body["error"]["message"]
    changed = api.patch("/tenant", {"contact_name": "Erika Muster"})
    assert changed.status == 200 and changed.body["contact_name"] == "Erika Muster"
    xml = valid_ubl(api, f"/invoices/{invoice['id']}/ubl")
    assert b"<cbc:Name>Erika Muster</cbc:Name>" in xml and b"<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>" in xml


def test_a_void_invoice_has_no_e_invoice(new_tenant):
    api = new_tenant(**GERMAN_SELLER, contact_name="Erika Muster")
    invoice = issued_invoice(api, api.post("/customers", GERMAN_BUYER).body["id"])
    valid_ubl(api, f"/invoices/{invoice['id']}/ubl")
    assert api.post(f"/invoices/{invoice['id']}/void", {"reason": "Raised twice"}).status == 200
    refused = api.get(f"/invoices/{invoice['id']}/ubl")
    assert refused.status == 409 and "void" in refused.body["error"]["message"]
