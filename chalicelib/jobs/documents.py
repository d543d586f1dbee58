"""Rendering a document's PDF in the background, once it is issued or changed."""
from ..domain.errors import NotFound
from ..services.document_files import document_pdf
from ..services.document_types import CREDIT_NOTE, ESTIMATE, INVOICE

TYPES = {dtype.store.kind: dtype for dtype in (INVOICE, CREDIT_NOTE, ESTIMATE)}


class NotYetVisible(Exception):
    """The message is ahead of the read: let SQS deliver it again."""


def prepare_pdf(tenant_id: str, kind: str, document_id: str, version: int) -> None:
    """Render the PDF of the document's current version (a newer one than asked for is fine)."""
    try:
        item = TYPES[kind].store.get(tenant_id, document_id)
    except NotFound:
        return
    if item.version < version:
        raise NotYetVisible(f"{document_id} is at version {item.version}, the job wants {version}")
    document_pdf(tenant_id, item)
