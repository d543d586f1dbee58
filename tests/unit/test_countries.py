"""Country codes and VAT numbers, against ISO 3166-1 and the published VAT number structures
(the EU's VIES table; HMRC for GB and XI)."""
import re

import pytest

from chalicelib.domain.countries import COUNTRIES, VAT_NUMBER_PATTERN, country_problem, vat_number_problem


def test_iso_3166_1_alpha_2_has_249_officially_assigned_codes():
    assert len(COUNTRIES) == 249
    assert {"GB", "GR", "DE", "IE", "US", "JE", "GG", "IM"} <= COUNTRIES
    assert not {"UK", "EL", "XI", "ZZ", "XX", "EU"} & COUNTRIES


@pytest.mark.parametrize("code, meant", [("UK", "GB"), ("EL", "GR"), ("XI", "GB")])
def test_codes_people_type_for_another_country_suggest_it(code, meant):
    assert f"{meant}, not {code}" in country_problem(code)


@pytest.mark.parametrize("number", [
    "GB123456789", "GB 123 4567 89", "GB123456789001", "GBGD001", "GBHA599", "XI123456789",
    "ATU12345678", "BE0123456789", "BG123456789", "BG1234567890", "CY12345678L", "CZ12345678", "CZ1234567890",
    "DE123456789", "DK12345678", "EE123456789", "EL123456789", "ESX1234567X", "ES12345678Z", "FI12345678",
    "FRXX123456789", "FR12123456789", "HR12345678901", "HU12345678", "IE1S12345L", "IE1234567WI", "IT12345678901",
    "LT123456789", "LT123456789012", "LU12345678", "LV12345678901", "MT12345678", "NL123456789B01",
    "PL1234567890", "PT123456789", "RO12", "RO1234567890", "SE123456789001", "SI12345678", "SK1234567890",
    "NO123456789MVA", "CHE123456789"])
def test_published_forms_are_accepted(number):
    assert vat_number_problem(number) is None


@pytest.mark.parametrize("number, problem", [
    ("UK123456789", "must start with GB, not UK"), ("GR123456789", "must start with EL, not GR"),
    ("ZZ123456789", "prefix"), ("123456789", "prefix"),
    ("GB12345678", "GB VAT number"), ("GBGD500", "GB VAT number"), ("ATA12345678", "AT VAT number"),
    ("DE12345678", "DE VAT number"), ("NL123456789A01", "NL VAT number"), ("SE123456789012", "SE VAT number"),
    ("RO0123", "RO VAT number")])
def test_other_forms_are_refused(number, problem):
    assert problem in vat_number_problem(number)


@pytest.mark.parametrize("number", ["GB123456789", "EL123456789", "NO123456789MVA", "UK123456789", "GR123456789",
                                    "DE12345678", "ATU12345678", "XGB123456789"])
def test_the_published_pattern_says_the_same_as_the_rule(number):
    assert bool(re.search(VAT_NUMBER_PATTERN, number)) == (vat_number_problem(number) is None)
