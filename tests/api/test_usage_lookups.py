"""Rating asks for an account's subscription once per span in which the answer holds, also when the
answer is that none holds: calls before its start or after its end, calls of an account no
subscription names. (Each such call cost a lookup, three or four reads, per quarter hour: most of the
reads of the usage month scenario, whose generated calls start the day before each subscription.)"""
from datetime import datetime, timedelta, timezone

from chalicelib.services import usage_rating
from chalicelib.services.usage_rating import Rated, Rater
from tests.api.test_catalogue import card, customer, package

START = datetime(2026, 3, 13, tzinfo=timezone.utc)


def test_calls_outside_every_subscription_cost_one_lookup_per_span(tenant):
    made = package(tenant, card(tenant))
    sub = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["id"],
                                         "start_date": "2026-03-15", "end_date": "2026-03-16", "day_of_month": 1,
                                         "account_reference": "ACME-1"})
    assert sub.status == 201, sub.body
    lookups, lookup = [], usage_rating.default_lookup()

    def counted(tenant_id, account, at):
        lookups.append(account)
        return lookup(tenant_id, account, at)

    rater = Rater(tenant.tenant_id, counted)
    # every 20 minutes from 13 March 00:00 to 17 March 03:40 (UTC, London's time in March)
    outcomes = {account: [rater.rate_fields({"id": f"{account}-{n}", "account": account,
                                             "start": (START + timedelta(minutes=20 * n)).isoformat(),
                                             "duration_seconds": "60", "destination": "+44 20 7946 0000"})
                          for n in range(300)] for account in ("ACME-1", "NOBODY")}
    rated = [isinstance(outcome, Rated) for outcome in outcomes["ACME-1"]]
    # held from 15 March 00:00 to the end of the 16th: the 144th call (n = 144) to the 287th
    assert rated == [False] * 144 + [True] * 144 + [False] * 12
    assert {o.reason for o in outcomes["ACME-1"] if not isinstance(o, Rated)} == {usage_rating.NO_SUBSCRIPTION}
    assert not any(isinstance(outcome, Rated) for outcome in outcomes["NOBODY"])
    assert lookups == ["ACME-1"] * 3 + ["NOBODY"]  # before, during and after the subscription; nobody's once
