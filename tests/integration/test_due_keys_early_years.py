"""A schedule may start on any date the API accepts: one starting before the year 1000 falls due
(its due-time key must sort before today's, as the tick reads the index up to now)."""
from datetime import date, datetime, timezone
from decimal import Decimal

from chalicelib.domain.records import Actor
from chalicelib.jobs.recurring import generate_due, run_tick
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.document_types import INVOICE
from chalicelib.services.recurring import create_template
from chalicelib.services.records import create_record
from chalicelib.services.tenants import create_tenant
from chalicelib.store.unit_of_work import UnitOfWork

ADMIN = Actor("admin")


def test_a_template_starting_before_the_year_1000_is_due():
    tenant = create_tenant(UnitOfWork(), ADMIN, {"legal_name": "Ancient Ltd"})
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant.id, ADMIN,
                             {"name": "C", "currency": "GBP", "payment_terms_days": 30})
    template = create_template(UnitOfWork(), tenant.id, ADMIN, {
        "name": "R", "customer_id": customer.id, "action": "draft", "missed": "generate_each",
        "lines": [{"description": "x", "quantity": Decimal(1), "unit_price": Decimal(10)}],
        "schedule": {"unit": "month", "interval": 1, "start_date": date(339, 5, 24), "count": 1}})
    as_of = datetime(2026, 3, 10, tzinfo=timezone.utc)
    sent = []
    run_tick(as_of, sent.append)
    assert template.id in [message["template_id"] for message in sent]
    (invoice_id,) = generate_due(tenant.id, template.id, as_of)
    assert INVOICE.store.get(tenant.id, invoice_id).doc_date == "0339-05-24"
