"""Country codes (ISO 3166-1 alpha-2) and the form of VAT numbers.

A VAT number starts with its country's prefix: the ISO code, except EL for
Greece and XI for Northern Ireland (HMRC). Where the format is published (the
EU's VIES table of VAT number structures, HMRC's for GB and XI) the rest must
match it; elsewhere it is letters and digits.
"""
import re
from typing import Optional

# ISO 3166-1 alpha-2, officially assigned codes (249).
COUNTRIES = frozenset("""
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR
    BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ
    EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
    GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY
    KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV
    MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY
    QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG
    TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM
    ZW
""".split())
# Codes people type for a country that has another.
_COUNTRY_MEANT = {"UK": "GB", "EL": "GR", "XI": "GB"}
_PREFIX_MEANT = {"UK": "GB", "GR": "EL"}
VAT_PREFIXES = (COUNTRIES - {"GR"}) | {"EL", "XI"}

_UK = r"\d{9}|\d{12}|GD[0-4]\d{2}|HA[5-9]\d{2}"
# What follows the prefix, spaces removed (VIES; HMRC for GB and XI). Kept as text: `re` compiles
# (and caches) a prefix's form when a number of it is checked, not at every cold start.
VAT_FORMATS = {
    "AT": r"U\d{8}", "BE": r"[01]\d{9}", "BG": r"\d{9,10}", "CY": r"\d{8}[A-Z]", "CZ": r"\d{8,10}",
    "DE": r"\d{9}", "DK": r"\d{8}", "EE": r"\d{9}", "EL": r"\d{9}", "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}", "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}", "HR": r"\d{11}", "HU": r"\d{8}",
    "IE": r"\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W]", "IT": r"\d{11}", "LT": r"\d{9}|\d{12}", "LU": r"\d{8}",
    "LV": r"\d{11}", "MT": r"\d{8}", "NL": r"\d{9}B\d{2}", "PL": r"\d{10}", "PT": r"\d{9}",
    "RO": r"[1-9]\d{1,9}", "SE": r"\d{10}01", "SI": r"\d{8}", "SK": r"\d{10}", "GB": _UK, "XI": _UK,
}
_ANY = r"[A-Z0-9]{2,18}"
# The same rule as one pattern, spaces left out (for the OpenAPI document).
VAT_NUMBER_PATTERN = "^(?:" + "|".join(
    [f"{name}(?:{form})" for name, form in sorted(VAT_FORMATS.items())]
    + [f"(?:{'|'.join(sorted(VAT_PREFIXES - set(VAT_FORMATS)))}){_ANY}"]) + ")$"


def country_problem(code: str) -> Optional[str]:
    """Why `code` is not a country code, or None (upper case expected)."""
    if code in COUNTRIES:
        return None
    meant = _COUNTRY_MEANT.get(code)
    return (f"must be an ISO 3166-1 alpha-2 country code: {meant}, not {code}" if meant
            else "must be an ISO 3166-1 alpha-2 country code such as GB")


def vat_number_problem(number: str) -> Optional[str]:
    """Why `number` is not a VAT number of the published form, or None."""
    compact = number.replace(" ", "").upper()
    prefix, rest = compact[:2], compact[2:]
    if prefix not in VAT_PREFIXES:
        meant = _PREFIX_MEANT.get(prefix)
        return (f"must start with {meant}, not {prefix}" if meant
                else "must start with its country's prefix, such as GB, XI or an EU prefix (EL for Greece)")
    if not re.fullmatch(VAT_FORMATS.get(prefix, _ANY), rest):
        return f"does not have the published form of a {prefix} VAT number"
    return None

