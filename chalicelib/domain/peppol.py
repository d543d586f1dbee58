"""Peppol participant identifiers: an Electronic Address Scheme (EAS) code and a value.

A Peppol e-invoice addresses seller and buyer by such an identifier (BT-34, BT-49). The schemes are
those Peppol BIS Billing 3.0 (release 3.0.19) accepts (PEPPOL-EN16931-CL008); the values of the
schemes whose format Peppol checks (PEPPOL-COMMON-R040 to R050) are checked here the same way, so
an identifier we accept is never the reason a document fails.

Some schemes are defined by the VAT number, so a party's identifier can be derived from it: the
VAT schemes of the EAS list (99xx), and national numbers that a VAT number spells out (a Belgian,
Norwegian or Swedish VAT number holds the enterprise or organisation number; Italy's and Denmark's
schemes take the VAT number itself).
"""
import re
from typing import Callable, Dict, NamedTuple, Optional

EAS_CODES = frozenset((
    "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0151 0177 0183 0184 0188 0190 0191 "
    "0192 0193 0195 0196 0198 0199 0200 0201 0202 0204 0208 0209 0210 0211 0212 0213 0215 0216 0218 "
    "0221 0230 0235 9910 9913 9914 9915 9918 9919 9920 9922 9923 9924 9925 9926 9927 9928 9929 9930 "
    "9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 9945 9946 9947 9948 9949 "
    "9950 9951 9952 9953 9957 9959 0147 0154 0158 0170 0194 0203 0205 0217 0225 0240").split())
# The EAS schemes "<country> VAT number", by VAT number prefix (EL: Greece).
VAT_SCHEMES = dict(pair.split(":") for pair in (
    "AD:9922 AL:9923 AT:9914 BA:9924 BG:9926 CH:9927 CY:9928 CZ:9929 DE:9930 EE:9931 GB:9932 EL:9933 "
    "HR:9934 IE:9935 LI:9936 LT:9937 LU:9938 LV:9939 MC:9940 ME:9941 MK:9942 MT:9943 NL:9944 PL:9945 "
    "PT:9946 RO:9947 RS:9948 SI:9949 SK:9950 SM:9951 TR:9952 VA:9953 FR:9957 HU:9910 ES:9920").split())


class PeppolId(NamedTuple):
    scheme: str
    value: str


def _digits(value: str, count: int) -> bool:
    return len(value) == count and value.isascii() and value.isdigit()


def _gln(value: str) -> bool:
    """GS1 check digit: weights 3 and 1 from the right of the body."""
    if not (value.isascii() and value.isdigit() and len(value) > 1):
        return False
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(value[:-1])))
    return (10 - total % 10) % 10 == int(value[-1])


def _mod11(value: str) -> bool:
    """Norwegian organisation number: weights 2 to 7 from the right, repeated."""
    body, check = value[:-1], int(value[-1])
    total = sum(int(d) * (i % 6 + 2) for i, d in enumerate(reversed(body)))
    return int(value) > 0 and (11 - total % 11) % 11 == check


def _luhn(value: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(value[:9])):
        doubled = int(d) * (2 if i % 2 == 0 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return (10 - total % 10) % 10 == int(value[9])


def _abn(value: str) -> bool:
    weights = (10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
    numbers = [int(value[0]) - 1] + [int(d) for d in value[1:]]
    return sum(w * n for w, n in zip(weights, numbers)) % 89 == 0


# The schemes whose values Peppol checks, and how (the rules' own wording of the format).
_FORMATS: Dict[str, tuple] = {
    "0088": (_gln, "a GLN: digits ending in a valid GS1 check digit"),
    "0192": (lambda v: _digits(v, 9) and _mod11(v), "a Norwegian organisation number: 9 digits, valid mod 11"),
    "0184": (lambda v: _digits(v, 8) or (v[:2] == "DK" and _digits(v[2:], 8)),
             "a Danish CVR number: 8 digits, optionally after DK"),
    "0208": (lambda v: _digits(v, 10) and 97 - int(v[:8]) % 97 == int(v[8:]),
             "a Belgian enterprise number: 10 digits, valid mod 97"),
    "0007": (lambda v: _digits(v, 10) and _luhn(v), "a Swedish organisation number: 10 digits, valid Luhn"),
    "0151": (lambda v: _digits(v, 11) and _abn(v), "an Australian Business Number: 11 digits, valid mod 89"),
}
_VALUE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.:_\-]{0,49}")


def identifier_problem(scheme: str, value: str) -> Optional[str]:
    """Why (scheme, value) is not a usable Peppol participant identifier, or None."""
    if scheme not in EAS_CODES:
        return "is not a scheme of the Peppol Electronic Address Scheme code list"
    if not _VALUE.fullmatch(value):
        return "must be 1 to 50 letters, digits, '.', ':', '_' or '-', starting with a letter or digit"
    check, meaning = _FORMATS.get(scheme, (None, None))
    if check and not check(value):
        return f"must be {meaning} (scheme {scheme})"
    return None


def _digits_between(prefix: str, suffix: str, count: int) -> Callable[[str], Optional[str]]:
    def derive(vat_id: str) -> Optional[str]:
        body = vat_id[len(prefix):len(vat_id) - len(suffix)]
        return body if vat_id.endswith(suffix) and _digits(body, count) else None
    return derive


# VAT numbers that spell out another scheme's value: (scheme, the value from the VAT number).
_HELD = {
    "BE": ("0208", _digits_between("BE", "", 10)),
    "NO": ("0192", _digits_between("NO", "MVA", 9)),
    "SE": ("0007", _digits_between("SE", "01", 10)),
    "IT": ("0211", lambda vat_id: vat_id if _digits(vat_id[2:], 11) else None),
    "DK": ("0184", lambda vat_id: vat_id if _digits(vat_id[2:], 8) else None),
    # Northern Ireland's XI numbers are UK VAT registrations: the same number as GB.
    "XI": ("9932", lambda vat_id: "GB" + vat_id[2:]),
}


def from_vat_number(vat_id: Optional[str]) -> Optional[PeppolId]:
    """The identifier a VAT number (prefixed, without spaces) defines, if any, and if valid."""
    if not vat_id:
        return None
    prefix = vat_id[:2]
    if prefix in VAT_SCHEMES:
        derived = PeppolId(VAT_SCHEMES[prefix], vat_id)
    elif prefix in _HELD:
        scheme, derive = _HELD[prefix]
        value = derive(vat_id)
        derived = PeppolId(scheme, value) if value else None
    else:
        return None
    return derived if derived and identifier_problem(*derived) is None else None
