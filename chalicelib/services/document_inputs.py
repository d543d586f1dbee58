"""Everything a priced document takes from other records: tenant settings, customer, products."""
from typing import Any, Dict, Iterable, List, Optional

from ..domain.errors import InvalidReference, invalid
from ..domain.pricing import Policy
from ..store import keys
from ..store.models import RecordItem
from ..store.reads import MAX_ITEMS, Snapshot
from .customers import CUSTOMERS
from .products import PRODUCTS
from .records import ACTIVE
from .tenants import TENANTS, keep_zone


# Records taken from the cache are each checked in the transaction that uses them (100 actions at most,
# a recurring occurrence's own writes 13 of them): more products than this are read afresh instead.
MAX_CHECKED_PRODUCTS = 80


def references(tenant_id: str, customer_id: Optional[str], product_ids: Iterable[str],
               use_cache: bool = True, **more) -> Snapshot:
    """Tenant, customer and products (plus any `more` {name: (model, pk, sk)}) in one read at most."""
    wanted = {"tenant": (RecordItem, TENANTS.store.pk(tenant_id, tenant_id), keys.RECORD_SK), **more}
    if customer_id:
        wanted["customer"] = (RecordItem, CUSTOMERS.store.pk(tenant_id, customer_id), keys.RECORD_SK)
    named = sorted(set(product_ids))
    for product_id in named:
        wanted[f"product:{product_id}"] = (RecordItem, PRODUCTS.store.pk(tenant_id, product_id), keys.RECORD_SK)
    if len(wanted) > MAX_ITEMS:  # one read: the products and the records read with them
        raise invalid("lines", f"may name at most {MAX_ITEMS - (len(wanted) - len(named))} different products")
    found = Snapshot(wanted, use_cache and len(named) <= MAX_CHECKED_PRODUCTS)
    if "tenant" not in found.cached:  # just read: the tenant's zone need not be read again
        keep_zone(found["tenant"])
    return found


def product_names(lines) -> List[str]:
    """Snapshot names of the distinct products the lines name."""
    return [f"product:{product_id}" for product_id in sorted({l["product_id"] for l in lines if l.get("product_id")})]



def usable_customer(found: Dict[str, Any], customer_id: str) -> RecordItem:
    customer = found.get("customer")
    if customer is None:
        raise InvalidReference(f"No customer has the id {customer_id}",
                               [("customer_id", "is not one of your customers")])
    if customer.status != ACTIVE:
        raise InvalidReference("The customer is archived; restore it first",
                               [("customer_id", "is archived")])
    return customer


def usable_products(found: Dict[str, Any], lines) -> Dict[str, Dict[str, Any]]:
    products, problems = {}, []
    for i, line in enumerate(lines):
        product_id = line.get("product_id")
        if not product_id:
            continue
        product = found.get(f"product:{product_id}")
        if product is None:
            problems.append((f"lines[{i}].product_id", "is not one of your products"))
        elif product.status != ACTIVE:
            problems.append((f"lines[{i}].product_id", "is archived"))
        else:
            products[product_id] = product.data
    if problems:
        raise InvalidReference(f"{problems[0][0]} {problems[0][1]}", problems)
    return products


def customer_snapshot(customer: RecordItem) -> Dict[str, Any]:
    """The customer's details as the document shows them (UK VAT: name and address)."""
    fields = ("name", "company", "emails", "billing_address", "vat_number", "peppol_id")
    return {"id": customer.id, **{f: customer.data[f] for f in fields if f in customer.data}}


def supplier_snapshot(tenant: RecordItem) -> Dict[str, Any]:
    fields = ("legal_name", "trading_name", "address", "vat_number", "email", "phone", "company_number",
              "payment_details", "contact_name", "peppol_id")
    return {f: tenant.data[f] for f in fields if f in tenant.data}


# Taken as they are now when an e-invoice is made: the parties' Peppol addresses and the seller's
# contact route and answer the e-invoice, they are not what was invoiced, and a refusal naming one
# (409) must be cured by setting it on the tenant or customer.
E_INVOICE_FIELDS = {"supplier": ("peppol_id", "contact_name", "phone", "email"), "customer": ("peppol_id",)}


def with_current_contacts(tenant_id: str, document: Dict[str, Any]) -> Dict[str, Any]:
    """The presented document with E_INVOICE_FIELDS from the tenant and customer records (one read)."""
    found = references(tenant_id, document["customer_id"], (), use_cache=False)
    records = {"supplier": found["tenant"], "customer": found.get("customer")}
    shown = dict(document)
    for party, fields in E_INVOICE_FIELDS.items():
        current = records[party].data if records[party] else {}
        shown[party] = {**(document.get(party) or {}), **{f: current[f] for f in fields if current.get(f)}}
    return shown


def rounding_policy(tenant: RecordItem, prices_include_vat: bool) -> Policy:
    rounding = tenant.data["rounding"]
    return Policy(rounding["vat_level"], rounding["mode"], prices_include_vat)
