"""Who changes records, and the states customers, products and API keys can be in."""
from typing import NamedTuple

ACTIVE = "active"
ARCHIVED = "archived"
REVOKED = "revoked"
SCOPES = ("read", "write")
DEFAULT_PAYMENT_TERMS_DAYS = 30


class Actor(NamedTuple):
    """Who makes a change: an API key id, or "admin"."""
    id: str
