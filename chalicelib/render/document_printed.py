"""What a document's PDF prints: the fields of its API form the PDF reads, and a fingerprint of
them that names the PDF's file.

The PDF is rendered from this view alone (render_document_pdf), so nothing outside it can be
printed, and a change outside it (an email sent, a reminder recorded, the status moving from
issued to sent or paid) keeps the file instead of rendering it again. Light: no PDF library.
"""
import hashlib
import json
from typing import Any, Dict, Optional

DOCUMENT = ("number", "issue_date", "due_date", "invoice_number", "invoice_issue_date", "expiry_date", "reference",
            "currency", "prices_include_vat", "totals", "amount_paid", "amount_credited", "outstanding",
            "vat_in_base_currency", "base_currency", "exchange_rate", "exchange_rate_source", "exchange_rate_date",
            "reason", "void_reason", "notes")
LINE = ("description", "period", "discount", "discount_amount", "unit_price", "vat_category", "vat_rate", "quantity",
        "unit", "net")
SUPPLIER = ("legal_name", "trading_name", "address", "vat_number", "email", "phone", "company_number",
            "payment_details")
CUSTOMER = ("name", "company", "billing_address", "vat_number")
MARKED = ("draft", "void")  # statuses the PDF shows (a mark across the page); every other prints alike
ISSUED = "issued"


def printed_view(document: Dict[str, Any]) -> Dict[str, Any]:
    """The document as far as its PDF prints it."""
    return {**_picked(document, DOCUMENT),
            "status": document["status"] if document["status"] in MARKED else ISSUED,
            "lines": [_picked(line, LINE) for line in document.get("lines", [])],
            "supplier": _picked(document.get("supplier") or {}, SUPPLIER),
            "customer": _picked(document.get("customer") or {}, CUSTOMER)}


def pdf_fingerprint(document: Dict[str, Any], kind: str, logo_sha256: Optional[str]) -> str:
    """Names the PDF of `document` (its API form) with the tenant's logo: the same for every
    version that prints the same, different as soon as anything printed differs."""
    printed = json.dumps([kind, printed_view(document), logo_sha256], sort_keys=True, ensure_ascii=False,
                         default=str)
    return hashlib.sha256(printed.encode()).hexdigest()[:32]


def _picked(fields: Dict[str, Any], names) -> Dict[str, Any]:
    return {name: fields[name] for name in names if name in fields}
