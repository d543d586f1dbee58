"""Tax codes of other systems back to VAT categories, through the tenant's mapping in reverse.

Oracles: the vendors' published default codes (Intuit "VAT codes in QuickBooks Online":
20.0% S standard, 5.0% R reduced, 0.0% Z zero; Sage UK "Default tax codes": T1 standard,
T5 lower rate, T0 zero, T9 not involving VAT) with HMRC's rates (20 %, 5 %, 0 %).
"""
import pytest

from chalicelib.imports.cells import CellError
from chalicelib.imports.tax_codes import vat_of


@pytest.mark.parametrize("system, code, expected", [
    ("quickbooks", "20.0% S", ("standard", "20")), ("quickbooks", " 5.0% r ", ("reduced", "5")),
    ("quickbooks", "0.0% Z", ("zero", "0")), ("sage50", "T1", ("standard", "20")),
    ("sage50", "T5", ("reduced", "5")), ("sage50", "t9", ("outside_scope", "0")),
    ("clearbooks", "0.2", ("standard", "20")),
])
def test_default_codes_read_back_as_their_category_and_rate(system, code, expected):
    assert vat_of(None, system, code) == expected


def test_a_tenants_own_code_for_one_rate_gives_that_rate():
    mapping = {"tax_codes": {"sage50": {"reduced:12.5": "T12"}}}
    assert vat_of(mapping, "sage50", "T12") == ("reduced", "12.5")


def test_a_code_mapped_to_two_meanings_or_none_is_refused_not_guessed():
    mapping = {"tax_codes": {"sage50": {"reduced": "T1"}}}  # T1 is also the standard default
    with pytest.raises(CellError, match="means reduced at 5% and standard at 20%"):
        vat_of(mapping, "sage50", "T1")
    with pytest.raises(CellError, match="is not one of your Sage 50 tax codes .*accounting_mapping.tax_codes.sage50"):
        vat_of(None, "sage50", "T7")
