"""EN 16931 e-invoices: an issued invoice or credit note as UBL 2.1, per Peppol BIS Billing 3.0.

`ubl_xml(present_document(item))` is pure and uses only the stdlib. Every amount is the
document's own (computed once by domain.pricing); this module places them and derives only
what UBL needs and the document does not hold, each choice made so that the rules pass:

- Price (BT-146): the unit price when quantity x unit price is the line before discount to the
  minor unit. Otherwise (prices including VAT, or a product that needed rounding) the price is the
  line's net amount before discount per base quantity (BT-149) = the quantity, so quantity x price /
  base quantity is the line net exactly: PEPPOL-EN16931-R120 allows 0.02, less than the half unit a
  rounded JPY line can be off.
- A discount is a line allowance (BG-27, reason code 95 "Discount"). Lines priced with VAT hold a
  discount with VAT; its net is discount x 100 / (100 + rate), rounded to the currency.
- VAT breakdown (BG-23): one per category code and rate, so our standard and reduced rates merge
  when they share a rate (BR-S-08). Exempt, reverse charge and outside scope carry the exemption
  reason EN 16931 requires (BR-E-10, BR-AE-10, BR-O-10).
- A document in a foreign currency states its VAT in the base currency too (BT-6, BT-111).
- Amount due (BT-115): the total less payments received (BT-113, paid amount). Credits are not
  deducted: each credit note is an e-invoice of its own, and a buyer would count it twice.
- A line's period (its days, e.g. a subscription's fee or a day's usage) is its line period (BG-26).
  Where every line has one, the document's invoicing period (BG-14) runs from the earliest start to
  the latest end: each line period then lies within it, as Peppol requires (PEPPOL-EN16931-R110, R111).

It refuses (Conflict) a document that EN 16931 or Peppol cannot carry, rather than emit an invalid
e-invoice: a draft, a void document (no longer payable, and a credit note is how a buyer is told),
and the cases _check_expressible and ubl_peppol.peppol_problems name.
"""
import xml.etree.ElementTree as ET
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Dict, NamedTuple, Optional, Tuple

from ..domain import vat
from ..domain.currencies import minor_units
from ..domain.documents import DRAFT, VOID
from ..domain.errors import Conflict
from ..domain.money import format_amount, round_money
from .ubl_parties import Party, add_party, buyer, group, leaf, seller
from .ubl_peppol import add_payment_means, payment_means, peppol_problems

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
# EN 16931 allows at most 2 decimal places in any amount (the BR-DEC rules).
MAX_PLACES = 2
DISCOUNT_REASON_CODE = "95"  # UNCL 5189: Discount


class Kind(NamedTuple):
    root: str
    namespace: str
    type_element: str
    type_code: str
    line: str
    quantity: str


INVOICE = Kind("Invoice", "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
               "cbc:InvoiceTypeCode", "380", "cac:InvoiceLine", "cbc:InvoicedQuantity")
CREDIT_NOTE = Kind("CreditNote", "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
                   "cbc:CreditNoteTypeCode", "381", "cac:CreditNoteLine", "cbc:CreditedQuantity")


class Category(NamedTuple):
    code: str  # UNCL 5305
    exemption_code: Optional[str] = None  # VATEX
    exemption_reason: Optional[str] = None


CATEGORIES = {
    vat.STANDARD: Category("S"),
    vat.REDUCED: Category("S"),
    vat.ZERO: Category("Z"),
    vat.EXEMPT: Category("E", None, "Exempt from VAT"),
    vat.REVERSE_CHARGE: Category("AE", "VATEX-EU-AE", "Reverse charge"),
    vat.OUTSIDE_SCOPE: Category("O", "VATEX-EU-O", "Not subject to VAT"),
}
NOT_SUBJECT = CATEGORIES[vat.OUTSIDE_SCOPE]
REVERSE_CHARGE = CATEGORIES[vat.REVERSE_CHARGE]
CENT = Decimal("0.01")
# UN/ECE Recommendation 20 codes for the units people type; any other unit counts as one (C62).
UNIT_CODES = {"hour": "HUR", "hr": "HUR", "h": "HUR", "day": "DAY", "week": "WEE", "month": "MON",
              "year": "ANN", "minute": "MIN", "min": "MIN", "kg": "KGM", "km": "KMT", "m": "MTR",
              "metre": "MTR", "meter": "MTR", "litre": "LTR", "liter": "LTR", "l": "LTR"}
ONE = "C62"


def ubl_xml(document: Dict[str, Any]) -> bytes:
    """The UBL Invoice (for inv_ ids) or CreditNote (cn_) of a presented, issued document."""
    if document["status"] == DRAFT:
        raise Conflict("A draft has no number yet; issue it to get its e-invoice")
    if document["status"] == VOID:
        raise Conflict("A void document has no e-invoice: it is not payable (the UBL would say it is)")
    kind = CREDIT_NOTE if document["id"].startswith("cn_") else INVOICE
    subtotals = _subtotals(document)
    supplier, customer = seller(document["supplier"]), buyer(document["customer"])
    means = payment_means(document)
    _check_expressible(document, subtotals, supplier, customer)
    _check_peppol(document, kind, subtotals, supplier, customer, means)
    outside_scope = any(category == NOT_SUBJECT for category, _ in subtotals)
    # The root's namespace is declared by hand: ElementTree's default_namespace option refuses
    # unprefixed attributes such as currencyID.
    root = ET.Element(kind.root, xmlns=kind.namespace)
    _add_header(root, document, kind)
    add_party(root, "cac:AccountingSupplierParty", supplier, show_vat=not outside_scope, identify=outside_scope)
    add_party(root, "cac:AccountingCustomerParty", customer, show_vat=not outside_scope, identify=False)
    add_payment_means(root, document, means)
    leaf(group(root, "cac:PaymentTerms"), "cbc:Note", _payment_terms(document, kind))
    _add_tax_totals(root, document, subtotals)
    _add_monetary_total(root, document)
    for number, line in enumerate(document["lines"], start=1):
        _add_line(root, kind, document, number, line)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _check_expressible(document, subtotals, supplier: Party, customer: Party) -> None:
    for currency in filter(None, (document["currency"], document.get("base_currency"))):
        if minor_units(currency) > MAX_PLACES:
            raise Conflict(f"EN 16931 allows at most {MAX_PLACES} decimal places in amounts; "
                           f"{currency} has {minor_units(currency)}")
    categories = {category for category, _ in subtotals}
    if NOT_SUBJECT in categories and len(categories) > 1:
        raise Conflict("EN 16931 does not allow lines outside the scope of VAT beside other VAT "
                       "categories (BR-O-11): invoice them separately")
    if NOT_SUBJECT in categories and not (supplier.vat_id or supplier.email):
        raise Conflict("EN 16931 requires a seller identifier (BR-CO-26): give the tenant "
                       "a VAT number or an email")
    if NOT_SUBJECT not in categories and not supplier.vat_id:
        raise Conflict("EN 16931 requires the seller's VAT number unless every line is outside "
                       "the scope of VAT (BR-S-02, BR-Z-02, BR-E-02, BR-AE-02)")
    if REVERSE_CHARGE in categories and not customer.vat_id:
        raise Conflict("EN 16931 requires the customer's VAT number for reverse charge (BR-AE-02)")
    _check_vat_tolerance(subtotals)


def _check_peppol(document, kind: Kind, subtotals, supplier: Party, customer: Party, means) -> None:
    problems = peppol_problems(supplier, customer, has_means=means is not None, payable=_payable(document),
                               is_invoice=kind is INVOICE,
                               standard_rates=[rate for category, rate in subtotals if category.code == "S"])
    if problems:
        raise Conflict(f"{problems[0][0]}: {problems[0][1]}", problems)


def _check_vat_tolerance(subtotals) -> None:
    """The rules accept a breakdown's VAT within one unit of rate x taxable amount (BR-CO-17, to 2
    places whatever the currency). VAT rounded in parts (per line, or per category before standard
    and reduced merge) can drift further in a currency without decimals."""
    for (_, rate), (net, tax) in subtotals.items():
        if abs(tax - (net * rate / 100).quantize(CENT, ROUND_HALF_UP)) >= 1:
            raise Conflict(f"The VAT at {rate}%, rounded in parts, is a unit or more away from {rate}% "
                           f"of its lines' total: more than EN 16931 accepts (BR-CO-17)")


def _add_header(root: ET.Element, document, kind: Kind) -> None:
    leaf(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
    leaf(root, "cbc:ProfileID", PROFILE_ID)
    leaf(root, "cbc:ID", document["number"])
    leaf(root, "cbc:IssueDate", document["issue_date"])
    if kind is INVOICE:
        leaf(root, "cbc:DueDate", document["due_date"])
    leaf(root, kind.type_element, kind.type_code)
    # Peppol allows one note (PEPPOL-EN16931-R002).
    leaf(root, "cbc:Note", "\n".join(filter(None, (document.get("reason"), document.get("notes")))))
    leaf(root, "cbc:DocumentCurrencyCode", document["currency"])
    if "exchange_rate" in document:
        leaf(root, "cbc:TaxCurrencyCode", document["base_currency"])
    # Peppol needs a buyer reference or an order reference (PEPPOL-EN16931-R003).
    leaf(root, "cbc:BuyerReference", document.get("reference") or document["number"])
    _add_period(root, _invoicing_period(document["lines"]))
    if kind is CREDIT_NOTE:
        invoice = group(group(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        leaf(invoice, "cbc:ID", document["invoice_number"])


def _invoicing_period(lines) -> Optional[Dict[str, str]]:
    """The days all the lines span, where each has a period (ISO dates sort as the days do)."""
    if not lines or not all(line.get("period") for line in lines):
        return None
    return {"start": min(line["period"]["start"] for line in lines),
            "end": max(line["period"]["end"] for line in lines)}


def _add_period(parent: ET.Element, period: Optional[Dict[str, str]]) -> None:
    """BG-14 or BG-26: start and end dates only (UBL-CR-012 to 015, 520 to 524)."""
    if period:
        node = group(parent, "cac:InvoicePeriod")
        leaf(node, "cbc:StartDate", period["start"])
        leaf(node, "cbc:EndDate", period["end"])


def _payment_terms(document, kind: Kind) -> str:
    """Payment terms (BT-20): with a positive amount due, they or a due date are required (BR-CO-25)."""
    if kind is CREDIT_NOTE:
        return f"Credit against invoice {document['invoice_number']}"
    return f"Payment within {document['payment_terms_days']} days, by {document['due_date']}"


def _subtotals(document) -> Dict[Tuple[Category, Decimal], Tuple[Decimal, Decimal]]:
    """Taxable amount and VAT per (category, rate): the document's rates, merged by category code."""
    merged: Dict[Tuple[Category, Decimal], Tuple[Decimal, Decimal]] = {}
    for rate in document["totals"]["rates"]:
        key = (CATEGORIES[rate["vat_category"]], _charged_rate(rate))
        net, tax = merged.get(key, (Decimal(0), Decimal(0)))
        merged[key] = (net + Decimal(rate["net"]), tax + Decimal(rate["vat"]))
    return merged


def _add_tax_totals(root: ET.Element, document, subtotals) -> None:
    currency = document["currency"]
    total = group(root, "cac:TaxTotal")
    leaf(total, "cbc:TaxAmount", document["totals"]["vat"], currencyID=currency)
    for (category, rate), (net, tax) in subtotals.items():
        subtotal = group(total, "cac:TaxSubtotal")
        leaf(subtotal, "cbc:TaxableAmount", format_amount(net, currency), currencyID=currency)
        leaf(subtotal, "cbc:TaxAmount", format_amount(tax, currency), currencyID=currency)
        _add_tax_category(subtotal, "cac:TaxCategory", category, rate, with_reason=True)
    if "exchange_rate" in document:
        base = document["base_currency"]
        in_base = sum((Decimal(amount) for amount in document["vat_in_base_currency"].values()), Decimal(0))
        leaf(group(root, "cac:TaxTotal"), "cbc:TaxAmount", format_amount(in_base, base), currencyID=base)


def _charged_rate(entry) -> Decimal:
    """The rate a line or breakdown charges: a reverse-charged one states its customer's rate but
    charges none, and EN 16931 wants 0 for it (BR-AE-05, BR-AE-06)."""
    return Decimal(0) if entry["vat_category"] == vat.REVERSE_CHARGE else Decimal(entry["vat_rate"])


def _add_tax_category(parent: ET.Element, name: str, category: Category, rate: Decimal,
                      with_reason: bool) -> None:
    """A VAT category; only the breakdown gives reasons. An outside-scope line has no rate (BR-O-05),
    its breakdown 0%: Germany's rules want a rate in every breakdown (DE-R-014), and EN 16931 allows it."""
    node = group(parent, name)
    leaf(node, "cbc:ID", category.code)
    if category != NOT_SUBJECT or with_reason:
        leaf(node, "cbc:Percent", rate)
    if with_reason:
        leaf(node, "cbc:TaxExemptionReasonCode", category.exemption_code)
        leaf(node, "cbc:TaxExemptionReason", category.exemption_reason)
    leaf(group(node, "cac:TaxScheme"), "cbc:ID", "VAT")


def _add_monetary_total(root: ET.Element, document) -> None:
    currency, totals = document["currency"], document["totals"]
    node = group(root, "cac:LegalMonetaryTotal")
    for name, amount in (("cbc:LineExtensionAmount", totals["net"]), ("cbc:TaxExclusiveAmount", totals["net"]),
                         ("cbc:TaxInclusiveAmount", totals["gross"])):
        leaf(node, name, amount, currencyID=currency)
    if Decimal(document.get("amount_paid", 0)):
        leaf(node, "cbc:PrepaidAmount", document["amount_paid"], currencyID=currency)
    leaf(node, "cbc:PayableAmount", format_amount(_payable(document), currency), currencyID=currency)


def _payable(document) -> Decimal:
    return Decimal(document["totals"]["gross"]) - Decimal(document.get("amount_paid", 0))


def _add_line(root: ET.Element, kind: Kind, document, number: int, line) -> None:
    currency, unit = document["currency"], _unit_code(line.get("unit"))
    rate = _charged_rate(line)
    discount = _net_discount(document, line, rate)
    node = group(root, kind.line)
    leaf(node, "cbc:ID", number)
    leaf(node, kind.quantity, line["quantity"], unitCode=unit)
    leaf(node, "cbc:LineExtensionAmount", line["net"], currencyID=currency)
    _add_period(node, line.get("period"))
    if discount:
        allowance = group(node, "cac:AllowanceCharge")
        leaf(allowance, "cbc:ChargeIndicator", "false")
        leaf(allowance, "cbc:AllowanceChargeReasonCode", DISCOUNT_REASON_CODE)
        leaf(allowance, "cbc:AllowanceChargeReason", _discount_reason(line))
        leaf(allowance, "cbc:Amount", format_amount(discount, currency), currencyID=currency)
    item = group(node, "cac:Item")
    leaf(item, "cbc:Name", line["description"])
    if line.get("product_id"):
        leaf(group(item, "cac:SellersItemIdentification"), "cbc:ID", line["product_id"])
    _add_tax_category(item, "cac:ClassifiedTaxCategory", CATEGORIES[line["vat_category"]], rate,
                      with_reason=False)
    _add_price(node, document, line, Decimal(line["net"]) + discount, unit)


def _net_discount(document, line, rate: Decimal) -> Decimal:
    discount = Decimal(line["discount_amount"])
    if document["prices_include_vat"]:
        return round_money(discount * 100 / (100 + rate), document["currency"])
    return discount


def _discount_reason(line) -> str:
    discount = line.get("discount") or {}
    return f"Discount {discount['value']}%" if discount.get("type") == "percent" else "Discount"


def _add_price(node: ET.Element, document, line, before_discount: Decimal, unit: str) -> None:
    currency = document["currency"]
    price = group(node, "cac:Price")
    exact = Decimal(line["quantity"]) * Decimal(line["unit_price"]) == before_discount
    if exact and not document["prices_include_vat"]:
        leaf(price, "cbc:PriceAmount", line["unit_price"], currencyID=currency)
    else:
        leaf(price, "cbc:PriceAmount", format_amount(before_discount, currency), currencyID=currency)
        leaf(price, "cbc:BaseQuantity", line["quantity"], unitCode=unit)


def _unit_code(unit: Optional[str]) -> str:
    name = (unit or "").strip().lower()
    return UNIT_CODES.get(name) or UNIT_CODES.get(name.removesuffix("s")) or ONE
