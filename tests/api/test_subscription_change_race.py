"""Changes of package and end date racing billing runs: no period billed twice or with the wrong package.

A change is refused for a billed period. Here many changes and billing runs (each message delivered
several times) go at once from threads, with the window between a change's check and its write
widened, and then every invoice is checked against the subscription as it ended up: each day of a
billed period on the package the subscription says it held that day, at that package's fee x days
held / days in the period (half-up), and each period on one invoice.
"""
import random
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal

from chalicelib.domain.errors import Conflict
from chalicelib.domain.records import Actor
from chalicelib.jobs import billing as run
from chalicelib.jobs.dispatch import work
from chalicelib.services import subscriptions
from chalicelib.store.unit_of_work import UnitOfWork
from tests.api.test_catalogue import card, customer, package

FEES = {"Bronze": "10.00", "Silver": "25.00", "Gold": "47.00"}
PERIOD_ENDS = ["2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"]  # London midnights
BILLED = [(date(2026, 1, 1), date(2026, 1, 31)), (date(2026, 2, 1), date(2026, 2, 28)),
          (date(2026, 3, 1), date(2026, 3, 31))]


def _days(start: date, end: date):
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def _held_on(packages, day: date) -> str:
    held = [entry for entry in packages if entry["from"] <= day.isoformat()]
    return held[-1]["package_id"]


def _widen_the_window(monkeypatch):
    """Sleep after each change has found the first unbilled day, so billing runs commit meanwhile."""
    found = subscriptions._first_unbilled_day

    def slowly(*args):
        day = found(*args)
        time.sleep(0.25)
        return day

    monkeypatch.setattr(subscriptions, "_first_unbilled_day", slowly)


def _subscribe(tenant):
    card_id = card(tenant)
    made = {name: package(tenant, card_id, name=name, fee=fee, allowances=[])["id"] for name, fee in FEES.items()}
    sub = tenant.post("/subscriptions", {"customer_id": customer(tenant), "package_id": made["Bronze"],
                                         "start_date": "2026-01-01", "day_of_month": 1})
    assert sub.status == 201, sub.body
    return made, sub.body


def _change(tenant_id, subscription_id, package_id, day):
    def attempt():
        try:
            if package_id is None:
                subscriptions.edit_subscription(UnitOfWork(), tenant_id, Actor("race"), subscription_id,
                                                {"end_date": day})
            else:
                subscriptions.change_package(UnitOfWork(), tenant_id, Actor("race"), subscription_id,
                                             {"package_id": package_id, "effective_from": day})
            return "applied"
        except Conflict:
            return "refused"
    return attempt


def _bill(tenant_id, subscription_id, as_of):
    return lambda: work({"kind": "billing", "tenant_id": tenant_id, "subscription_id": subscription_id,
                         "as_of": as_of, "key": f"billing:{subscription_id}:{as_of}"}, False)


def _check_invoices(tenant, sub, made):
    final = tenant.get(f"/subscriptions/{sub['id']}").body
    names = {package_id: name for name, package_id in made.items()}
    listed = [tenant.get(f"/invoices/{i['id']}").body for i in tenant.get("/invoices?limit=100").body["data"]
              if i["customer_id"] == sub["customer_id"]]
    by_period = {}
    for invoice in listed:
        by_period.setdefault(invoice["notes"], []).append(invoice)
    billed = BILLED[:final["next_period"]]
    assert sorted(by_period) == sorted(f"Period {s.day} {s:%b %Y} - {e.day} {e:%b %Y}" for s, e in billed)
    for (start, end), invoice in zip(billed, (by_period[f"Period {s.day} {s:%b %Y} - {e.day} {e:%b %Y}"]
                                              for s, e in billed)):
        assert len(invoice) == 1, f"{start:%b} billed {len(invoice)} times"
        lines, period_days = invoice[0]["lines"], (end - start).days + 1
        on_invoice = {}
        for line in lines:
            name = line["description"].split(",")[0]
            held = _days(date.fromisoformat(line["period"]["start"]), date.fromisoformat(line["period"]["end"]))
            on_invoice.update((day, name) for day in held)
            exact = Decimal(FEES[name]) * len(held) / period_days
            assert Decimal(line["unit_price"]) == exact.quantize(Decimal("0.01"), ROUND_HALF_UP), line
        last = date.fromisoformat(final["end_date"]) if final.get("end_date") else end
        expected = {day: names[_held_on(final["packages"], day)] for day in _days(start, min(end, last))}
        assert on_invoice == expected, f"{start:%b}: the invoice's packages are not the subscription's"


def _later(delay, task):
    def run_later():
        time.sleep(delay)
        return task()
    return run_later


def test_changes_racing_billing_runs_never_touch_a_billed_period(tenant, monkeypatch):
    made, sub = _subscribe(tenant)
    _widen_the_window(monkeypatch)
    rng = random.Random(16)
    days = [d.isoformat() for d in _days(date(2026, 1, 2), date(2026, 4, 28))]
    changes = [_change(tenant.tenant_id, sub["id"], made[rng.choice(list(FEES))], date.fromisoformat(rng.choice(days)))
               for _ in range(16)]
    ends = [_change(tenant.tenant_id, sub["id"], None, date.fromisoformat(rng.choice(days[-40:]))) for _ in range(4)]
    bills = [_bill(tenant.tenant_id, sub["id"], as_of) for as_of in PERIOD_ENDS for _ in range(4)]
    tasks = [_later(rng.uniform(0, 5), task) for task in changes + ends + bills]  # spread, so each side wins often
    with ThreadPoolExecutor(max_workers=len(tasks)) as pool:
        outcomes = [future.result() for future in [pool.submit(task) for task in tasks]]
    assert outcomes.count("applied") and outcomes.count("refused")  # both sides of the race were run
    run.bill_due(tenant.tenant_id, sub["id"], datetime(2026, 4, 1, tzinfo=timezone.utc))  # a last, late delivery
    _check_invoices(tenant, sub, made)


def _bill_meanwhile(monkeypatch, tenant_id, subscription_id):
    """The billing run of January commits right after a change has found the first unbilled day."""
    found = subscriptions._first_unbilled_day

    def then_bill(*args):
        day = found(*args)
        run.bill_due(tenant_id, subscription_id, datetime.fromisoformat(PERIOD_ENDS[0].replace("Z", "+00:00")))
        return day

    monkeypatch.setattr(subscriptions, "_first_unbilled_day", then_bill)


def test_a_period_billed_between_a_changes_check_and_its_write_refuses_the_change(tenant, monkeypatch):
    made, sub = _subscribe(tenant)
    _bill_meanwhile(monkeypatch, tenant.tenant_id, sub["id"])
    moved = tenant.post(f"/subscriptions/{sub['id']}/change-package",
                        {"package_id": made["Gold"], "effective_from": "2026-01-20"})
    assert moved.status == 409 and moved.error_fields == ["effective_from"], moved.body
    ended = tenant.patch(f"/subscriptions/{sub['id']}", {"end_date": "2026-01-20"})
    assert ended.status == 409 and ended.error_fields == ["end_date"], ended.body
    after = tenant.get(f"/subscriptions/{sub['id']}").body
    assert after["next_period"] == 1 and "end_date" not in after
    assert [entry["package_id"] for entry in after["packages"]] == [made["Bronze"]]
    _check_invoices(tenant, sub, made)  # January: Bronze, the whole month, once
