"""UBL documents as the API presents them, for the e-invoice tests.

Documents are priced by the domain engine and presented by the API's own present_document, so
they have the shape GET /invoices/{id} answers.
"""
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

from chalicelib.domain import documents as docs
from chalicelib.domain.pricing import Policy, vat_in_base_currency
from chalicelib.render.ubl import ubl_xml
from chalicelib.services.document_view import present_document
from chalicelib.store.models import DocumentItem
from tests.support.einvoice import fatal_failures, schema_errors

D = Decimal
NS = {"cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
      "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"}
SUPPLIER = {"legal_name": "Test Trading Ltd", "vat_number": "GB123456789", "email": "billing@test.example",
            "address": {"line1": "1 High St", "city": "London", "postal_code": "EC1A 1BB", "country": "GB"}}
CUSTOMER = {"id": "cus_1", "name": "Acme Trading", "emails": ["ap@acme.example"], "vat_number": "GB987654321",
            "billing_address": {"line1": "2 Low Rd", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"}}
EU_CUSTOMER = {"id": "cus_2", "name": "Bäckerei Müller", "company": "Bäckerei Müller GmbH",
               "emails": ["rechnung@mueller.example"], "vat_number": "DE 123 456 789",
               "billing_address": {"line1": "Hauptstraße 1", "city": "Berlin", "postal_code": "10115",
                                   "country": "DE"}}


def line(description, quantity, price, category="standard", rate=None, unit=None, discount=None, period=None):
    """`period`: (first day, last day) as ISO dates, the line's period as stored."""
    fields = {"description": description, "quantity": D(quantity), "unit_price": D(price),
              "vat_category": category, "unit": unit,
              "discount": {"type": discount[0], "value": D(discount[1])} if discount else None,
              "period": {"start": period[0], "end": period[1]} if period else None}
    if rate is not None:
        fields["vat_rate"] = D(rate)
    return {k: v for k, v in fields.items() if v is not None}


def presented(lines, currency="GBP", *, policy=Policy(), credit_note=False, supplier=SUPPLIER,
              customer=CUSTOMER, exchange_rate=None, base="GBP", paid="0", **more):
    """An issued invoice or credit note as the API presents it."""
    completed = docs.complete_lines(lines, {}, currency)
    totals = docs.price(completed, currency, policy)
    data = {"issue_date": "2026-11-21", "customer": customer, "supplier": supplier,
            "prices_include_vat": policy.prices_include_vat, "lines": docs.priced_lines(completed, totals),
            "rounding": {"vat_level": policy.vat_level, "mode": policy.mode},
            "totals": docs.totals_record(totals), **more}
    if credit_note:
        data.update(invoice_id="inv_1", invoice_number="INV-0001", reason="Overcharged", amount=totals.gross)
    else:
        data.update(payment_terms_days=30, due_date="2026-12-21", amount_paid=D(paid))
    if exchange_rate:
        converted = vat_in_base_currency(totals.rates, D(exchange_rate), base)
        data.update(exchange_rate=D(exchange_rate), base_currency=base,
                    vat_in_base_currency={str(rate): amount for rate, amount in converted.items()})
    item = DocumentItem(id="cn_1" if credit_note else "inv_1", kind="CREDIT_NOTE" if credit_note else "INVOICE",
                        status="issued", customer_id=customer["id"], currency=currency,
                        number="CN-0001" if credit_note else "INV-0001", doc_date="2026-11-21",
                        due_date=None if credit_note else "2026-12-21", data=data,
                        created_at="2026-11-21T10:00:00Z", updated_at="2026-11-21T10:00:00Z", version=2)
    return present_document(item, today=date(2026, 11, 21))


def valid_ubl(document) -> ET.Element:
    """The document's UBL, checked against the schema, the EN 16931 and the Peppol BIS 3 rules; parsed."""
    xml = ubl_xml(document)
    assert schema_errors(xml) == []
    assert fatal_failures(xml) == []
    return ET.fromstring(xml)


def texts(root, path):
    return [node.text for node in root.findall(path, NS)]


def line_periods(root):
    """Each line's period (BT-134, BT-135) as the UBL states it, or None for a line without one;
    checks that a line has at most one (UBL-SR-36) holding the two dates alone (UBL-CR-520 to 524)."""
    found = []
    for node in root.findall("cac:InvoiceLine", NS) + root.findall("cac:CreditNoteLine", NS):
        period = node.findall("cac:InvoicePeriod", NS)
        assert len(period) <= 1
        if period:
            assert [child.tag for child in period[0]] == [f"{{{NS['cbc']}}}StartDate", f"{{{NS['cbc']}}}EndDate"]
        found.append((period[0].findtext("cbc:StartDate", None, NS), period[0].findtext("cbc:EndDate", None, NS))
                     if period else None)
    return found
