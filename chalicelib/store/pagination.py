"""Opaque list cursors: the last key a page read, bound to the partition it came from."""
import base64
import json
from typing import Dict, Optional

from ..domain.errors import invalid


def encode_cursor(last_key: Optional[Dict[str, dict]]) -> Optional[str]:
    if not last_key:
        return None
    plain = {name: value["S"] for name, value in last_key.items()}
    raw = json.dumps(plain, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, expected: Dict[str, str]) -> Dict[str, dict]:
    """The start key for the next page; a cursor from another list or tenant is refused."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
        valid = isinstance(plain, dict) and all(isinstance(v, str) for v in plain.values())
    except ValueError:
        valid = False
    if not valid or any(plain.get(k) != v for k, v in expected.items()):
        raise invalid("cursor", "is not a cursor this list gave out")
    return {name: {"S": value} for name, value in plain.items()}
