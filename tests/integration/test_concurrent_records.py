"""Many writers at once against DynamoDB Local: no lost update, no shared unique value."""
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

from chalicelib.domain.errors import ConcurrentUpdate, Conflict
from chalicelib.services.customers import CUSTOMERS
from chalicelib.services.products import PRODUCTS
from chalicelib.services.records import Actor, create_record, update_record
from chalicelib.store.history import list_history
from chalicelib.store.keys import new_id
from chalicelib.store.records import ListQuery
from chalicelib.store.unit_of_work import UnitOfWork

WRITERS = 20


def run_all(tasks):
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        futures = [pool.submit(task) for task in tasks]
    outcomes = []
    for future in futures:
        try:
            outcomes.append(future.result())
        except (ConcurrentUpdate, Conflict) as refused:
            outcomes.append(refused)
    return outcomes


def test_concurrent_updates_never_lose_a_change_or_its_history():
    tenant_id = new_id("ten")
    customer = create_record(UnitOfWork(), CUSTOMERS, tenant_id, Actor("setup"), {"name": "Start"})

    def rename(i):
        return lambda: update_record(UnitOfWork(), CUSTOMERS, tenant_id, Actor(f"writer-{i}"),
                                     customer.id, {"name": f"Name {i}"})

    outcomes = run_all([rename(i) for i in range(WRITERS)])
    applied = [o for o in outcomes if not isinstance(o, Exception)]
    assert applied, "at least one writer must win"
    assert all(isinstance(o, ConcurrentUpdate) for o in outcomes if isinstance(o, Exception))

    final = CUSTOMERS.store.get(tenant_id, customer.id)
    assert final.version == 1 + len(applied)
    history, _ = list_history(final.PK, 100, None)
    assert len(history) == 1 + len(applied)
    oldest_first = list(reversed(history))
    for earlier, later in zip(oldest_first, oldest_first[1:]):
        assert later["changes"]["name"]["before"] == earlier["changes"]["name"]["after"]
    assert oldest_first[-1]["changes"]["name"]["after"] == final.data["name"]


def test_concurrent_creates_with_one_code_leave_exactly_one_product():
    tenant_id = new_id("ten")

    def create(i):
        fields = {"name": f"P{i}", "code": "SAME-CODE", "unit_price": Decimal("1"), "currency": "GBP",
                  "vat_category": "standard", "vat_rate": Decimal("20")}
        return lambda: create_record(UnitOfWork(), PRODUCTS, tenant_id, Actor("w"), fields)

    outcomes = run_all([create(i) for i in range(WRITERS)])
    created = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(created) == 1
    assert all(isinstance(o, Conflict) and o.details == [("code", "is already used by another product")]
               for o in outcomes if isinstance(o, Exception))
    listed, _ = PRODUCTS.store.list(tenant_id, ListQuery())
    assert [p.id for p in listed] == [created[0].id]
