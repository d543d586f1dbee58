"""The tenant's logo, printed at the top of every PDF: a PNG or JPEG of at most 200 KB."""
import base64
import binascii
import hashlib
from io import BytesIO
from typing import Any, Dict

from ..domain.errors import NotFound, PayloadTooLarge, invalid
from ..store import files
from ..store.unit_of_work import UnitOfWork
from .records import Actor, update_record
from .tenants import TENANTS

MAX_BYTES = 200 * 1024
MAX_PIXELS = 4000  # per side: more is only ever a mistake on an invoice
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
FIELD = "content_base64"


def set_logo(uow: UnitOfWork, tenant_id: str, actor: Actor, content_base64: str):
    content = _decoded(content_base64)
    logo = {**_image_facts(content), "bytes": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    logo["key"] = files.tenant_key(tenant_id, "logo", f"{logo['sha256']}.{logo['content_type'][6:]}")
    files.put_bytes(logo["key"], content, logo["content_type"])
    return update_record(uow, TENANTS, tenant_id, actor, tenant_id, {"logo": logo})


def remove_logo(uow: UnitOfWork, tenant_id: str, actor: Actor):
    return update_record(uow, TENANTS, tenant_id, actor, tenant_id, {"logo": None})


def logo_link(tenant_id: str) -> Dict[str, Any]:
    logo = TENANTS.store.get(tenant_id, tenant_id).data.get("logo")
    if not logo:
        raise NotFound("This tenant has no logo")
    return files.link(logo["key"], f"logo.{logo['content_type'][6:]}")


def _decoded(content_base64: str) -> bytes:
    try:
        content = base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(FIELD, "is not valid base64") from None
    if len(content) > MAX_BYTES:
        raise PayloadTooLarge(f"The logo is {len(content)} bytes; at most {MAX_BYTES} are allowed",
                              [(FIELD, f"must be at most {MAX_BYTES} bytes")])
    return content


def _image_facts(content: bytes) -> Dict[str, Any]:
    """Checks the bytes really are a whole PNG or JPEG, whatever the client says they are."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(content)) as image:
            image_format, (width, height) = image.format, image.size
            if image_format not in FORMATS:
                raise invalid(FIELD, f"must be a PNG or JPEG image, not {image_format}")
            if max(width, height) > MAX_PIXELS:
                raise invalid(FIELD, f"must be at most {MAX_PIXELS} pixels a side")
            image.load()  # decodes every pixel: a truncated file fails here
    except Image.DecompressionBombError:  # a small file may declare a vast image
        raise invalid(FIELD, f"must be at most {MAX_PIXELS} pixels a side") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise invalid(FIELD, f"is not a readable PNG or JPEG image ({error.__class__.__name__})") from None
    return {"content_type": FORMATS[image_format], "width": width, "height": height}
