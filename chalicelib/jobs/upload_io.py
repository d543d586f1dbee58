"""S3 and SQS for imports: an uploaded object read exactly as it was when it arrived.

Every read of an upload names its ETag (If-Match): if the key was overwritten
since, S3 refuses and the file is reported as replaced, instead of importing
content that the claims (keyed on the ETag) do not describe.
"""
import json
from functools import lru_cache
from typing import IO, Any, Dict, Iterator, List, NamedTuple

from .. import config
from ..store import files

BLOCK = 1 << 20


class ObjectChanged(Exception):
    """The upload was replaced or deleted after its event was sent."""


class Upload(NamedTuple):
    bucket: str
    key: str
    etag: str

    def stream(self, start: int = 0, length: int = 0) -> Any:
        """The object's bytes from `start` (`length` of them, or to the end), as a stream."""
        from botocore.exceptions import ClientError

        try:
            return _get(self.bucket, self.key, start, length, IfMatch=f'"{self.etag}"')
        except ClientError as error:
            code = error.response["Error"]["Code"]
            if code in ("PreconditionFailed", "412"):
                raise ObjectChanged("was replaced by a newer upload before it was read") from None
            if code in ("NoSuchKey", "404"):
                raise ObjectChanged("was deleted before it was read") from None
            raise

    def head(self, size: int) -> bytes:
        return self.stream(0, size).read()

    def blocks(self) -> Iterator[bytes]:
        body = self.stream()
        return iter(lambda: body.read(BLOCK), b"")

    def download(self, target: IO[bytes]) -> None:
        for block in self.blocks():
            target.write(block)
        target.seek(0)


class _Empty:
    def read(self, size: int = -1) -> bytes:
        return b""


def _get(bucket: str, key: str, start: int, length: int = 0, **conditions: str) -> Any:
    """A ranged GET's body; past the end of the object (or of an empty one), no bytes."""
    from botocore.exceptions import ClientError

    span = f"bytes={start}-{start + length - 1}" if length else f"bytes={start}-"
    try:
        return files.s3().get_object(Bucket=bucket, Key=key, Range=span, **conditions)["Body"]
    except ClientError as error:
        if error.response["Error"]["Code"] == "InvalidRange":
            return _Empty()
        raise


def work_key(tenant_id: str, batch_id: str, file_id: str, name: str) -> str:
    """Where an import keeps what it writes (converted rows, report parts, reports), in the
    documents bucket: never in the uploads bucket, whose every new object is an upload. Under
    imports/, which the bucket's lifecycle rule expires (infra/stacks/storage.py)."""
    return "/".join(("imports", "tenants", tenant_id, batch_id, file_id, name))


def read_lines(key: str) -> Iterator[bytes]:
    """A documents-bucket object, line by line."""
    from ..imports.csv_source import byte_lines

    return byte_lines(files.s3().get_object(Bucket=config.documents_bucket(), Key=key)["Body"])


def open_work(key: str, start: int = 0) -> Any:
    return _get(config.documents_bucket(), key, start)


def send_all(messages: List[Dict[str, Any]]) -> None:
    """Messages to the uploads queue (chunks of a file), ten to a call."""
    for at in range(0, len(messages), 10):
        entries = [{"Id": str(n), "MessageBody": json.dumps(m)} for n, m in enumerate(messages[at:at + 10])]
        failed = _sqs().send_message_batch(QueueUrl=_queue_url(), Entries=entries).get("Failed")
        if failed:
            raise RuntimeError(f"the uploads queue refused {len(failed)} message(s): {failed[0]}")


@lru_cache(maxsize=None)
def _sqs() -> Any:
    import boto3

    return boto3.client("sqs")


@lru_cache(maxsize=None)
def _queue_url() -> str:
    return _sqs().get_queue_url(QueueName=config.uploads_queue())["QueueUrl"]
