"""Reading several items of different kinds in one round trip (TransactGetItems).

A use case that needs, say, a draft, its tenant's settings and its number
series asks for all of them at once: one call, and a consistent snapshot.
"""
from typing import Dict, Optional, Tuple, Type

from pynamodb.transactions import TransactGet

from .models import connection

MAX_ITEMS = 100  # DynamoDB's limit for one TransactGetItems


def read_together(wanted: Dict[str, Tuple[Type, str, str]]) -> Dict[str, Optional[object]]:
    """{name: (model class, PK, SK)} -> {name: item, or None where absent}."""
    if not wanted:
        return {}
    with TransactGet(connection=connection()) as transaction:
        futures = {name: transaction.get(model, pk, sk) for name, (model, pk, sk) in wanted.items()}
    found = {}
    for name, future in futures.items():
        try:
            found[name] = future.get()
        except wanted[name][0].DoesNotExist:
            found[name] = None
    return found
