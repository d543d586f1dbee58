"""PDFs and e-invoices of documents: rendered when issued or changed, kept in S3, handed out as links.

A PDF's key is a fingerprint of what it prints (render/document_printed.py: the
printed fields and the tenant's logo), so a link always shows the document as
it is now (a payment, an edit or a void prints differently and makes a new PDF),
while a new version that prints the same (an email sent, a reminder recorded)
keeps the file it has instead of rendering it again.
"""
import hashlib
import json
import re
from functools import lru_cache
from typing import Any, Dict, Optional

from ..store import files
from ..store.models import DocumentItem, RecordItem
from .document_inputs import supplier_snapshot, with_current_contacts
from .document_types import CREDIT_NOTE, INVOICE
from .document_view import present_document
from .tenants import TENANTS

PDF = "application/pdf"
XML = "application/xml"


def file_name(item: DocumentItem, extension: str) -> str:
    """INV-0001.pdf; a draft has no number yet, so it goes by its id."""
    return re.sub(r"[^A-Za-z0-9._-]", "-", item.number or f"draft-{item.id}") + f".{extension}"


def document_pdf(tenant_id: str, item: DocumentItem) -> str:
    """The S3 key of the document's current PDF, rendering it first if it is not there."""
    from ..render.document_printed import pdf_fingerprint

    tenant = TENANTS.store.get(tenant_id, tenant_id)
    shown = _printed_document(tenant, item)
    logo = tenant.data.get("logo")
    fingerprint = pdf_fingerprint(shown, item.kind, logo and logo["sha256"])
    key = files.tenant_key(tenant_id, "pdf", item.kind.lower(), item.id, f"{fingerprint}.pdf")
    if not files.exists(key):
        from ..render.document_pdf import render_document_pdf

        logo_bytes = _logo_bytes(logo["key"], logo["sha256"]) if logo else None
        files.put_bytes(key, render_document_pdf(shown, item.kind, logo_bytes), PDF)
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


def _printed_document(tenant: RecordItem, item: DocumentItem) -> Dict[str, Any]:
    """The document as its PDF takes it: a draft with the tenant's details as they are now (they
    are fixed only when it is issued), a credit note with its invoice's date."""
    shown = present_document(item)
    if "supplier" not in shown:
        shown["supplier"] = supplier_snapshot(tenant)
    if item.kind == CREDIT_NOTE.store.kind:
        shown["invoice_issue_date"] = INVOICE.store.get(tenant.id, item.data["invoice_id"]).data.get("issue_date")
    return shown


def tenant_logo(tenant_id: str) -> Optional[bytes]:
    logo = TENANTS.store.get(tenant_id, tenant_id).data.get("logo")
    return _logo_bytes(logo["key"], logo["sha256"]) if logo else None


@lru_cache(maxsize=64)
def _logo_bytes(key: str, sha256: str) -> bytes:
    """Logos are read once per process: the hash in the cache key changes with the logo."""
    return files.get_bytes(key)
