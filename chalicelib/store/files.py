"""Files in S3: what the service writes (PDFs, exports, e-invoices, logos) and hands out
as short-lived presigned links. Every key starts with the tenant's prefix."""
from functools import lru_cache
from typing import IO, Any, Dict, Optional

from .. import config

LINK_SECONDS = 900


@lru_cache(maxsize=None)
def s3() -> Any:
    import boto3
    from botocore.config import Config

    # Signature v4 with the regional endpoint: links work in every region and locally.
    return boto3.client("s3", config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


def tenant_key(tenant_id: str, *parts: str) -> str:
    return "/".join(("tenants", tenant_id, *parts))


def export_key(tenant_id: str, *parts: str) -> str:
    """Exports live under exports/, which the bucket's lifecycle rule expires (infra/stacks)."""
    return "/".join(("exports", "tenants", tenant_id, *parts))


def put_bytes(key: str, body: bytes, content_type: str, bucket: Optional[str] = None) -> None:
    s3().put_object(Bucket=bucket or config.documents_bucket(), Key=key, Body=body, ContentType=content_type)


def put_file(key: str, stream: IO[bytes], content_type: str, bucket: Optional[str] = None) -> None:
    """Streams a (spooled) file to S3, in parts when it is large."""
    s3().upload_fileobj(stream, bucket or config.documents_bucket(), key, ExtraArgs={"ContentType": content_type})


def get_bytes(key: str, bucket: Optional[str] = None) -> bytes:
    return s3().get_object(Bucket=bucket or config.documents_bucket(), Key=key)["Body"].read()


def exists(key: str, bucket: Optional[str] = None) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3().head_object(Bucket=bucket or config.documents_bucket(), Key=key)
        return True
    except ClientError as error:
        if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def link(key: str, file_name: str, bucket: Optional[str] = None) -> Dict[str, Any]:
    """A presigned GET that downloads as `file_name`; the API's answer for every file."""
    url = s3().generate_presigned_url("get_object", ExpiresIn=LINK_SECONDS, Params={
        "Bucket": bucket or config.documents_bucket(), "Key": key,
        "ResponseContentDisposition": f'attachment; filename="{file_name}"'})
    return {"url": url, "expires_in": LINK_SECONDS, "file_name": file_name}
