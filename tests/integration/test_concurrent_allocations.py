"""20 allocations at once against one invoice and two payments: never more than either has."""
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from chalicelib.api.errors import status_for
from chalicelib.domain.errors import DomainError
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.payments import record_payment
from chalicelib.services.sources import PAYMENTS, allocate_from
from chalicelib.services.records import Actor, create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.ledger import balances
from chalicelib.store.unit_of_work import UnitOfWork

ACTOR = Actor("race")


def test_racing_allocations_never_exceed_the_invoice_or_the_payments():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Race Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    line = {"description": "x", "quantity": Decimal(1), "unit_price": Decimal("100.00")}  # 120.00 with VAT
    draft = create_document(UnitOfWork(), INVOICE, tenant.id, ACTOR, {"customer_id": customer.id, "lines": [line]})
    invoice = issue_document(UnitOfWork(), INVOICE, tenant.id, ACTOR, draft.id, {})
    payments = [record_payment(UnitOfWork(), tenant.id, ACTOR, {"customer_id": customer.id, "amount": Decimal("100")})
                for _ in range(2)]

    def allocate(i):
        try:
            allocate_from(UnitOfWork(), PAYMENTS, tenant.id, ACTOR, payments[i % 2].id,
                             [{"invoice_id": invoice.id, "amount": Decimal("13.00")}])
            return 200
        except DomainError as refused:
            return status_for(refused)

    with ThreadPoolExecutor(max_workers=20) as pool:
        outcomes = list(pool.map(allocate, range(20)))

    assert set(outcomes) <= {200, 409}
    succeeded = outcomes.count(200)
    final_invoice = INVOICE.store.get(tenant.id, invoice.id)
    final_payments = [PAYMENTS.get(tenant.id, p.id) for p in payments]
    assert final_invoice.data["amount_paid"] == Decimal("13.00") * succeeded <= Decimal("120.00")
    assert succeeded == 9  # 9 x 13 = 117: a tenth would pass the invoice's 120.00
    assert final_invoice.status == "partially_paid"
    for payment in final_payments:
        assert payment.data["allocated"] <= payment.data["amount"]
    assert sum(p.data["allocated"] for p in final_payments) == final_invoice.data["amount_paid"]
    (balance,) = balances(tenant.id, customer.id)
    assert balance.allocated == final_invoice.data["amount_paid"]
    assert (balance.invoiced, balance.received) == (Decimal("120.00"), Decimal("200"))
