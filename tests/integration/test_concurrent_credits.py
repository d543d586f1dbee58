"""12 credit notes of 13.00 issued at once against one 120.00 invoice: the VAT charged (20.00) lets
exactly 9 through (9 x 2.17 = 19.53; a tenth would credit 21.70), and the invoice's tally agrees."""
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from chalicelib.api.errors import status_for
from chalicelib.domain.errors import DomainError
from chalicelib.services.credit_notes import credit_invoice
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import CREDIT_NOTE, INVOICE
from chalicelib.services.drafts import create_document
from chalicelib.services.issuing import issue_document
from chalicelib.services.records import Actor, create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.unit_of_work import UnitOfWork

ACTOR = Actor("race")


def test_racing_credit_notes_never_take_back_more_than_the_invoice_charged():
    tenant = create_tenant(UnitOfWork(), ACTOR, {"legal_name": "Race Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ACTOR,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    line = {"description": "x", "quantity": Decimal(1), "unit_price": Decimal("100.00")}  # 120.00 with VAT
    draft = create_document(UnitOfWork(), INVOICE, tenant.id, ACTOR, {"customer_id": customer.id, "lines": [line]})
    invoice = issue_document(UnitOfWork(), INVOICE, tenant.id, ACTOR, draft.id, {})
    # 13.00 gross at 20%: VAT 13.00 x 20.00/120.00 = 2.1667 -> 2.17, net 10.83.
    notes = [credit_invoice(UnitOfWork(), tenant.id, ACTOR, invoice.id, {"reason": "x", "amount": Decimal("13.00")})
             for _ in range(12)]
    assert {(n.data["totals"]["net"], n.data["totals"]["vat"]) for n in notes} == {(Decimal("10.83"), Decimal("2.17"))}

    def issue(note):
        try:
            issue_document(UnitOfWork(), CREDIT_NOTE, tenant.id, ACTOR, note.id, {})
            return 200
        except DomainError as refused:
            return status_for(refused)

    with ThreadPoolExecutor(max_workers=12) as pool:
        outcomes = list(pool.map(issue, notes))

    assert set(outcomes) <= {200, 409}
    assert outcomes.count(200) == 9
    credited = INVOICE.store.get(tenant.id, invoice.id).data["credited"]
    issued = [n.id for n in notes if CREDIT_NOTE.store.get(tenant.id, n.id).status == "issued"]
    assert sorted(credited) == sorted(issued)
    assert sum(rate["vat"] for rates in credited.values() for rate in rates) == Decimal("2.17") * 9
