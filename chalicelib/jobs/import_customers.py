"""Customers an upload creates for contact names no customer has (option "customers": "create"),
once per name per batch, however often a chunk runs.

A new name's customer is created with its claim (keyed on the batch and the name,
case and spacing aside) in one transaction, and only once the document naming it
has passed every check it can pass before its customer exists. A run that finds
the claim (a chunk run again, a twin run, a later document or file of the batch)
takes the customer it names. The claim keeps the customer's fields as its first
line gave them: a later line naming the same contact with other details is told
that the first one won.
"""
from typing import Any, Dict, List, Optional, Tuple

from ..domain.errors import Conflict
from ..domain.records import DEFAULT_PAYMENT_TERMS_DAYS, Actor
from ..imports.bodies import Prepared, flat
from ..services.customers import CUSTOMERS
from ..services.records import create_record
from ..store import keys
from ..store.unit_of_work import UnitOfWork, Writes
from ..store.uploads import ImportClaimItem, get_claim, new_customer_pk


class CustomerClaimed(Conflict):
    """Another run created this name's customer first."""


def compared(name: str) -> str:
    return " ".join(name.lower().split())


class NewCustomers:
    def __init__(self, tenant_id: str, batch_id: str, file_id: str, actor: Actor, base_currency: str):
        self.tenant_id, self.batch_id, self.file_id, self.actor = tenant_id, batch_id, file_id, actor
        self.defaults = {"currency": base_currency, "payment_terms_days": DEFAULT_PAYMENT_TERMS_DAYS}
        self._claims: Dict[str, Optional[ImportClaimItem]] = {}

    def created(self, name: str) -> bool:
        """Whether the batch created a customer for this name (read once per run)."""
        return self._claim(self._pk(name)) is not None

    def _pk(self, name: str) -> str:
        return new_customer_pk(self.tenant_id, self.batch_id, compared(name))

    def _claim(self, pk: str) -> Optional[ImportClaimItem]:
        if pk not in self._claims:
            self._claims[pk] = get_claim(pk)
        return self._claims[pk]

    def customer_for(self, prepared: Prepared, line: int) -> Tuple[str, str]:
        """The id of the customer for the document's new contact name, created by the first line that
        names it, and what the report says of it on `line`."""
        fields = prepared.new_customer
        pk = self._pk(fields["name"])
        claim = self._claim(pk)
        if claim is None:
            claim = ImportClaimItem(pk, keys.RECORD_SK, batch_id=self.batch_id, file_id=self.file_id, line=line,
                                    details=fields)
            try:
                create_record(UnitOfWork(before_commit=lambda made, writes: self._stake(writes, claim, made)),
                              CUSTOMERS, self.tenant_id, self.actor, {**self.defaults, **fields})
            except CustomerClaimed:
                claim = get_claim(pk)
        self._claims[pk] = claim
        return claim.document_id, self._note(claim, fields, line, prepared.new_customer_columns)

    @staticmethod
    def _stake(writes: Writes, claim: ImportClaimItem, made: Any) -> None:
        claim.document_id = made.id
        writes.put(claim, condition=ImportClaimItem.PK.does_not_exist(),
                   on_fail=CustomerClaimed("created already"))

    def _note(self, claim: ImportClaimItem, fields: Dict[str, Any], line: int, columns: Dict[str, str]) -> str:
        name, first = fields["name"], int(claim.line)
        if claim.file_id == self.file_id and first == line:
            return f"created customer {name!r} ({claim.document_id}) from this line"
        where = f"line {first}" + ("" if claim.file_id == self.file_id else " of another file of this upload")
        differing = _differing(flat(claim.details or {}), flat(fields))
        if not differing:
            return f"customer {name!r} ({claim.document_id}) created from {where}"
        shown = ", ".join(columns.get(field) or field for field in differing)
        return (f"customer {name!r} ({claim.document_id}) was created from {where}, whose details win: this "
                f"line's {shown} differ and were not used")


def _differing(first: Dict[str, Any], this: Dict[str, Any]) -> List[str]:
    return [field for field in sorted(set(first) | set(this)) if field != "name" and
            first.get(field) != this.get(field)]
