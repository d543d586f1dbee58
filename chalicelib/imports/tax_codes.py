"""Another system's tax code read back as our VAT category and rate: the tenant's accounting
mapping (render/accounting/mapping.py, what our exports write) in reverse. Pure: no I/O.

A code is compared with its case and surrounding spaces aside. Mapped to a bare
category it takes that category's default rate; to "category:rate", that rate.
A code the mapping gives to two different categories or rates, or to none, is
refused with what to do: never guessed.
"""
from typing import Any, Dict, Optional, Tuple

from ..domain import vat
from ..render.accounting.mapping import codes_for, rate_key
from .cells import CellError
from .vendor_layouts import NAMES as VENDORS

NAMES = {**VENDORS, "xero": "Xero"}


def _same(code: str) -> str:
    return " ".join(code.split()).lower()


def vat_of(mapping: Optional[Dict[str, Any]], system: str, code: str) -> Tuple[str, str]:
    """(VAT category, rate) of the system's tax code `code` for a tenant with `mapping`."""
    tax_codes = codes_for(mapping, system).tax_codes
    meanings = set()
    for key, mapped in tax_codes.items():
        if _same(mapped) == _same(code):
            category, _, rate = key.partition(":")
            meanings.add((category, rate or rate_key(vat.default_rate(category))))
    where = f"accounting_mapping.tax_codes.{system}"
    if len(meanings) == 1:
        return meanings.pop()
    if meanings:
        shown = " and ".join(sorted(f"{category} at {rate}%" for category, rate in meanings))
        raise CellError(f"means {shown} in your {NAMES.get(system, system)} tax codes; give each its own code "
                        f"in {where}")
    known = ", ".join(sorted({repr(c) for c in tax_codes.values() if c}))
    raise CellError(f"is not one of your {NAMES.get(system, system)} tax codes ({known}); map it to a VAT "
                    f"category in {where}")
