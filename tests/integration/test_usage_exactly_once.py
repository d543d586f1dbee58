"""Usage records into running totals, each once: whatever repeats (a batch, an overlap, several
writers at once on one account), totals count each record id once, against an oracle worked from
the card's rule (tests/support/usage.py), not from our rating code."""
from concurrent.futures import ThreadPoolExecutor

import pytest

from chalicelib.services.usage_commit import commit_usage
from chalicelib.services.usage_rating import Rater
from chalicelib.store import keys
from chalicelib.store import usage_seen
from chalicelib.store.usage_totals import usage_totals
from tests.support.usage import Subscriptions, calls, expected_totals

ACCOUNTS = {"acme": "sub_acme", "bolt": "sub_bolt"}


@pytest.fixture
def tenant_id():
    return keys.new_id("ten")


def ingest(tenant_id, records, lookup=None):
    rater = Rater(tenant_id, lookup or Subscriptions(ACCOUNTS))
    return commit_usage(tenant_id, "api", [rater.rate_fields(r) for r in records])


def totals(tenant_id, period="2026-03-01"):
    found = {}
    for account, subscription in ACCOUNTS.items():
        for total in usage_totals(tenant_id, subscription, period):
            entry = found.setdefault((account, total.destination), [0, 0, 0])
            entry[0] += total.calls
            entry[1] += total.seconds
            entry[2] += total.amount_micros
    return found


def test_a_batch_is_counted_once_however_often_it_comes(tenant_id):
    records = calls(300, list(ACCOUNTS))
    first = ingest(tenant_id, records)
    assert (first.counted, first.duplicates, first.unrated) == (300, 0, 0)
    again = ingest(tenant_id, records)
    assert (again.counted, again.duplicates) == (0, 300)
    assert totals(tenant_id) == expected_totals(records)


def test_overlapping_batches_and_repeats_within_a_batch_count_each_id_once(tenant_id):
    records = calls(400, list(ACCOUNTS))
    ingest(tenant_id, records[:250] + records[:10])
    result = ingest(tenant_id, records[200:])
    assert (result.counted, result.duplicates) == (150, 50)
    assert totals(tenant_id) == expected_totals(records)


def test_a_day_of_more_calls_than_a_set_holds_spills_into_further_sets(tenant_id, monkeypatch):
    monkeypatch.setattr(usage_seen, "CAP", 7)
    records = calls(60, ["acme"])
    for record in records:
        record["start"] = "2026-03-02T10:15:00+00:00"
    ingest(tenant_id, records[:25])
    ingest(tenant_id, records)
    ingest(tenant_id, records[40:])
    assert totals(tenant_id) == expected_totals(records)


def test_several_writers_at_once_on_one_account_count_each_record_once(tenant_id):
    records = calls(600, ["acme"])
    batches = [records[i:i + 200] for i in range(0, 600, 100)]  # each record in two batches
    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(lambda batch: ingest(tenant_id, batch), batches * 2))
    assert sum(r.counted for r in results) == 600
    assert sum(r.counted + r.duplicates for r in results) == 2 * sum(len(b) for b in batches)
    assert totals(tenant_id) == expected_totals(records)
