"""PDFs and e-invoices of documents: rendered when issued or changed, kept in S3, handed out as links.

A PDF's key names the document's version, so a link always shows the document
as it is now (a payment, an edit or a void makes a new version and so a new
PDF), and rendering the same version twice writes the same file.
"""
import hashlib
import json
import re
from functools import lru_cache
from typing import Any, Dict, Optional

from ..store import files
from ..store.models import DocumentItem
from .document_inputs import supplier_snapshot, with_current_contacts
from .document_types import CREDIT_NOTE, INVOICE
from .document_view import present_document
from .tenants import TENANTS

PDF = "application/pdf"
XML = "application/xml"


def pdf_key(tenant_id: str, item: DocumentItem) -> str:
    return files.tenant_key(tenant_id, "pdf", item.kind.lower(), item.id, f"v{item.version}.pdf")


def file_name(item: DocumentItem, extension: str) -> str:
    """INV-0001.pdf; a draft has no number yet, so it goes by its id."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", item.number or f"draft-{item.id}") + f".{extension}"


def document_pdf(tenant_id: str, item: DocumentItem) -> str:
    """The S3 key of the document's current PDF, rendering it first if it is not there."""
    key = pdf_key(tenant_id, item)
    if not files.exists(key):
        files.put_bytes(key, render_pdf(tenant_id, item), PDF)
    return key


def pdf_link(tenant_id: str, item: DocumentItem) -> Dict[str, Any]:
    return files.link(document_pdf(tenant_id, item), file_name(item, "pdf"))


def ubl_link(tenant_id: str, item: DocumentItem) -> Dict[str, Any]:
    """The EN 16931 (Peppol BIS 3) UBL of an issued invoice or credit note. Its key names the
    document's version and the parties' details, which e-invoices take as they are now."""
    from ..render.ubl import ubl_xml

    document = with_current_contacts(tenant_id, present_document(item))
    parties = json.dumps([document["supplier"], document["customer"]], sort_keys=True, default=str)
    digest = hashlib.sha256(parties.encode()).hexdigest()[:16]
    key = files.tenant_key(tenant_id, "ubl", item.kind.lower(), item.id, f"v{item.version}-{digest}.xml")
    if not files.exists(key):
        files.put_bytes(key, ubl_xml(document), XML)
    return files.link(key, file_name(item, "xml"))


def render_pdf(tenant_id: str, item: DocumentItem) -> bytes:
    from ..render.document_pdf import render_document_pdf

    shown = present_document(item)
    if "supplier" not in shown:  # a draft: the supplier's details are fixed only when it is issued
        shown["supplier"] = supplier_snapshot(TENANTS.store.get(tenant_id, tenant_id))
    if item.kind == CREDIT_NOTE.store.kind:
        shown["invoice_issue_date"] = INVOICE.store.get(tenant_id, item.data["invoice_id"]).data.get("issue_date")
    return render_document_pdf(shown, item.kind, tenant_logo(tenant_id))


def tenant_logo(tenant_id: str) -> Optional[bytes]:
    logo = TENANTS.store.get(tenant_id, tenant_id).data.get("logo")
    return _logo_bytes(logo["key"], logo["sha256"]) if logo else None


@lru_cache(maxsize=64)
def _logo_bytes(key: str, sha256: str) -> bytes:
    """Logos are read once per process: the hash in the cache key changes with the logo."""
    return files.get_bytes(key)
