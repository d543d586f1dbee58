"""Secrets Manager values, kept in memory for a short while.

In AWS only the authorizer holds the admin key: it reads the secret at run time
(never from its environment) and keeps it `KEEP_SECONDS`, so a rotated key takes
effect within that time without a redeploy, and a warm authorizer makes about
one Secrets Manager call per five minutes.
"""
import threading
import time
from typing import Dict, Tuple

KEEP_SECONDS = 300.0

_kept: Dict[str, Tuple[float, str]] = {}  # secret id -> (read at, value)
_lock = threading.Lock()


def secret_string(secret_id: str) -> str:
    """The secret's current string value, read again once the kept one is KEEP_SECONDS old."""
    with _lock:
        read_at, value = _kept.get(secret_id, (None, ""))
        if read_at is None or _clock() - read_at >= KEEP_SECONDS:
            value = _read(secret_id)
            _kept[secret_id] = (_clock(), value)
        return value


def _clock() -> float:
    return time.monotonic()


def _read(secret_id: str) -> str:
    import boto3

    return boto3.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]
