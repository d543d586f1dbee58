"""What Peppol BIS Billing 3.0 adds to EN 16931 for our UBL: payment means, and the refusals.

- Payment means (BG-16) come from the tenant's payment details: an IBAN (with its BIC) as SEPA
  credit transfer (UNCL 4461 code 58) in euro, else as credit transfer (30); else a UK account
  number with its sort code as the branch (30). The document's number is the payment reference
  (BT-83). A credit note carries them too: the German and Dutch rules ask for payment instructions
  on every document, and 30 and 58 are the codes they all accept.
- `peppol_problems` names each detail a document lacks for the Peppol rules that apply to it: the
  electronic addresses (PEPPOL-EN16931-R010, R020) and the national rules of the seller's country
  (Germany's where seller and buyer are both in Germany, the Netherlands', Sweden's, Norway's).
  ubl.py refuses (409) a document with any, rather than emit one an access point would reject.
"""
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import List, NamedTuple, Optional, Tuple

from ..domain.peppol import from_vat_number
from .ubl_parties import Party, group, leaf

SEPA_CREDIT_TRANSFER, CREDIT_TRANSFER = "58", "30"  # UNCL 4461
SWEDISH_RATES = (Decimal(25), Decimal(12), Decimal(6))  # SE-R-006
Problem = Tuple[str, str]  # (field to fix, what Peppol asks and the rule)


class PaymentMeans(NamedTuple):
    code: str
    account: str
    account_name: Optional[str]
    branch: Optional[str]


def payment_means(document) -> Optional[PaymentMeans]:
    details = (document.get("supplier") or {}).get("payment_details") or {}
    name = details.get("account_name")
    if details.get("iban"):
        code = SEPA_CREDIT_TRANSFER if document["currency"] == "EUR" else CREDIT_TRANSFER
        return PaymentMeans(code, details["iban"], name, details.get("bic"))
    if details.get("account_number"):
        sort_code = (details.get("sort_code") or "").replace("-", "") or None
        return PaymentMeans(CREDIT_TRANSFER, details["account_number"], name, sort_code)
    return None


def add_payment_means(root: ET.Element, document, means: Optional[PaymentMeans]) -> None:
    if means is None:
        return
    node = group(root, "cac:PaymentMeans")
    leaf(node, "cbc:PaymentMeansCode", means.code)
    leaf(node, "cbc:PaymentID", document["number"])
    account = group(node, "cac:PayeeFinancialAccount")
    leaf(account, "cbc:ID", means.account)
    leaf(account, "cbc:Name", means.account_name)
    if means.branch:
        leaf(group(account, "cac:FinancialInstitutionBranch"), "cbc:ID", means.branch)


def peppol_problems(supplier: Party, customer: Party, *, has_means: bool, payable: Decimal,
                    is_invoice: bool, standard_rates) -> List[Problem]:
    """Every detail the document lacks for Peppol; `standard_rates` are those of its category S."""
    problems = []
    if supplier.endpoint is None:
        problems.append(("tenant.peppol_id", "Peppol requires the seller's electronic address "
                         "(PEPPOL-EN16931-R020): give a peppol_id, or a VAT number that defines one"))
    if customer.endpoint is None:
        problems.append(("customer.peppol_id", "Peppol requires the buyer's electronic address "
                         "(PEPPOL-EN16931-R010): give a peppol_id, or a VAT number that defines one"))
    if supplier.country == "DE" and customer.country == "DE":
        problems += _german(supplier, customer, has_means)
    if supplier.country == "NL":
        problems += _dutch(supplier, customer, means_missing=is_invoice and payable > 0 and not has_means)
    if supplier.country == "SE" and (supplier.vat_id or "").startswith("SE") and standard_rates:
        problems += _swedish(supplier, standard_rates)
    if (supplier.vat_id or "").startswith("NO") and from_vat_number(supplier.vat_id) is None:
        problems.append(("tenant.vat_number", "Peppol requires a Norwegian VAT number to be NO, a valid "
                         "organisation number (9 digits) and MVA (NO-R-001)"))
    return problems


def _address_problems(party: Party, field: str, whose: str, parts, rules: str) -> List[Problem]:
    names = {"line1": "street", "city": "city", "postal_code": "post code"}
    missing = [names[part] for part in parts if not (party.address.get(part) or "").strip()]
    if not missing:
        return []
    return [(field, f"Peppol requires the {whose} address's {', '.join(missing)} ({rules})")]


def _german(supplier: Party, customer: Party, has_means: bool) -> List[Problem]:
    """Germany's rules (DE-R-...) apply where seller and buyer are both in Germany."""
    problems = []
    if not has_means:
        problems.append(("tenant.payment_details", "Peppol's German rules require payment instructions "
                         "(DE-R-001): give an IBAN or an account number"))
    for field, value, rule, what in (("tenant.contact_name", supplier.contact_name, "DE-R-005", "contact name"),
                                     ("tenant.phone", supplier.phone, "DE-R-006", "telephone number"),
                                     ("tenant.email", supplier.email, "DE-R-007", "email address")):
        if not value:
            problems.append((field, f"Peppol's German rules require the seller's {what} ({rule})"))
    problems += _address_problems(supplier, "tenant.address", "seller", ("city", "postal_code"), "DE-R-003, DE-R-004")
    problems += _address_problems(customer, "customer.billing_address", "buyer", ("city", "postal_code"),
                                  "DE-R-008, DE-R-009")
    return problems


def _dutch(supplier: Party, customer: Party, means_missing: bool) -> List[Problem]:
    problems = _address_problems(supplier, "tenant.address", "seller", ("line1", "city", "postal_code"),
                                 "NL-R-002")
    if customer.country == "NL":
        problems += _address_problems(customer, "customer.billing_address", "buyer",
                                      ("line1", "city", "postal_code"), "NL-R-004")
    if means_missing:
        problems.append(("tenant.payment_details", "Peppol's Dutch rules require payment instructions on "
                         "an invoice with an amount due (NL-R-007): give an IBAN or an account number"))
    return problems


def _swedish(supplier: Party, standard_rates) -> List[Problem]:
    problems = []
    vat_id = supplier.vat_id
    if not (len(vat_id) == 14 and vat_id[2:].isdigit()):
        problems.append(("tenant.vat_number", "Peppol requires a Swedish VAT number to be SE and 12 digits "
                         "(SE-R-001, SE-R-002)"))
    wrong = sorted({rate for rate in standard_rates if rate not in SWEDISH_RATES})
    if wrong:
        problems.append(("lines", f"Peppol allows Swedish sellers standard VAT rates of 25, 12 and 6% only "
                         f"(SE-R-006), not {', '.join(f'{rate:f}' for rate in wrong)}%"))
    return problems
