"""Names in an upload turned into ids: customers by name (or id), products by code,
invoices by number (or id). Read once per chunk, as the rows need them.

Customer names are not unique, so the tenant's customers are read once (one
Query, page by page, of their ids, statuses and names only) into a map by name;
a name two active customers share is refused as ambiguous rather than guessed;
a name no customer has is an UnknownCustomer, which an upload that creates
customers creates. Codes and numbers are unique, so
each is one GetItem of its claim, remembered for the rest of the chunk; so is a customer's account
reference in another system (Sage's), claimed when a customer list of that system made it.
"""
from typing import Any, Callable, Dict, List, Optional, Tuple

from ..domain.records import ACTIVE
from ..imports.bodies import UnknownCustomer
from ..imports.cells import CellError
from ..imports.tax_codes import vat_of
from ..store import keys
from ..store.models import RecordItem, UniqueValueItem


# What the names need of each customer: a tenant's whole list is read per chunk (names are not
# unique, so no key finds one), the rest of each item (addresses, emails...) left on the server.
_NAMED_BY = ["id", "status", "data.name"]
PAGE = 500  # customers a page of that Query holds


def account_ref_pk(tenant_id: str, system: str, ref: str) -> str:
    """Claims a customer's account reference in another system for the customer an upload made."""
    return keys.unique_value_pk(tenant_id, "CUSTOMER", f"{system}_ref", ref)


def _normal(name: str) -> str:
    return " ".join(name.lower().split())


class Directory:
    def __init__(self, tenant_id: str, created: Optional[Callable[[str], bool]] = None,
                 mapping: Optional[Dict[str, Any]] = None, customer_refs: Optional[Dict[str, str]] = None,
                 ref_system: Optional[str] = None):
        """`created`: whether this upload created a customer for a name (None: it creates none);
        `mapping`: the tenant's accounting mapping; `customer_refs`: its customers by their reference in
        the system the file comes from; `ref_system`: that system, where its customer lists claim them."""
        self.tenant_id, self.created, self.creates_customers = tenant_id, created, created is not None
        self.mapping, self.customer_refs, self.ref_system = mapping, customer_refs or {}, ref_system
        self._customers: Optional[Dict[str, List[Tuple[str, str]]]] = None
        self._claims: Dict[str, Optional[str]] = {}

    def customer(self, text: str) -> str:
        if text.startswith("cus_"):
            return text  # an id: the service checks that it is one of the tenant's
        if text in self.customer_refs:
            return self.customer_refs[text]
        owner = self.ref_system and self._owner(account_ref_pk(self.tenant_id, self.ref_system, text))
        if owner:
            return owner
        # The names before the claims: a customer this upload made (with its claim, in one transaction)
        # is among names read earlier only if its claim is seen too, so a twin run still notes it.
        names = self._customer_names()
        if self.created and self.created(text):
            raise UnknownCustomer("was new to this upload")  # its customer and note come from the upload's claim
        found = names.get(_normal(text), [])
        active = [customer_id for customer_id, status in found if status == ACTIVE]
        if len(active) == 1:
            return active[0]
        if active:
            raise CellError(f"names {len(active)} customers; give the customer's id instead")
        if found:
            raise CellError("names an archived customer; restore it first")
        raise UnknownCustomer("is not the name or id of one of your customers")

    def tax_code(self, system: str, code: str) -> Tuple[str, str]:
        return vat_of(self.mapping, system, code)

    def product(self, code: str) -> str:
        owner = self._owner(keys.unique_value_pk(self.tenant_id, "PRODUCT", "code", code))
        if owner is None:
            raise CellError("is not the code of one of your products")
        return owner

    def invoice(self, text: str) -> str:
        if text.startswith("inv_"):
            return text
        owner = self._owner(keys.document_number_pk(self.tenant_id, "INVOICE", text))
        if owner is None:
            raise CellError("is not the number or id of one of your invoices")
        return owner

    def _owner(self, pk: str) -> Optional[str]:
        if pk not in self._claims:
            try:
                self._claims[pk] = UniqueValueItem.get(pk, keys.RECORD_SK, consistent_read=True).owner_id
            except UniqueValueItem.DoesNotExist:
                self._claims[pk] = None
        return self._claims[pk]

    def _customer_names(self) -> Dict[str, List[Tuple[str, str]]]:
        if self._customers is None:
            self._customers = {}
            partition = keys.kind_partition(self.tenant_id, "CUSTOMER")
            for customer in RecordItem.by_kind.query(partition, page_size=PAGE, attributes_to_get=_NAMED_BY):
                self._customers.setdefault(_normal(customer.data["name"]), []).append((customer.id, customer.status))
        return self._customers
