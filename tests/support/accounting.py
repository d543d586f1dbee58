"""Presented invoices and credit notes for the accounting export tests, priced by the real VAT engine.

Each document is shaped as GET /invoices/{id} or GET /credit-notes/{id} answers it,
so the exports see exactly what the API shows, and the totals are the server's.
"""
from decimal import Decimal
from typing import Any, Dict, List, Optional, Sequence

from chalicelib.domain import documents as docs
from chalicelib.domain.money import format_amount
from chalicelib.domain.pricing import Policy, vat_in_base_currency

D = Decimal
ARABIC = "شركة الأمل للتجارة"
CHINESE_EMOJI = "北京贸易有限公司 🚀🧾"
HYPERLINK = '=HYPERLINK("http://x")'
SUM = "@SUM(A1)"


def line(description: str, quantity: str, price: str, category: str = "standard", rate: str = "20",
         discount: Optional[tuple] = None, product_id: Optional[str] = None) -> Dict[str, Any]:
    stored: Dict[str, Any] = {"description": description, "quantity": D(quantity), "unit_price": D(price),
                              "vat_category": category, "vat_rate": D(rate)}
    if discount:
        stored["discount"] = {"type": discount[0], "value": D(discount[1])}
    if product_id:
        stored["product_id"] = product_id
    return stored


def document(number: Optional[str], lines: Sequence[Dict[str, Any]], customer: str = "Acme Trading",
             currency: str = "GBP", status: str = "issued", credits: Optional[str] = None,
             exchange_rate: Optional[str] = None, include_vat: bool = False, vat_level: str = "invoice",
             reference: Optional[str] = None, key: Optional[str] = None) -> Dict[str, Any]:
    """A presented document; a credit note when `credits` names the invoice it corrects."""
    totals = docs.price(lines, currency, Policy(vat_level, "half_up", include_vat))
    key = key or (number or "draft").lower().replace("-", "")
    shown: Dict[str, Any] = {
        "id": f"{'cn' if credits else 'inv'}_{key}", "number": number, "status": status,
        "customer_id": f"cus_{key}customer", "currency": currency, "issue_date": "2026-11-21",
        "customer": {"id": f"cus_{key}customer", "name": customer, "emails": ["ap@customer.example"],
                     "billing_address": {"line1": "2 Low Rd", "city": "Leeds", "postal_code": "LS1 1AA",
                                         "country": "GB"}},
        "prices_include_vat": include_vat, "rounding": {"vat_level": vat_level, "mode": "half_up"},
        "totals": docs.present_totals(docs.totals_record(totals), currency),
        "lines": [docs.present_line(priced, currency) for priced in docs.priced_lines(lines, totals)],
        "version": 2,
    }
    if credits:
        shown.update(invoice_id=f"inv_{credits.lower().replace('-', '')}", invoice_number=credits,
                     reason="Overcharged")
    else:
        shown.update(due_date="2026-12-21", payment_terms_days=30)
    if reference:
        shown["reference"] = reference
    if exchange_rate:
        converted = vat_in_base_currency(totals.rates, D(exchange_rate), "GBP")
        shown.update(exchange_rate=exchange_rate, base_currency="GBP",
                     vat_in_base_currency={str(rate): format_amount(amount, "GBP")
                                           for rate, amount in converted.items()})
    return shown


def sample_documents() -> List[Dict[str, Any]]:
    """Mixed VAT rates, discounts, a tax-inclusive and a per-line document, EUR, a credit note,
    names in Arabic, Chinese and emoji, formula-like text, and a draft and a void that stay out."""
    return [
        document("INV-0001", [
            line("Consulting", "3", "95.00", product_id="prd_consulting"),
            line("Books", "2", "12.50", "zero", "0"),
            line("Setup", "1", "100.00", "reduced", "5", discount=("percent", "10")),
            line(HYPERLINK, "1", "10.00"),
            line(SUM, "4", "2.50", "exempt", "0"),
        ], reference="PO-7"),
        document("INV-0002", [
            line("Wartung", "7", "13.99"),
            line("Lizenz", "3", "33.33", discount=("amount", "10.00")),
            line("Versicherung", "1", "40.00", "exempt", "0"),
        ], customer=ARABIC, currency="EUR", exchange_rate="0.85"),
        document("INV-0003", [
            line("Tickets", "3", "40.00"),
            line("Fuel", "2.5", "19.99", "reduced", "5"),
            line("Overseas service", "1", "500.00", "outside_scope", "0"),
            line("Construction", "1", "1000.00", "reverse_charge", "0"),
        ], customer=CHINESE_EMOJI, include_vat=True, vat_level="line"),
        document("CN-0001", [line("Consulting", "1", "95.00", product_id="prd_consulting")], credits="INV-0001"),
        document(None, [line("Not yet", "1", "1.00")], status="draft"),
        document("INV-0004", [line("Cancelled", "1", "5.00")], status="void"),
    ]


def exported(documents: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [d for d in documents if d["status"] not in ("draft", "void")]
