"""A tenant's codes in its accounting system: tax codes, sales accounts, customer references.

A mapping (kept with the tenant's export settings) looks like

    {"tax_codes": {"xero": {"standard": "20% (VAT on Income)", "reduced:5": "5% (VAT on Income)"}},
     "accounts": {"sage50": {"default": "4000", "products": {"prd_...": "4010"}}},
     "customers": {"sage50": {"cus_...": "ACME01"}}}

Every part is optional: what the tenant leaves out takes the system's default
below. A tax code key is one of our VAT categories, or "category:rate" for one
rate of it (that key wins over the bare category). Pure: no I/O.

Where the defaults come from:
- Xero: developer.xero.com/documentation/api/accounting/taxrates, "Tax Rate
  Constraints", United Kingdom: the display names are what the CSV import reads
  ("20% (VAT on Income)"), the TaxType codes what the API takes ("OUTPUT2").
  On sales, domestic reverse charge is DRCHARGE20 "Domestic Reverse Charge @ 20%
  (VAT on Income)". Account 200 is Sales in Xero's default UK chart.
- Sage 50 (UK): Sage knowledge base "UK - Default tax codes" (v27.1 and above):
  T0 zero, T1 standard, T2 exempt, T5 lower rate, T9 transactions not involving
  VAT; for a sale under the domestic reverse charge "Which tax code to use for the
  sale of goods or services under CIS Domestic Reverse Charge" gives T21 (T26 at
  the reduced rate, which a tenant maps; T20 is EU reverse charge). Nominal 4000
  is Sales Type A.
- QuickBooks Online UK: Intuit "VAT codes in QuickBooks Online" (20.0% S, 5.0% R,
  0.0% Z, Exempt, No VAT; the RC codes for reverse charge). Its invoice import has
  no account column: a line names a product/service, whose income account books
  it; "Sales" is the generic item QuickBooks itself uses.
- Clear Books: its SOAP API (github clearbooks/clearbooks-soap-php) writes VAT
  rates as fractions ("0.2") and books sales to account 1001001. The names for
  exempt, outside-scope and reverse-charge lines are ours: tenants map them.
- FreshBooks: a line's tax is a name plus a percentage; untaxed lines carry none
  (an empty default), and lines have no account.
"""
import re
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, NamedTuple, Optional

from ...domain import vat
from ...domain.errors import invalid
from .documents import plain_number


class Shape(NamedTuple):
    """What a code of one kind may look like in a system."""
    length: int
    pattern: str = r".+"
    hint: str = "text"


class System(NamedTuple):
    tax_codes: Dict[str, str]  # the default code of each VAT category
    tax_code: Shape
    account: Optional[str] = None  # default sales account; None when lines carry no account
    account_code: Shape = Shape(0)
    customer_ref: Optional[Shape] = None  # None when the system finds customers by name
    accounts_from: Optional[str] = None  # takes its accounts and customers from that system


def _categories(standard, reduced, zero, exempt, reverse_charge, outside_scope) -> Dict[str, str]:
    return {vat.STANDARD: standard, vat.REDUCED: reduced, vat.ZERO: zero, vat.EXEMPT: exempt,
            vat.REVERSE_CHARGE: reverse_charge, vat.OUTSIDE_SCOPE: outside_scope}


SYSTEMS: Dict[str, System] = {
    "xero": System(
        _categories("20% (VAT on Income)", "5% (VAT on Income)", "Zero Rated Income", "Exempt Income",
                    "Domestic Reverse Charge @ 20% (VAT on Income)", "No VAT"),
        tax_code=Shape(50), account="200", account_code=Shape(10)),
    "xero_api": System(
        _categories("OUTPUT2", "RROUTPUT", "ZERORATEDOUTPUT", "EXEMPTOUTPUT", "DRCHARGE20", "NONE"),
        tax_code=Shape(50, r"[A-Z0-9]+", "a Xero TaxType such as OUTPUT2"), account="200",
        account_code=Shape(10), accounts_from="xero"),
    "quickbooks": System(
        _categories("20.0% S", "5.0% R", "0.0% Z", "Exempt", "20.0% RC CIS", "No VAT"),
        tax_code=Shape(100), account="Sales", account_code=Shape(100)),
    "sage50": System(
        _categories("T1", "T5", "T0", "T2", "T21", "T9"),
        tax_code=Shape(3, r"T\d{1,2}", "a Sage tax code from T0 to T99"), account="4000",
        account_code=Shape(8), customer_ref=Shape(8)),
    "clearbooks": System(
        _categories("0.2", "0.05", "0", "Exempt", "Reverse charge", "Out of scope"),
        tax_code=Shape(30), account="1001001", account_code=Shape(20)),
    "freshbooks": System(
        _categories("VAT", "VAT", "", "", "", ""),
        tax_code=Shape(50), customer_ref=Shape(20, r"\d+", "a FreshBooks client id (digits)")),
}
PARTS = ("tax_codes", "accounts", "customers")


class Codes(NamedTuple):
    """One system's codes for one tenant: its own where it set them, the defaults elsewhere."""
    tax_codes: Dict[str, str]  # by "category" and "category:rate"
    default_account: Optional[str]
    product_accounts: Dict[str, str]
    customer_refs: Dict[str, str]

    def tax_code(self, category: str, rate: Any) -> str:
        return self.tax_codes.get(f"{category}:{rate_key(rate)}", self.tax_codes[category])

    def account(self, product_id: Optional[str]) -> Optional[str]:
        return self.product_accounts.get(product_id or "", self.default_account)

    def customer_ref(self, customer_id: str) -> Optional[str]:
        return self.customer_refs.get(customer_id)


def rate_key(rate: Any) -> str:
    """A rate as a key: 20, 20.00 and 2E+1 are all "20"."""
    return plain_number(Decimal(str(rate)))


def codes_for(mapping: Optional[Dict[str, Any]], system: str) -> Codes:
    """The codes `system` uses for a tenant with `mapping`; raises ValidationError on a bad mapping."""
    checked = validate(mapping)
    spec = SYSTEMS[system]
    owner = spec.accounts_from or system
    accounts = checked["accounts"].get(owner, {})
    return Codes(
        tax_codes={**spec.tax_codes, **checked["tax_codes"].get(system, {})},
        default_account=accounts.get("default", SYSTEMS[owner].account),
        product_accounts=accounts.get("products", {}),
        customer_refs=checked["customers"].get(owner, {}),
    )


def validate(mapping: Optional[Dict[str, Any]]) -> Dict[str, Dict[str, Any]]:
    """The mapping with its rate keys normalised; raises invalid(field, message) at the first fault."""
    mapping = {} if mapping is None else mapping
    _require_object(mapping, "mapping")
    for part in mapping:
        if part not in PARTS:
            raise invalid(part, f"is not one of {', '.join(PARTS)}")
    return {
        "tax_codes": _per_system(mapping, "tax_codes", list(SYSTEMS), _tax_codes),
        "accounts": _per_system(mapping, "accounts", _account_systems(), _accounts),
        "customers": _per_system(mapping, "customers", _customer_systems(), _customers),
    }


def _account_systems():
    return [name for name, spec in SYSTEMS.items() if spec.account and not spec.accounts_from]


def _customer_systems():
    return [name for name, spec in SYSTEMS.items() if spec.customer_ref]


def _per_system(mapping, part, allowed, check) -> Dict[str, Any]:
    given = mapping.get(part, {})
    _require_object(given, part)
    checked = {}
    for system, codes in given.items():
        if system not in allowed:
            raise invalid(f"{part}.{system}", f"is not one of {', '.join(allowed)}")
        _require_object(codes, f"{part}.{system}")
        checked[system] = check(codes, SYSTEMS[system], f"{part}.{system}")
    return checked


def _tax_codes(codes, spec: System, path: str) -> Dict[str, str]:
    checked = {}
    for key, code in codes.items():
        field = f"{path}.{key}"
        category, _, rate = str(key).partition(":")
        if category not in vat.CATEGORIES:
            raise invalid(field, f"must be a VAT category ({', '.join(vat.CATEGORIES)}), "
                                 f"optionally followed by :rate")
        normal = category if not rate else f"{category}:{_checked_rate(category, rate, field)}"
        checked[normal] = _code(code, spec.tax_code, field)
    return checked


def _checked_rate(category: str, rate: str, field: str) -> str:
    try:
        number = Decimal(rate)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise invalid(field, f"has a rate that is not a number: {rate!r}")
    problem = vat.rate_problem(category, number)
    if problem:
        raise invalid(field, f"has a rate that {problem}")
    return rate_key(number)


def _accounts(codes, spec: System, path: str) -> Dict[str, Any]:
    checked: Dict[str, Any] = {}
    for key, value in codes.items():
        if key == "default":
            checked["default"] = _code(value, spec.account_code, f"{path}.default")
        elif key == "products":
            _require_object(value, f"{path}.products")
            checked["products"] = {product: _code(code, spec.account_code, f"{path}.products.{product}")
                                   for product, code in value.items()}
        else:
            raise invalid(f"{path}.{key}", "is not one of default, products")
    return checked


def _customers(codes, spec: System, path: str) -> Dict[str, str]:
    return {customer: _code(ref, spec.customer_ref, f"{path}.{customer}")
            for customer, ref in codes.items()}


def _code(value: Any, shape: Shape, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise invalid(field, "must be a non-empty string")
    if len(value) > shape.length:
        raise invalid(field, f"must be at most {shape.length} characters")
    if not re.fullmatch(shape.pattern, value, re.DOTALL):
        raise invalid(field, f"must be {shape.hint}")
    return value


def _require_object(value: Any, field: str) -> None:
    if not isinstance(value, dict):
        raise invalid(field, "must be an object")
