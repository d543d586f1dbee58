"""Invoices, credit notes and estimates as PDFs, from their API form.

Shows every item of a full UK VAT invoice (HMRC Notice 700 section 16): number,
dates of issue and supply, supplier's name, address and VAT number, customer's
name and address, per line description (and the days it bills, where it has a
period), quantity, unit price, VAT rate and net, totals per VAT rate (zero-rated and exempt named as such), total VAT also in
sterling for a foreign-currency invoice, and the reverse-charge statement.
"""
import json
from io import BytesIO
from typing import Any, Dict, List, Optional, Sequence

from . import text
from .document_printed import printed_view
from .pdf_frame import GREY, LINE, Column, Frame

TITLES = {"INVOICE": "Invoice", "CREDIT_NOTE": "Credit note", "ESTIMATE": "Estimate"}
MARKS = {"draft": "DRAFT", "void": "VOID"}
LINE_COLUMNS = (Column("Description", 84, wraps=True), Column("Qty", 18, "R"), Column("Unit price", 28, "R"),
                Column("VAT", 22, "R"), Column("Net", 28, "R"))
RATE_COLUMNS = (Column("VAT rate", 40, wraps=True), Column("Net", 30, "R"), Column("VAT", 30, "R"))
LOGO_BOX = (45, 22)  # mm


def render_document_pdf(document: Dict[str, Any], kind: str, logo: Optional[bytes] = None) -> bytes:
    """`document`: as GET /invoices/{id} (or a credit note or estimate) answers, with lines; only
    its printed view is read (document_printed.py, whose fingerprint names the file)."""
    document = printed_view(document)
    supplier = document["supplier"]
    title = f"{TITLES[kind]} {document.get('number') or ''}".strip()
    pdf = Frame(_printed_text(document), footer=_footer(supplier), mark=MARKS.get(document["status"]),
                running_title=document.get("number") or f"Draft {TITLES[kind].lower()}")
    pdf.set_title(title)
    pdf.set_author(supplier.get("legal_name", ""))
    top = supplier_block(pdf, supplier, logo)
    _title_and_details(pdf, document, kind, top)
    _lines(pdf, document)
    _totals(pdf, document, kind)
    _closing_notes(pdf, document, kind, supplier)
    out = BytesIO()
    pdf.output(out)
    return out.getvalue()


def _printed_text(document: Dict[str, Any]) -> List[str]:
    return [json.dumps(document, ensure_ascii=False, default=str), text.REVERSE_CHARGE_STATEMENT, "£€–"]


def _footer(supplier: Dict[str, Any]) -> str:
    parts = [supplier.get("legal_name", "")]
    if supplier.get("company_number"):
        parts.append(f"Registered company no. {supplier['company_number']}")
    return " · ".join(p for p in parts if p)


def supplier_block(pdf: Frame, supplier: Dict[str, Any], logo: Optional[bytes]) -> float:
    if logo:
        pdf.image(BytesIO(logo), x=pdf.l_margin, y=pdf.t_margin, keep_aspect_ratio=True,
                  w=LOGO_BOX[0], h=LOGO_BOX[1])
    name = supplier.get("trading_name") or supplier.get("legal_name", "")
    lines = [name, *text.address_lines(supplier.get("address"))]
    if supplier.get("vat_number"):
        lines.append(f"VAT reg. no. {supplier['vat_number']}")
    lines += [supplier[f] for f in ("email", "phone") if supplier.get(f)]
    width = 80
    bottom = pdf.lines_at(pdf.w - pdf.r_margin - width, pdf.t_margin, width, lines, align="R", first_bold=True)
    return max(bottom, pdf.t_margin + (LOGO_BOX[1] if logo else 0)) + 6


def _title_and_details(pdf: Frame, document: Dict[str, Any], kind: str, top: float) -> None:
    pdf.set_xy(pdf.l_margin, top)
    pdf.style(18, bold=True)
    pdf.cell(0, 9, TITLES[kind], new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 2
    bill_to = customer_lines(document["customer"])
    pdf.set_xy(pdf.l_margin, y)
    pdf.style(8, bold=True, color=GREY)
    pdf.cell(80, LINE, "BILL TO" if kind != "ESTIMATE" else "FOR")
    left_bottom = pdf.lines_at(pdf.l_margin, y + LINE, 90, bill_to, first_bold=True)
    pdf.set_xy(pdf.w - pdf.r_margin - 80, y)
    pdf.pairs(pdf.w - pdf.r_margin - 80, 80, _details(document, kind), label_width=32)
    pdf.set_y(max(left_bottom, pdf.get_y()) + 6)


def customer_lines(customer: Dict[str, Any]) -> List[str]:
    """UK VAT: the customer's name and address (and VAT number, for reverse charge)."""
    lines = [customer.get("name", ""), *([customer["company"]] if customer.get("company") else []),
             *text.address_lines(customer.get("billing_address"))]
    if customer.get("vat_number"):
        lines.append(f"VAT no. {customer['vat_number']}")
    return lines


def _details(document: Dict[str, Any], kind: str) -> List[tuple]:
    number = document.get("number") or "Not yet issued"
    pairs = [("Number", number), ("Date of issue", text.day(document.get("issue_date")))]
    if kind == "INVOICE":
        pairs += [("Tax point", text.day(document.get("issue_date"))),
                  ("Due date", text.day(document.get("due_date")))]
    if kind == "CREDIT_NOTE":
        pairs.append(("Credits invoice", document.get("invoice_number") or ""))
        if document.get("invoice_issue_date"):
            pairs.append(("Invoice dated", text.day(document["invoice_issue_date"])))
    if kind == "ESTIMATE" and document.get("expiry_date"):
        pairs.append(("Valid until", text.day(document["expiry_date"])))
    if document.get("reference"):
        pairs.append(("Reference", document["reference"]))
    pairs.append(("Currency", document["currency"]))
    return pairs


def _lines(pdf: Frame, document: Dict[str, Any]) -> None:
    currency, inclusive = document["currency"], bool(document.get("prices_include_vat"))
    if inclusive:
        pdf.style(8, color=GREY)
        pdf.cell(0, LINE, "Prices were entered including VAT; unit prices and net amounts here exclude it.",
                 new_x="LMARGIN", new_y="NEXT")
    pdf.table(LINE_COLUMNS, (_line_cells(line, currency, inclusive) for line in document.get("lines", [])))


def _line_cells(line: Dict[str, Any], currency: str, inclusive: bool = False) -> Sequence[str]:
    """A full VAT invoice shows the unit price excluding VAT (VAT Regulations 1995 reg. 14(1)(g)):
    a tax-inclusive price is printed net, with the price as entered under the description."""
    days = text.days_billed(line)
    description = line.get("description", "") + (f"\n{days}" if days else "")
    if line.get("discount"):
        discount = line["discount"]
        shown = f"{discount['value']}%" if discount["type"] == "percent" else text.money(discount["value"], currency)
        description += f"\nDiscount {shown}: -{text.money(line['discount_amount'], currency)}"
    unit_price = line["unit_price"]
    if inclusive and line["vat_category"] != "reverse_charge":  # a reverse-charged price holds no VAT
        description += f"\n{text.money(unit_price, currency)} each including VAT"
        unit_price = text.net_unit_price(unit_price, line["vat_rate"], currency)
    qty = text.quantity(line["quantity"]) + (f" {line['unit']}" if line.get("unit") else "")
    return (description, qty, text.money(unit_price, currency),
            text.rate(line["vat_category"], line["vat_rate"]), text.money(line["net"], currency))


def _totals(pdf: Frame, document: Dict[str, Any], kind: str) -> None:
    currency, totals = document["currency"], document["totals"]
    pdf.ln(3)
    if pdf.will_page_break(LINE * (len(totals["rates"]) + 9)):
        pdf.add_page()
    y = pdf.get_y()
    pdf.table(RATE_COLUMNS, ([text.rate(r["vat_category"], r["vat_rate"]), text.money(r["net"], currency),
                              text.money(r["vat"], currency)] for r in totals["rates"]))
    below_rates = pdf.get_y()
    x, width = pdf.w - pdf.r_margin - 70, 70
    pdf.set_y(y)
    pairs = [("Total net", text.money(totals["net"], currency)), ("Total VAT", text.money(totals["vat"], currency)),
             (f"Total {currency}", text.money(totals["gross"], currency))]
    pdf.pairs(x, width, pairs, label_width=30, bold_last=kind == "ESTIMATE")
    if kind == "INVOICE":
        pdf.pairs(x, width, [("Paid", text.money(document["amount_paid"], currency)),
                             ("Credited", text.money(document["amount_credited"], currency)),
                             ("Balance due", text.money(document["outstanding"], currency))],
                  label_width=30, bold_last=True)
    pdf.set_y(max(pdf.get_y(), below_rates) + 3)
    _vat_in_base_currency(pdf, document)


def _vat_in_base_currency(pdf: Frame, document: Dict[str, Any]) -> None:
    """HMRC (Notice 700 section 16.3): a VAT invoice in another currency shows the total VAT in
    sterling; per rate too, and the exchange rate used with where it comes from and its date."""
    in_base = document.get("vat_in_base_currency")
    if not in_base:
        return
    base = document["base_currency"]
    per_rate = ", ".join(f"{rate}%: {text.money(amount, base)}" for rate, amount in in_base.items())
    total = text.money(text.summed(in_base.values(), base), base)
    source = document.get("exchange_rate_source") or "the supplier's rate"
    pdf.style(8.5, bold=True)
    pdf.paragraph(f"Total VAT in {base}: {total}")
    pdf.style(8.5)
    pdf.paragraph(f"VAT in {base} by rate: {per_rate}. Exchange rate 1 {document['currency']} = "
                  f"{document['exchange_rate']} {base} ({source}, "
                  f"{text.day(document.get('exchange_rate_date') or document.get('issue_date'))}).")


def _closing_notes(pdf: Frame, document: Dict[str, Any], kind: str, supplier: Dict[str, Any]) -> None:
    notes = []
    if any(line.get("vat_category") == "reverse_charge" for line in document.get("lines", [])):
        notes.append(("Reverse charge", _reverse_charge_text(document)))
    if kind == "CREDIT_NOTE" and document.get("reason"):
        notes.append(("Reason", document["reason"]))
    if document.get("void_reason"):
        notes.append(("Voided", document["void_reason"]))
    if kind == "INVOICE" and supplier.get("payment_details") and document["status"] != "void":
        notes.append(("Payment details", _payment_text(supplier["payment_details"], document)))
    if document.get("notes"):
        notes.append(("Notes", document["notes"]))
    for title, body in notes:
        pdf.ln(2)
        pdf.style(8, bold=True, color=GREY)
        pdf.cell(0, LINE, title.upper(), new_x="LMARGIN", new_y="NEXT")
        pdf.style(9)
        pdf.paragraph(body)


def _reverse_charge_text(document: Dict[str, Any]) -> str:
    """The statement, with the VAT the customer accounts for at each stated rate (VATREVCON37100)."""
    currency = document["currency"]
    stated = [r for r in document["totals"]["rates"] if "reverse_charge_vat" in r]
    if not stated:
        return text.REVERSE_CHARGE_STATEMENT
    per_rate = ", ".join(f"{text.money(r['reverse_charge_vat'], currency)} ({r['vat_rate']}% of "
                         f"{text.money(r['net'], currency)})" for r in stated)
    return f"{text.REVERSE_CHARGE_STATEMENT} VAT for the customer to account for: {per_rate}; not payable to us."


def _payment_text(details: Dict[str, Any], document: Dict[str, Any]) -> str:
    labels = (("account_name", "Account name"), ("sort_code", "Sort code"), ("account_number", "Account number"),
              ("iban", "IBAN"), ("bic", "BIC"))
    lines = [f"{label}: {details[key]}" for key, label in labels if details.get(key)]
    if details.get("instructions"):
        lines.append(details["instructions"])
    if document.get("number"):
        lines.append(f"Please quote {document['number']} with your payment.")
    return "\n".join(lines)
