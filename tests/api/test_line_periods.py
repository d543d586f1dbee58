"""A line's period (the days it bills: `period` {start, end}) given on a manual invoice or credit note
through the API: kept, answered, edited, credited, carried into the e-invoice (EN 16931 BG-26, checked
with the UBL schema, the EN 16931 and the Peppol rules), and refused when it ends before it starts
(BR-30: the end is later than or equal to the start)."""
import xml.etree.ElementTree as ET

import pytest

from tests.api.test_e_invoices import valid_ubl
from tests.support.ubl_documents import line_periods

SELLER = {"legal_name": "Test Trading Ltd", "vat_number": "GB123456789", "email": "billing@test.example",
          "address": {"line1": "1 High St", "city": "London", "postal_code": "EC1A 1BB", "country": "GB"}}
BUYER = {"name": "Acme Trading", "emails": ["ap@acme.example"], "vat_number": "GB987654321",
         "billing_address": {"line1": "2 Low Rd", "city": "Leeds", "postal_code": "LS1 1AA", "country": "GB"}}
MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


@pytest.fixture
def seller(new_tenant):
    api = new_tenant(**SELLER)
    api.customer_id = api.post("/customers", BUYER).body["id"]
    return api


def invoice_body(api, *periods):
    lines = [{"description": f"Support {n}", "quantity": "1", "unit_price": "100.00"} for n in range(len(periods))]
    for line, period in zip(lines, periods):
        if period is not None:
            line["period"] = period
    return {"customer_id": api.customer_id, "lines": lines}


def test_a_line_period_is_kept_edited_credited_and_in_the_e_invoices(seller):
    made = seller.post("/invoices", invoice_body(seller, MARCH, None))
    assert made.status == 201, made.body
    assert made.body["lines"][0]["period"] == MARCH and "period" not in made.body["lines"][1]
    invoice_id = made.body["id"]
    assert seller.get(f"/invoices/{invoice_id}").body["lines"][0]["period"] == MARCH
    one_day = {"start": "2026-03-31", "end": "2026-03-31"}  # BR-30: an end equal to the start is allowed
    edited = seller.patch(f"/invoices/{invoice_id}", invoice_body(seller, MARCH, one_day))
    assert edited.status == 200 and [l.get("period") for l in edited.body["lines"]] == [MARCH, one_day]
    noted = seller.patch(f"/invoices/{invoice_id}", {"notes": "Thank you"})
    assert [l.get("period") for l in noted.body["lines"]] == [MARCH, one_day]
    assert seller.post(f"/invoices/{invoice_id}/issue", {}).status == 200
    ubl = ET.fromstring(valid_ubl(seller, f"/invoices/{invoice_id}/ubl"))
    assert line_periods(ubl) == [("2026-03-01", "2026-03-31"), ("2026-03-31", "2026-03-31")]
    credit = seller.post(f"/invoices/{invoice_id}/credit-notes", {"reason": "Cancelled", "lines": [1]})
    assert credit.status == 201 and [l.get("period") for l in credit.body["lines"]] == [one_day]
    assert seller.post(f"/credit-notes/{credit.body['id']}/issue", {}).status == 200
    ubl = ET.fromstring(valid_ubl(seller, f"/credit-notes/{credit.body['id']}/ubl"))
    assert line_periods(ubl) == [("2026-03-31", "2026-03-31")]


@pytest.mark.parametrize("period, field", [
    ({"start": "2026-03-31", "end": "2026-03-01"}, "lines[1].period.end"),
    ({"start": "2026-03-01"}, "lines[1].period.end"),
    ({"end": "2026-03-31"}, "lines[1].period.start"),
    ({"start": "2026-02-30", "end": "2026-03-31"}, "lines[1].period.start"),
    ({"start": "2026-03-01", "end": "2026-03-31", "days": 31}, "lines[1].period.days"),
    ("2026-03", "lines[1].period"),
])
def test_a_bad_period_is_a_400_naming_it_and_nothing_is_written(seller, period, field):
    refused = seller.post("/invoices", invoice_body(seller, MARCH, period))
    assert refused.status == 400 and refused.error_fields == [field], refused.body
    assert seller.get(f"/invoices?customer_id={seller.customer_id}").body["data"] == []
    draft = seller.post("/invoices", invoice_body(seller, MARCH, None)).body
    changed = seller.patch(f"/invoices/{draft['id']}", invoice_body(seller, MARCH, period))
    assert changed.status == 400 and changed.error_fields == [field]
    assert seller.get(f"/invoices/{draft['id']}").body["lines"] == draft["lines"]


def test_a_credit_note_takes_a_period_and_refuses_a_reversed_one(seller):
    invoice = seller.post("/invoices", invoice_body(seller, MARCH)).body
    assert seller.post(f"/invoices/{invoice['id']}/issue", {}).status == 200
    body = {**invoice_body(seller, MARCH), "invoice_id": invoice["id"], "reason": "Goodwill"}
    assert seller.post("/credit-notes", body).body["lines"][0]["period"] == MARCH
    body["lines"][0]["period"] = {"start": "2026-03-02", "end": "2026-03-01"}
    refused = seller.post("/credit-notes", body)
    assert refused.status == 400 and refused.error_fields == ["lines[0].period.end"]


def test_a_recurring_template_takes_no_fixed_period(seller):
    """Each invoice a template makes bills other days: one fixed period would be wrong on all but one."""
    template = {"name": "Retainer", **invoice_body(seller, MARCH),
                "schedule": {"unit": "month", "interval": 1, "start_date": "2026-03-01"}}
    refused = seller.post("/recurring-invoices", template)
    assert refused.status == 400 and refused.error_fields == ["lines[0].period"]
