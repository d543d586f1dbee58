"""A billed period's records that arrive late go to the next invoice, once; usage that commits between
the billing run's read and its commit fails the run's condition (it reads again); the invoice's CSV
lists exactly the records its totals count."""
import csv
import io
from decimal import Decimal

import pytest

from chalicelib.domain.errors import ConcurrentUpdate
from chalicelib.services.usage_commit import commit_usage
from chalicelib.services.usage_rating import Rater
from chalicelib.store import files, keys
from chalicelib.store.unit_of_work import UnitOfWork, Writes
from chalicelib.store.usage_parts import write_invoice_usage_csv
from chalicelib.store.usage_totals import late_usage_totals, mark_period_billed, usage_to_bill
from tests.support.usage import Subscriptions, calls, expected_totals

ACCOUNTS = {"acme": "sub_acme"}


@pytest.fixture
def tenant_id():
    return keys.new_id("ten")


def ingest(tenant_id, records):
    rater = Rater(tenant_id, Subscriptions(ACCOUNTS))
    return commit_usage(tenant_id, "api", [rater.rate_fields(r) for r in records])


def bill(tenant_id, period, invoice_id, usage=None):
    usage = usage or usage_to_bill(tenant_id, "sub_acme", period)
    UnitOfWork().commit(mark_period_billed(Writes(), tenant_id, "sub_acme", period, invoice_id, usage.seen))
    return usage


def summed(totals):
    found = {}
    for t in totals:
        entry = found.setdefault(("acme", t.destination), [0, 0, 0])
        for i, value in enumerate((t.calls, t.seconds, t.amount_micros)):
            entry[i] += value
    return found


def test_records_of_a_billed_period_go_once_to_the_next_invoice_as_late_usage(tenant_id):
    march, late, april = calls(50, ["acme"]), calls(20, ["acme"], seed=2, prefix="late"), calls(30, ["acme"],
                                                                                                 month="2026-04")
    ingest(tenant_id, march)
    billed = bill(tenant_id, "2026-03-01", "inv_march")
    assert summed(billed.totals) == expected_totals(march) and billed.late == []
    ingest(tenant_id, late + march[:5])  # late records of March, and a repeat of some already billed
    ingest(tenant_id, april + late[:3])
    assert summed(usage_to_bill(tenant_id, "sub_acme", "2026-03-01").totals) == expected_totals(march)
    assert summed(late_usage_totals(tenant_id, "sub_acme", "2026-03-01")) == expected_totals(late)
    april_bill = bill(tenant_id, "2026-04-01", "inv_april")
    assert summed(april_bill.totals) == expected_totals(april)
    assert summed(april_bill.late) == expected_totals(late) and april_bill.late_period == "2026-03-01"
    # After April's invoice billed them, later arrivals of March go to May's invoice, not to a bucket already read.
    later = calls(4, ["acme"], seed=3, prefix="later")
    ingest(tenant_id, later)
    may = usage_to_bill(tenant_id, "sub_acme", "2026-05-01")
    assert summed(may.late) == expected_totals(later) and may.late_period == "2026-04-01"


def test_usage_counted_between_the_runs_read_and_its_commit_fails_the_commit(tenant_id):
    ingest(tenant_id, calls(10, ["acme"]))
    read = usage_to_bill(tenant_id, "sub_acme", "2026-03-01")
    ingest(tenant_id, calls(12, ["acme"])[10:])  # two more calls land after the run read the totals
    with pytest.raises(ConcurrentUpdate):
        bill(tenant_id, "2026-03-01", "inv_1", read)
    again = bill(tenant_id, "2026-03-01", "inv_1")
    assert sum(t.calls for t in again.totals) == 12


def test_late_usage_counted_between_the_runs_read_and_its_commit_fails_the_commit(tenant_id):
    ingest(tenant_id, calls(5, ["acme"]))
    bill(tenant_id, "2026-03-01", "inv_march")
    read = usage_to_bill(tenant_id, "sub_acme", "2026-04-01")
    ingest(tenant_id, calls(3, ["acme"], prefix="late"))
    with pytest.raises(ConcurrentUpdate):
        bill(tenant_id, "2026-04-01", "inv_april", read)
    assert sum(t.calls for t in bill(tenant_id, "2026-04-01", "inv_april").late) == 3


def test_the_invoice_csv_lists_the_records_its_totals_count(tenant_id):
    march, late = calls(40, ["acme"]), calls(6, ["acme"], seed=4, prefix="late")
    ingest(tenant_id, march[:30])
    ingest(tenant_id, march[20:])
    bill(tenant_id, "2026-03-01", "inv_march")
    ingest(tenant_id, late + calls(8, ["acme"], month="2026-04", prefix="apr"))
    april = bill(tenant_id, "2026-04-01", "inv_april")
    march_rows = _rows(write_invoice_usage_csv(tenant_id, "sub_acme", "2026-03-01", "inv_march"))
    assert sorted(r["id"] for r in march_rows) == sorted(r["id"] for r in march)
    april_rows = _rows(write_invoice_usage_csv(tenant_id, "sub_acme", "2026-04-01", "inv_april", april.late_period))
    assert sorted(r["id"] for r in april_rows if r["late_after"]) == sorted(r["id"] for r in late)
    assert len(april_rows) == 14
    micros = sum(Decimal(r["amount"]) for r in march_rows).scaleb(6)
    assert micros == sum(t.amount_micros for t in usage_to_bill(tenant_id, "sub_acme", "2026-03-01").totals)


def _rows(key):
    return list(csv.DictReader(io.StringIO(files.get_bytes(key).decode())))
