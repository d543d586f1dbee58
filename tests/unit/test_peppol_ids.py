"""Peppol participant identifiers: our checks agree with the Peppol BIS 3 rules themselves.

The oracle is OpenPeppol's compiled rules (tests/support/peppol/): an identifier we accept must
pass their code list (PEPPOL-EN16931-CL008) and value checks (PEPPOL-COMMON-R040 to R050), and
one we refuse must fail them.
"""
import pytest
from hypothesis import given, settings, strategies as st

from chalicelib.domain.peppol import EAS_CODES, PeppolId, from_vat_number, identifier_problem
from tests.support.einvoice import PEPPOL, rule_findings

CHECKED = ("0088", "0192", "0184", "0208", "0007", "0151")  # the schemes whose values Peppol checks


def peppol_accepts(scheme: str, value: str) -> bool:
    """No fatal Peppol finding on a buyer EndpointID with this scheme and value."""
    xml = ('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" '
           'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
           'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
           f'<cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="{scheme}">{value}</cbc:EndpointID>'
           '</cac:Party></cac:AccountingCustomerParty></Invoice>')
    wanted = {"PEPPOL-EN16931-CL008"} | {f"PEPPOL-COMMON-R0{n}" for n in range(40, 51)}
    return not [f for f in rule_findings(xml.encode(), PEPPOL) if f.id in wanted and f.flag == "fatal"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(CHECKED), st.text("0123456789", min_size=7, max_size=12))
def test_value_checks_agree_with_peppol_for_every_check_digit(scheme, body):
    # Every last digit of a random body: one or more pass the scheme's check, the others fail.
    for value in (body + digit for digit in "0123456789"):
        assert (identifier_problem(scheme, value) is None) == peppol_accepts(scheme, value), (scheme, value)


@pytest.mark.parametrize("scheme, value", [
    ("0088", "5790000435975"), ("0192", "987654325"), ("0208", "0403170701"), ("0007", "5560360793"),
    ("0184", "DK12345678"), ("0151", "51824753556"), ("9932", "GB123456789"), ("0060", "123456789"),
])
def test_known_good_identifiers_are_accepted_by_both(scheme, value):
    assert identifier_problem(scheme, value) is None and peppol_accepts(scheme, value)


def test_schemes_outside_the_code_list_are_refused_by_both():
    for scheme in ("EM", "0207", "9955", "9956", "1234"):
        assert scheme not in EAS_CODES and not peppol_accepts(scheme, "123456789")
        assert "code list" in identifier_problem(scheme, "123456789")
    assert "letters, digits" in identifier_problem("9932", "GB 123 456 789")


@pytest.mark.parametrize("vat_id, expected", [
    # The EAS list's "<country> VAT number" schemes take the VAT number as it is.
    ("GB123456789", ("9932", "GB123456789")), ("DE123456789", ("9930", "DE123456789")),
    ("FR12345678901", ("9957", "FR12345678901")), ("ESB12345678", ("9920", "ESB12345678")),
    ("NL123456789B01", ("9944", "NL123456789B01")), ("IE1234567T", ("9935", "IE1234567T")),
    ("EL123456789", ("9933", "EL123456789")),
    # Northern Ireland's XI number is the UK VAT registration.
    ("XI123456789", ("9932", "GB123456789")),
    # VAT numbers that spell out another scheme's number.
    ("BE0403170701", ("0208", "0403170701")), ("NO987654325MVA", ("0192", "987654325")),
    ("SE556036079301", ("0007", "5560360793")), ("IT12345678903", ("0211", "IT12345678903")),
    ("DK12345678", ("0184", "DK12345678")),
    # None where the number is not what its scheme needs, or no scheme is defined by it.
    ("NO987654321MVA", None), ("SE556036079401", None), ("BE0403170702", None), ("US123456789", None),
    ("AU51824753556", None), (None, None),
])
def test_identifiers_derived_from_vat_numbers(vat_id, expected):
    derived = from_vat_number(vat_id)
    assert derived == (PeppolId(*expected) if expected else None)
    if derived:
        assert peppol_accepts(*derived)
