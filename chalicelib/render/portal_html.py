"""The portal's HTML: whole pages as strings, every value escaped, no script, no outside asset.

Amounts come as the API's exact strings and dates as ISO days; they are only regrouped for
reading (render/text.py, as on the PDFs): "£1,234.50", "21 Nov 2026" (en-GB).
"""
from html import escape
from typing import Any, Dict, Iterable, List, Optional

from . import text
from .portal_css import CSS
from .statement_rows import aged_cells, statement_row

TITLES = {"INVOICE": "Invoice", "CREDIT_NOTE": "Credit note", "ESTIMATE": "Estimate"}
STATUS_NAMES = {"partially_paid": "Part paid", "overdue": "Overdue"}
# A table may scroll sideways on a phone: its box takes the keyboard focus, so it can be scrolled.
_SCROLLS = "<div class=\"table\" tabindex=\"0\" role=\"region\" aria-label=\"{label}\">"
NEUTRAL_MESSAGE = ("This link does not work. It may have expired or been withdrawn. "
                   "Please ask the sender for a new one.")


def page(title: str, body: str) -> str:
    return ("<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
            "<meta name=\"robots\" content=\"noindex\">"
            f"<title>{escape(title)}</title><style>{CSS}</style></head>"
            f"<body><main>{body}</main></body></html>")


def neutral_page() -> str:
    return page("Link not available", f"<section><h1>Link not available</h1><p>{NEUTRAL_MESSAGE}</p></section>")


def message_page(title: str, message: str) -> str:
    return page(title, f"<section><h1>{escape(title)}</h1><p>{escape(message)}</p></section>")


def shown_status(document: Dict[str, Any]) -> str:
    """Overdue is derived from the due date; an invoice paid in part reads "Part paid"."""
    status = "overdue" if document.get("overdue") else document["status"]
    return STATUS_NAMES.get(status, status.replace("_", " ").capitalize())


def document_page(document: Dict[str, Any], kind: str, links: Dict[str, str], forms: str = "",
                  notice: str = "", logo: str = "") -> str:
    """`links`: the page's own paths (pdf, ubl, back); `forms`: the estimate's answers, if any;
    `logo`: the tenant's, as a data: URI, or none."""
    title = f"{TITLES[kind]} {document.get('number') or ''}".strip()
    status = "overdue" if document.get("overdue") else document["status"]
    supplier = document.get("supplier") or {}
    body = [f"<section>{_letterhead(_name(supplier), logo)}",
            f"<h1>{escape(title)}</h1><p><span class=\"status {escape(status)}\">{escape(shown_status(document))}"
            "</span></p>", notice, _details(document, kind), "</section>",
            _parties(supplier, document.get("customer") or {}), _lines(document), _amount_due(document, kind),
            forms, _payment(supplier, document, kind), _downloads(links)]
    return page(f"{title} from {_name(supplier)}", "".join(body))


def _letterhead(name: str, logo: str) -> str:
    image = f"<img class=\"logo\" src=\"{escape(logo)}\" alt=\"{escape(name)}\">" if logo else ""
    return f"{image}<p class=\"muted\">{escape(name)}</p>"


def _name(party: Dict[str, Any]) -> str:
    return party.get("trading_name") or party.get("legal_name") or party.get("name") or ""


def _details(document: Dict[str, Any], kind: str) -> str:
    pairs = [("Date of issue", text.day(document.get("issue_date")))]
    if kind == "INVOICE":
        pairs.append(("Due date", text.day(document.get("due_date"))))
    if kind == "CREDIT_NOTE" and document.get("invoice_number"):
        pairs.append(("Credits invoice", document["invoice_number"]))
    if kind == "ESTIMATE" and document.get("expiry_date"):
        pairs.append(("Valid until", text.day(document["expiry_date"])))
    if document.get("reference"):
        pairs.append(("Reference", document["reference"]))
    return _definitions(pairs)


def _definitions(pairs: Iterable[tuple]) -> str:
    return "<dl>" + "".join(f"<dt>{escape(k)}</dt><dd>{escape(str(v))}</dd>" for k, v in pairs) + "</dl>"


def _parties(supplier: Dict[str, Any], customer: Dict[str, Any]) -> str:
    def block(heading: str, lines: List[str]) -> str:
        return f"<div><h2>{heading}</h2>" + "<br>".join(escape(line) for line in lines if line) + "</div>"
    from_lines = [_name(supplier), *text.address_lines(supplier.get("address"))]
    if supplier.get("vat_number"):
        from_lines.append(f"VAT no. {supplier['vat_number']}")
    to_lines = [customer.get("name", ""), customer.get("company", ""),
                *text.address_lines(customer.get("billing_address"))]
    return f"<section>{block('From', from_lines)}<br>{block('To', to_lines)}</section>"


def _days(line: Dict[str, Any]) -> str:
    """The days the line bills, under its description, as the PDF prints them."""
    days = text.days_billed(line)
    return f"<br><span class=\"muted\">{escape(days)}</span>" if days else ""


def _lines(document: Dict[str, Any]) -> str:
    currency = document["currency"]
    rows = "".join(
        f"<tr><td>{escape(line.get('description', ''))}{_days(line)}</td>"
        f"<td class=\"num\">{escape(text.quantity(line['quantity']))}"
        f"</td><td class=\"num\">{escape(text.money(line['unit_price'], currency))}</td>"
        f"<td class=\"num\">{escape(text.rate(line['vat_category'], line['vat_rate']))}</td>"
        f"<td class=\"num\">{escape(text.money(line['net'], currency))}</td></tr>"
        for line in document.get("lines", []))
    inclusive = ("<p class=\"muted\">Unit prices include VAT; net amounts exclude it.</p>"
                 if document.get("prices_include_vat") else "")
    return ("<section><h2>Details</h2>" + inclusive + _SCROLLS.format(label="Lines") + "<table><thead><tr>"
            "<th scope=\"col\">Description</th><th scope=\"col\" class=\"num\">Qty</th>"
            "<th scope=\"col\" class=\"num\">Unit price</th><th scope=\"col\" class=\"num\">VAT</th>"
            f"<th scope=\"col\" class=\"num\">Net</th></tr></thead><tbody>{rows}</tbody></table></div>"
            f"{_totals(document['totals'], currency)}</section>")


def _totals(totals: Dict[str, Any], currency: str) -> str:
    """Net, VAT per rate, VAT and total, in a narrow table of their own (it never scrolls)."""
    def row(label: str, amount: str, name: str = "") -> str:
        marked = f" data-total=\"{name}\"" if name else ""
        return (f"<tr><th scope=\"row\">{escape(label)}</th>"
                f"<td class=\"num\"{marked}>{escape(text.money(amount, currency))}</td></tr>")
    rates = [row(f"VAT {text.rate(r['vat_category'], r['vat_rate'])} on {text.money(r['net'], currency)}", r["vat"])
             for r in totals["rates"]]
    return ("<table class=\"totals\">" + row("Net", totals["net"], "net") + "".join(rates)
            + row("VAT", totals["vat"], "vat") + row("Total", totals["gross"], "gross") + "</table>")


def _amount_due(document: Dict[str, Any], kind: str) -> str:
    if kind != "INVOICE" or document["status"] == "void":
        return ""
    currency = document["currency"]
    paid = [("Paid", document["amount_paid"]), ("Credited", document["amount_credited"])]
    shown = "".join(f"<p>{label}: {escape(text.money(amount, currency))}</p>" for label, amount in paid
                    if amount.strip("0.-") != "")
    return (f"<section><h2>Amount due</h2>{shown}<p class=\"due\" data-total=\"outstanding\">"
            f"{escape(text.money(document['outstanding'], currency))}</p></section>")


def _payment(supplier: Dict[str, Any], document: Dict[str, Any], kind: str) -> str:
    details = supplier.get("payment_details")
    if kind != "INVOICE" or not details or document["status"] in ("paid", "void"):
        return ""
    labels = (("account_name", "Account name"), ("sort_code", "Sort code"), ("account_number", "Account number"),
              ("iban", "IBAN"), ("bic", "BIC"))
    pairs = [(label, details[key]) for key, label in labels if details.get(key)]
    if document.get("number"):
        pairs.append(("Reference", document["number"]))
    note = f"<p>{escape(details['instructions'])}</p>" if details.get("instructions") else ""
    return f"<section><h2>How to pay</h2>{_definitions(pairs)}{note}</section>"


def _downloads(links: Dict[str, str]) -> str:
    names = (("pdf", "Download PDF"), ("ubl", "Download e-invoice (XML)"), ("back", "All your documents"))
    return "<section>" + "".join(f"<a class=\"button\" href=\"{escape(links[key])}\">{label}</a>"
                                 for key, label in names if links.get(key)) + "</section>"


def estimate_forms(action_base: str, csrf: str, error: Optional[str] = None) -> str:
    """Accept (name, optional comment) and decline (optional reason): plain POST forms."""
    hidden = f"<input type=\"hidden\" name=\"csrf\" value=\"{escape(csrf)}\">"
    shown_error = f"<p class=\"notice error\" role=\"alert\">{escape(error)}</p>" if error else ""
    return (f"<section><h2>Your answer</h2>{shown_error}"
            f"<form method=\"post\" action=\"{escape(action_base)}/accept\">{hidden}"
            "<label for=\"name\">Your name</label><input id=\"name\" name=\"name\" required maxlength=\"100\" "
            "autocomplete=\"name\"><label for=\"comment\">Comment (optional)</label>"
            "<textarea id=\"comment\" name=\"comment\" maxlength=\"500\" rows=\"2\"></textarea>"
            "<button type=\"submit\">Accept estimate</button></form>"
            f"<form method=\"post\" action=\"{escape(action_base)}/decline\">{hidden}"
            "<label for=\"reason\">Reason for declining (optional)</label>"
            "<textarea id=\"reason\" name=\"reason\" maxlength=\"500\" rows=\"2\"></textarea>"
            "<button type=\"submit\" class=\"secondary\">Decline estimate</button></form></section>")


def notice(message: str) -> str:
    return f"<p class=\"notice\" role=\"status\">{escape(message)}</p>"


def answered_notice(document: Dict[str, Any]) -> str:
    if document["status"] == "accepted":
        by = document.get("accepted_by")
        return (f"<p class=\"notice\" role=\"status\">Accepted on {escape(text.day(document.get('accepted_at')))}"
                + (f" by {escape(by)}" if by else "") + ". Thank you.</p>")
    if document["status"] == "declined":
        return f"<p class=\"notice\" role=\"status\">Declined on {escape(text.day(document.get('declined_at')))}.</p>"
    return ""


def list_page(customer_name: str, supplier_name: str, balances: List[Dict[str, str]],
              documents: List[Dict[str, Any]], status_filter: str, filters: List[str], statement_href: str,
              logo: str = "") -> str:
    """The customer's documents, newest first, with what they owe; `documents` carry `kind` and `href`."""
    owed = "".join(f"<p class=\"due\" data-total=\"balance\">{escape(text.money(b['owed'], b['currency']))}</p>"
                   for b in balances) or "<p class=\"due\">Nothing outstanding</p>"
    chips = "".join(f"<a class=\"button\" href=\"?status={escape(name)}\""
                    + (" aria-current=\"page\"" if name == status_filter else "") + f">{escape(name.capitalize())}</a>"
                    for name in filters)
    rows = "".join(
        f"<tr><td><a href=\"{escape(doc['href'])}\">{escape(TITLES[doc['kind']])} {escape(doc.get('number') or '')}"
        f"</a></td><td class=\"day\">{escape(text.day(doc.get('issue_date')))}</td><td>{escape(shown_status(doc))}</td>"
        f"<td class=\"num\">{escape(text.money(doc['totals']['gross'], doc['currency']))}</td>"
        f"<td class=\"num\">{escape(text.money(doc['outstanding'], doc['currency'])) if 'outstanding' in doc else ''}"
        "</td></tr>" for doc in documents)
    table = (_SCROLLS.format(label="Documents") + "<table><thead><tr><th scope=\"col\">Document</th>"
             "<th scope=\"col\">Date</th>"
             "<th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">Total</th>"
             f"<th scope=\"col\" class=\"num\">Due</th></tr></thead><tbody>{rows}</tbody></table></div>"
             if documents else "<p>No documents.</p>")
    return page(f"Your documents from {supplier_name}",
                f"<section>{_letterhead(supplier_name, logo)}<h1>{escape(customer_name)}</h1>"
                f"<h2>Outstanding balance</h2>{owed}<a class=\"button\" href=\"{escape(statement_href)}\">"
                "Your statement</a></section><section><h2>Documents</h2>"
                f"<nav aria-label=\"Filter by status\">{chips}</nav>{table}</section>")


def statement_page(customer_name: str, supplier_name: str, statement: Dict[str, Any], links: Dict[str, str],
                   logo: str = "") -> str:
    """The statement as GET /customers/{id}/statement answers it, read as on its PDF; `links`: pdf, back."""
    currency = statement["currency"]
    rows = [("", "Opening balance", "", text.money(statement["opening_balance"], currency)),
            *(statement_row(line, currency) for line in statement["lines"]),
            ("", "Closing balance", "", text.money(statement["closing_balance"], currency))]
    cells = "".join(f"<tr><td class=\"day\">{escape(day)}</td><td>{escape(what)}</td>"
                    f"<td class=\"num\">{escape(amount)}</td><td class=\"num\">{escape(balance)}</td></tr>"
                    for day, what, amount, balance in rows)
    aged = "".join(f"<tr><th scope=\"row\">{escape(title)}</th><td class=\"num\">{escape(amount)}</td></tr>"
                   for title, amount in aged_cells(statement))
    return page(f"Your statement from {supplier_name}",
                f"<section>{_letterhead(supplier_name, logo)}<h1>Statement</h1>"
                + _definitions([("For", customer_name), ("Up to", text.day(statement["to"])),
                                ("Balance", text.money(statement["closing_balance"], currency))])
                + "</section><section><h2>Transactions</h2>" + _SCROLLS.format(label="Transactions")
                + "<table><thead><tr><th scope=\"col\">Date</th><th scope=\"col\">Transaction</th>"
                "<th scope=\"col\" class=\"num\">Amount</th><th scope=\"col\" class=\"num\">Balance</th></tr>"
                f"</thead><tbody>{cells}</tbody></table></div></section>"
                f"<section><h2>Aged debt at {escape(text.day(statement['aged_as_of']))}</h2>"
                f"<table>{aged}</table></section>"
                + _downloads({"pdf": links["pdf"], "back": links["back"]}))
