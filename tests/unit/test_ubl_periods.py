"""Line periods (EN 16931 BG-26) and the invoicing period (BG-14) in UBL invoices and credit notes.

The expectations are the specification's, not our code's:
- UBL 2.1 (OASIS schemas): a line's cac:InvoicePeriod comes after cbc:LineExtensionAmount and before
  cac:AllowanceCharge and cac:Item, the document's after cbc:BuyerReference; a period holds
  cbc:StartDate before cbc:EndDate. schema_errors checks the order against the XSD.
- EN 16931: BT-134/BT-135 are a line period's start and end dates, BT-73/BT-74 the invoicing period's;
  BR-30 and BR-29: the end is later than or equal to the start; UBL-SR-36 and UBL-SR-08: at most one
  period per line and per document; UBL-CR-520 to 524: a line period holds no times, duration,
  description code or description.
- Peppol BIS 3 (PEPPOL-EN16931-R110, R111): a line period's start and end lie within the invoicing period.
The last test runs the official rules on documents broken on purpose: they are what the other tests
rely on to catch a wrong period.
"""
import xml.etree.ElementTree as ET

from tests.support.einvoice import EN16931, PEPPOL, rule_findings, schema_errors
from tests.support.ubl_documents import NS, line, line_periods, presented, valid_ubl

FEE = line("Voice 1000, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days)", "1", "16.45",
           period=("2026-03-15", "2026-03-31"))
DAY = line("Usage on 20 Mar 2026: 2 calls, 2.00 min", "1", "0.03", period=("2026-03-20", "2026-03-20"))
ALLOWANCE = line("Included in the package: 1,000 min to UK; 2.00 min used", "1", "0",
                 period=("2026-03-01", "2026-03-31"))
LATE = line("Late usage of 1 Feb 2026 - 28 Feb 2026, UK: 1 call, 1.00 min", "1", "0.02", discount=("amount", "0.01"),
            period=("2026-02-01", "2026-02-28"))
SETUP = line("Setup", "1", "25.00")


def invoicing_period(root):
    period = root.findall("cac:InvoicePeriod", NS)
    assert len(period) <= 1  # UBL-SR-08
    return (period[0].findtext("cbc:StartDate", None, NS), period[0].findtext("cbc:EndDate", None, NS)) \
        if period else None


def test_each_line_with_a_period_carries_it_and_a_line_without_one_none():
    root = valid_ubl(presented([FEE, DAY, SETUP]))
    assert line_periods(root) == [("2026-03-15", "2026-03-31"), ("2026-03-20", "2026-03-20"), None]
    assert invoicing_period(root) is None  # the setup line has no period: the invoice as a whole neither


def test_lines_that_all_have_periods_give_the_invoice_the_period_they_span():
    root = valid_ubl(presented([FEE, DAY, ALLOWANCE, LATE]))
    lines = line_periods(root)
    assert lines == [("2026-03-15", "2026-03-31"), ("2026-03-20", "2026-03-20"), ("2026-03-01", "2026-03-31"),
                     ("2026-02-01", "2026-02-28")]
    start, end = invoicing_period(root)
    assert (start, end) == ("2026-02-01", "2026-03-31")  # late usage of February reaches back into it
    assert all(start <= first <= last <= end for first, last in lines)  # R110, R111 (ISO dates sort as dates)


def test_a_credit_note_carries_the_periods_of_its_lines():
    root = valid_ubl(presented([FEE, ALLOWANCE], credit_note=True))
    assert line_periods(root) == [("2026-03-15", "2026-03-31"), ("2026-03-01", "2026-03-31")]
    assert invoicing_period(root) == ("2026-03-01", "2026-03-31")


def test_a_period_of_one_day_ends_on_its_start():
    root = valid_ubl(presented([DAY]))  # BR-30: later than or equal to
    assert line_periods(root) == [("2026-03-20", "2026-03-20")]
    assert invoicing_period(root) == ("2026-03-20", "2026-03-20")


def _broken(xml: bytes, path: str, start: str, end: str) -> bytes:
    ET.register_namespace("", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2")
    for prefix, uri in NS.items():
        ET.register_namespace(prefix, uri)
    root = ET.fromstring(xml)
    period = root.find(path, NS)
    period.find("cbc:StartDate", NS).text, period.find("cbc:EndDate", NS).text = start, end
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _fatal_ids(xml: bytes):
    return {f.id for f in rule_findings(xml, EN16931) + rule_findings(xml, PEPPOL) if f.flag == "fatal"}


def test_the_official_rules_refuse_a_period_that_ends_before_it_starts_or_strays_outside_the_invoice():
    from chalicelib.render.ubl import ubl_xml

    xml = ubl_xml(presented([FEE, ALLOWANCE]))
    assert _fatal_ids(xml) == set()
    reversed_line = _broken(xml, "cac:InvoiceLine/cac:InvoicePeriod", "2026-03-31", "2026-03-15")
    assert schema_errors(reversed_line) == [] and "BR-30" in _fatal_ids(reversed_line)
    reversed_invoice = _broken(xml, "cac:InvoicePeriod", "2026-03-31", "2026-03-01")
    assert "BR-29" in _fatal_ids(reversed_invoice)
    outside = _broken(xml, "cac:InvoiceLine/cac:InvoicePeriod", "2026-02-28", "2026-04-01")
    assert {"PEPPOL-EN16931-R110", "PEPPOL-EN16931-R111"} <= _fatal_ids(outside)
