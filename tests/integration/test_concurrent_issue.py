"""Gapless numbering under concurrency: 100 drafts issued by 20 threads get exactly 1..100."""
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from chalicelib.services.document_types import INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.records import Actor, create_record
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.tenants import create_tenant
from chalicelib.store.tallies import days_between
from chalicelib.store.unit_of_work import UnitOfWork

ADMIN = Actor("admin")


def test_concurrent_issues_take_every_number_once_with_no_gap():
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Busy Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    line = {"description": "x", "quantity": Decimal(1), "unit_price": Decimal("10.00")}
    drafts = [create_document(UnitOfWork(), INVOICE, tenant.id, ADMIN, {"customer_id": customer.id, "lines": [line]})
              for _ in range(100)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        issued = list(pool.map(lambda d: issue_document(UnitOfWork(), INVOICE, tenant.id, ADMIN, d.id, {}), drafts))
    numbers = sorted(int(i.number.removeprefix("INV-")) for i in issued)
    assert numbers == list(range(1, 101))
    assert len({i.id for i in issued}) == 100
    (day,) = days_between(tenant.id, "0000-01-01", "9999-12-31")
    assert (day.documents, day.raised) == (Decimal(100), Decimal("1200.00"))
