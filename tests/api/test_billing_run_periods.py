"""The days each line of a billing-run invoice bills (its period), from the run to the API, the e-invoice
(checked with the UBL 2.1 schema, the EN 16931 and the Peppol BIS 3 rules), a credit note and the PDF.

The expected periods are worked by hand from the rules, not read from our code: a package fee bills the
days it was held in the period (here from a start on 15 March); a usage line grouped by day bills its day
(EN 16931 BG-26: the period relevant for the line); an allowance's line, the whole period it belongs to;
late usage of March on April's invoice, March's day or March; the invoice as a whole (BG-14), from the
earliest day any line bills to the latest (each line period within it: PEPPOL-EN16931-R110, R111).
"""
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

import requests
from pypdf import PdfReader

from chalicelib.jobs import billing as run
from tests.api.test_catalogue import card, package
from tests.api.test_e_invoices import valid_ubl
from tests.api.test_line_periods import BUYER, SELLER
from tests.support.ubl_documents import NS, line_periods

END_OF_MARCH = datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)  # midnight in London (BST)
END_OF_APRIL = datetime(2026, 4, 30, 23, 0, tzinfo=timezone.utc)
PDF_OUT = Path("/tmp")  # billing-run-<month>.pdf kept for a look by eye: pdftoppm -png -r 80


def day(iso):
    return iso, iso


def record(n, start, destination="+44 20 7946 0000", seconds=125):
    return {"id": f"p{n}", "account": "ACME-P", "start": start, "duration_seconds": seconds,
            "destination": destination}


def periods_answered(api, invoice_id):
    return [(l["period"]["start"], l["period"]["end"]) for l in api.get(f"/invoices/{invoice_id}").body["lines"]]


def invoicing_period(root):
    node = root.find("cac:InvoicePeriod", NS)
    return node.findtext("cbc:StartDate", None, NS), node.findtext("cbc:EndDate", None, NS)


def printed(api, invoice_id, month):
    """The PDF's first page as text (its runs of spaces and line breaks as one space)."""
    pdf = requests.get(api.get(f"/invoices/{invoice_id}/pdf").body["url"], timeout=10).content
    (PDF_OUT / f"billing-run-{month}.pdf").write_bytes(pdf)
    return " ".join(PdfReader(BytesIO(pdf)).pages[0].extract_text().split())


def checked_e_invoice(api, path, lines, whole):
    root = ET.fromstring(valid_ubl(api, path))
    assert line_periods(root) == lines and invoicing_period(root) == whole
    return root


def test_every_line_of_a_billing_run_invoice_carries_its_days_into_the_e_invoice_and_the_pdf(new_tenant):
    api = new_tenant(**SELLER)
    customer_id = api.post("/customers", BUYER).body["id"]
    voice = package(api, card(api), usage_grouping="day")
    sub = api.post("/subscriptions", {"customer_id": customer_id, "package_id": voice["id"], "action": "issue",
                                      "start_date": "2026-03-15", "day_of_month": 1, "account_reference": "ACME-P"})
    assert sub.status == 201, sub.body
    calls = [record(1, "2026-03-20T10:00:00Z"), record(2, "2026-03-20T11:00:00Z", "+44 7700 900123"),
             record(3, "2026-03-21T09:00:00Z", "+1 212 555 0100")]
    assert api.post("/usage-records", {"records": calls}).body["counted"] == 3
    [march] = run.bill_due(api.tenant_id, sub.body["id"], END_OF_MARCH)
    march_lines = [("2026-03-15", "2026-03-31"), day("2026-03-20"), day("2026-03-21"), ("2026-03-01", "2026-03-31")]
    assert periods_answered(api, march) == march_lines  # fee held from the 15th, two days of usage, the allowance
    checked_e_invoice(api, f"/invoices/{march}/ubl", march_lines, ("2026-03-01", "2026-03-31"))

    late_and_april = [record(4, "2026-03-25T12:00:00Z"), record(5, "2026-04-02T12:00:00Z")]
    assert api.post("/usage-records", {"records": late_and_april}).body["counted"] == 2
    [april] = run.bill_due(api.tenant_id, sub.body["id"], END_OF_APRIL)
    invoice = api.get(f"/invoices/{april}").body
    assert [l["description"].split(":")[0] for l in invoice["lines"]] == [
        "Voice 1000, 1 Apr 2026 - 30 Apr 2026", "Usage on 2 Apr 2026", "Included in the package",
        "Late usage of 1 Mar 2026 - 31 Mar 2026, usage on 25 Mar 2026",
        "Late usage of 1 Mar 2026 - 31 Mar 2026, included in the package"]
    april_lines = [("2026-04-01", "2026-04-30"), day("2026-04-02"), ("2026-04-01", "2026-04-30"), day("2026-03-25"),
                   ("2026-03-01", "2026-03-31")]
    assert periods_answered(api, april) == april_lines
    checked_e_invoice(api, f"/invoices/{april}/ubl", april_lines, ("2026-03-01", "2026-04-30"))

    credit = api.post(f"/invoices/{april}/credit-notes", {"reason": "Disputed"})
    assert credit.status == 201 and api.post(f"/credit-notes/{credit.body['id']}/issue", {}).status == 200
    root = checked_e_invoice(api, f"/credit-notes/{credit.body['id']}/ubl", april_lines, ("2026-03-01", "2026-04-30"))
    assert len(root.findall("cac:CreditNoteLine", NS)) == len(april_lines)

    # The PDF prints a line's days under it where its description does not name them: the allowance's line.
    for invoice_id, month, shown in ((march, "march", "1 Mar 2026 – 31 Mar 2026"),
                                     (april, "april", "1 Apr 2026 – 30 Apr 2026")):
        text = printed(api, invoice_id, month)
        assert text.count(shown) == 1 and "–" not in text.replace(shown, ""), (month, text)
