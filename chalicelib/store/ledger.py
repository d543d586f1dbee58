"""Each customer's ledger: one entry per event that moves money, and running balances.

Entries (invoice issued, adjusted or voided, payment received or deleted,
allocation, refund, credit note) are written in the same transaction as the
document change they record, together with ADDs to the customer's balance
item for that currency. A statement is then one Query of the entries, and the
balances are one read, and neither can disagree with the documents.

Signs: `amount` is the entry's effect on what the customer owes (an invoice
is positive, a payment or credit note negative, a refund positive). An
allocation moves money between the customer's credit and an invoice: it does
not change the balance, so its effect is 0 and its size is in `allocated`.
"""
import secrets
from decimal import Decimal
from typing import Dict, List, NamedTuple, Optional

from . import keys
from .models import BalanceItem, LedgerItem
from .unit_of_work import Writes

ZERO = Decimal(0)
# Balance fields kept per customer and currency.
BALANCE_FIELDS = ("invoiced", "received", "credited", "refunded", "allocated")


class Entry(NamedTuple):
    kind: str  # invoice, invoice_adjusted, invoice_void, payment, payment_deleted, allocation, ...
    day: str  # ISO date the event counts on (document or payment date)
    currency: str
    amount: Decimal = ZERO  # effect on the balance owed
    allocated: Decimal = ZERO  # money moved from credit to invoices (negative: moved back)
    refs: Dict[str, str] = {}  # document ids and numbers (read only)
    # Deltas of the customer's balance fields this entry causes.
    balances: Dict[str, Decimal] = {}  # read only


def post(writes: Writes, tenant_id: str, customer_id: str, at: str, entry: Entry) -> None:
    """Add the entry and its balance deltas to `writes`."""
    pk = _ledger_pk(tenant_id, customer_id)
    sk = f"{entry.day}#{at}#{writes.sequence():03d}#{secrets.token_hex(3)}"
    writes.put(LedgerItem(pk, sk, day=entry.day, at=at,
                          kind=entry.kind, currency=entry.currency, amount=entry.amount,
                          allocated=entry.allocated, refs=entry.refs))
    writes.add_to(BalanceItem, keys.tally_pk(tenant_id), _balance_sk(customer_id, entry.currency),
                  entry.balances, {"currency": entry.currency})


def balances(tenant_id: str, customer_id: str) -> List[BalanceItem]:
    """The customer's balance items, one per currency it deals in."""
    return list(BalanceItem.query(keys.tally_pk(tenant_id),
                                  BalanceItem.SK.startswith(_balance_sk(customer_id, ""))))


def entries_until(tenant_id: str, customer_id: str, last_day: str,
                  currency: Optional[str]) -> List[LedgerItem]:
    """Every entry up to and including `last_day`, oldest first (the opening balance needs them all)."""
    condition = LedgerItem.currency == currency if currency else None
    return list(LedgerItem.query(_ledger_pk(tenant_id, customer_id), LedgerItem.SK <= f"{last_day}~",
                                 filter_condition=condition))


def _ledger_pk(tenant_id: str, customer_id: str) -> str:
    return f"{keys.tenant_prefix(tenant_id)}LEDGER#{customer_id}"


def _balance_sk(customer_id: str, currency: str) -> str:
    return f"BALANCE#{customer_id}#{currency}"
