"""Customers: billing and contact details of the people and companies a tenant bills."""
from ..store.records import RecordStore
from .records import RecordType



def _present(data: dict) -> dict:
    shown = dict(data)
    if "payment_terms_days" in shown:
        shown["payment_terms_days"] = int(shown["payment_terms_days"])
    return shown


CUSTOMERS = RecordType(
    store=RecordStore("CUSTOMER", "customer"),
    id_prefix="cus",
    present=_present,
    search_fields=("name", "company", "emails"),
    counted=True,
)
