"""A month of package and usage billing, every figure checked against the oracle of
tests/support/usage_oracle.py (the rules' text worked in integer seconds, micros and pennies).

March 2026; two tenants with different settings: London (VAT per line, half-up; usage grouped by
destination unless the subscription says otherwise) and New York (VAT per invoice, rounded down; usage
grouped by day). A card with increments 60/60, 30/6 and 1/1, a connection fee, minimum charges and the
overlapping prefixes 44 and 447. Three subscriptions start mid-March (fees prorated by day), each with an
allowance: one used up mid-month, one not. 10,000 generated calls, half in CSV files dropped into the
uploads bucket (plain and gzip, through S3 -> the uploads queue), half through POST /usage-records in
batches of 1,000; the London file dropped again (the same key, and gzipped under another name) and a
batch sent again count nothing twice; calls to no prefix or before a start are kept unrated. The
scheduled tick bills each period at its tenant's midnight; records of March arriving after are billed on
April's invoices as labelled late usage, once (May's invoices carry none). Each invoice's rated-records
CSV in S3 reconciles with its lines.
"""
import gzip
from datetime import date, datetime, timezone
from typing import List
from zoneinfo import ZoneInfo

from tests.support import usage_oracle as oracle
from tests.support.api import Api, gateway_client
from tests.support.uploads import drain_uploads_queue, drop
from tests.support.usage_month import (CARD, VAT_PERCENT, Package, Subscription, Tenant, check_invoice, csv_records, csv_totals,
                                       expected_month, generated_calls, paged, post_in_batches, records_csv,
                                       template_csv, tick_and_work)

LONDON = Tenant("London Calls Ltd", "Europe/London", "line", "half_up", "destination",
                tuple(datetime(2026, m, d, 23, tzinfo=timezone.utc) for m, d in ((3, 31), (4, 30), (5, 31))))
NEW_YORK = Tenant("New York Calls Inc", "America/New_York", "invoice", "down", "day",
                  tuple(datetime(2026, m, 1, 4, tzinfo=timezone.utc) for m in (4, 5, 6)))
VOICE_1000 = Package("Voice 1000", 3000, "44", 1000, "UK")
VOICE_20000 = Package("Voice 20000", 4500, "44", 20000, "UK")
NANP_500 = Package("NANP 500", 2505, "1", 500, "NANP")
SUBSCRIPTIONS = [Subscription("ACME-D", LONDON, VOICE_1000, date(2026, 3, 15), None, 4000, 1),
                 Subscription("ACME-Y", LONDON, VOICE_20000, date(2026, 3, 20), "day", 3000, 2),
                 Subscription("NY-1", NEW_YORK, NANP_500, date(2026, 3, 10), None, 3000, 3)]
MARCH, APRIL, MAY = [(date(2026, m, 1), date(2026, m, d)) for m, d in ((3, 31), (4, 30), (5, 31))]


def set_up(admin: Api, tenant: Tenant):
    """The tenant, its key, the card and the packages its subscriptions use."""
    made = admin.post("/tenants", {"legal_name": tenant.name, "timezone": tenant.zone, "usage_grouping": tenant.grouping,
                                   "rounding": {"vat_level": tenant.vat_level, "mode": tenant.rounding}})
    assert made.status == 201, made.body
    api = Api(admin.client, admin.post(f"/tenants/{made.body['id']}/api-keys", {}).body["api_key"])
    api.tenant_id = made.body["id"]
    card = api.post("/rate-cards", {"name": "Voice", "currency": "GBP"}).body["id"]
    version = api.post(f"/rate-cards/{card}/versions", {"effective_from": "2026-01-01",
                                                          "rows": [row.as_sent() for row in CARD]})
    assert version.status == 201, version.body
    packages = {}
    for package in {s.package for s in SUBSCRIPTIONS if s.tenant == tenant}:
        answer = api.post("/packages", {"name": package.name, "fee": oracle.money(package.fee), "rate_card_id": card,
                                        "period": {"unit": "month", "interval": 1}, "vat_category": "standard",
                                        "allowances": [{"prefix": package.prefix, "minutes": package.minutes,
                                                        "label": package.label}]})
        assert answer.status == 201, answer.body
        packages[package] = answer.body["id"]
    return api, packages


def subscribe(api: Api, package_id: str, sub: Subscription) -> str:
    customer = api.post("/customers", {"name": f"Customer {sub.account}"}).body["id"]
    body = {"customer_id": customer, "package_id": package_id, "start_date": sub.start.isoformat(),
            "day_of_month": 1, "action": "issue", "account_reference": sub.account}
    made = api.post("/subscriptions", {**body, **({"usage_grouping": sub.grouping} if sub.grouping else {})})
    assert made.status == 201, made.body
    return made.body["id"]


def check_records_csv(api: Api, invoice: dict, sub: Subscription, calls: List[dict], month) -> List[dict]:
    """The CSV behind the invoice lists each call the oracle bills in the month, as the oracle rates it, and
    its rows add up to the invoice's usage lines (calls, minutes, amount)."""
    rows = records_csv(api, invoice["id"])
    on_time = [row for row in rows if not row["late_after"]]
    first = max(month[0], sub.start)
    assert csv_records(on_time) == oracle.rated_calls(CARD, calls, ZoneInfo(sub.tenant.zone), first, month[1])
    by = sub.grouping or sub.tenant.grouping
    from_rows = [(l.description, oracle.money(l.amount))
                 for l in oracle.usage_lines(CARD, csv_totals(on_time), {}, by, ("", ""))]
    usage_lines = invoice["lines"][1:1 + len(from_rows)]
    assert [(l["description"], l["unit_price"]) for l in usage_lines] == from_rows
    return rows


def as_rows(usage: oracle.Totals):
    return sorted((day, prefix, u.calls, u.seconds, u.micros) for (day, prefix), u in usage.items())


def check_usage_totals(api: Api, subscription_id: str, sub: Subscription, calls: List[dict], late=()) -> None:
    """GET .../usage of March: its totals per day and destination, per destination, and its late usage."""
    zone = ZoneInfo(sub.tenant.zone)
    shown = api.get(f"/subscriptions/{subscription_id}/usage?period=2026-03-01").body
    for key, made in (("days", calls), ("late", late)):
        assert sorted((t["day"], t["prefix"], t["calls"], t["seconds"], oracle.scaled(t["amount"], 6))
                      for t in shown[key]) == as_rows(oracle.totals(CARD, made, zone, max(MARCH[0], sub.start), MARCH[1]))
    per_prefix = {}
    for day, prefix, *figures in as_rows(oracle.totals(CARD, calls, zone, max(MARCH[0], sub.start), MARCH[1])):
        per_prefix[prefix] = [a + b for a, b in zip(per_prefix.get(prefix, [0, 0, 0]), figures)]
    assert [(d["prefix"], d["calls"], d["seconds"], oracle.scaled(d["amount"], 6)) for d in shown["destinations"]] == [
        (prefix, *figures) for prefix, figures in sorted(per_prefix.items())]


def check_premises(calls) -> None:
    """What the scenario means to exercise is in its generated calls: an allowance used up mid-month and
    one left over, minimum charges that bind, charges of exactly half a micro (rounded up)."""
    used = {}
    for s in SUBSCRIPTIONS:
        usage = oracle.totals(CARD, calls[s.account], ZoneInfo(s.tenant.zone), s.start, MARCH[1])
        value, used[s.account] = oracle.covered(usage, s.package.prefix, s.package.minutes * 60)
        assert max(day for day, _ in value) < "2026-03-31" or used[s.account] < s.package.minutes * 60
    assert used == {"ACME-D": 60_000, "ACME-Y": used["ACME-Y"], "NY-1": 30_000} and 0 < used["ACME-Y"] < 1_200_000
    for s in (SUBSCRIPTIONS[0], SUBSCRIPTIONS[2]):  # each tenant's VAT policy gives another total than half-up's
        nets = [line.net for line in expected_month(s, calls[s.account], MARCH)]
        ours = oracle.vat_total(nets, VAT_PERCENT, s.tenant.vat_level, s.tenant.rounding)
        assert ours not in {oracle.vat_total(nets, VAT_PERCENT, level, "half_up") for level in ("line", "invoice")
                            if (level, "half_up") != (s.tenant.vat_level, s.tenant.rounding)}
    rated = [oracle.rate(CARD, c["destination"], c["duration_seconds"]) for made in calls.values() for c in made]
    charges = {(r[0].prefix, r[2]) for r in rated if r}
    assert {("447", 70_000), ("1", 5_000)} <= charges  # the minimums
    # NANP's 0.00755 a minute x 45 s = 5,662.5 micros, above its minimum
    assert any(r[0].prefix == "1" and r[1] * 755 % 6 == 3 and r[1] * 755 > 6 * 5_000 for r in rated if r)


def unrated_by_oracle(sub: Subscription, calls: List[dict]):
    """(calls before the start, calls to no prefix of the card after it): ids kept unrated."""
    zone = ZoneInfo(sub.tenant.zone)
    early = {c["id"] for c in calls if datetime.fromisoformat(c["start"]).astimezone(zone).date() < sub.start}
    no_prefix = {c["id"] for c in calls if c["id"] not in early
                 and oracle.rate(CARD, c["destination"], c["duration_seconds"]) is None}
    return early, no_prefix


def ingest(api: Api, tenant: Tenant, calls):
    """Half of each account's calls in a file dropped into the bucket (London: CSV, New York: gzip), the
    other half through the API; returns the file's drop, its content and the API's batches."""
    by_file = [c for s in SUBSCRIPTIONS if s.tenant == tenant for c in calls[s.account][::2]]
    by_api = [c for s in SUBSCRIPTIONS if s.tenant == tenant for c in calls[s.account][1::2]]
    content = template_csv(by_file)
    gzipped = tenant is NEW_YORK
    name = "march.csv.gz" if gzipped else "march.csv"
    dropped = drop(api.tenant_id, "usage", name, gzip.compress(content) if gzipped else content)
    return dropped, content, by_file, post_in_batches(api, by_api)


def file_counts(api: Api, dropped) -> dict:
    (file,) = api.get(f"/uploads/{dropped['batch_id']}").body["files"]
    assert file["status"] == "done", file
    return file["counts"]


def kept_unrated(calls: List[dict], unrated) -> int:
    return sum(1 for c in calls if any(c["id"] in ids for ids in unrated[c["account"]]))


def send_again(api: Api, sent, unrated) -> None:
    """The London file again: the same object put again (one file, nothing new), and gzipped under another
    name (every rated row a duplicate, the unrated kept again); an API batch sent again."""
    dropped, content, by_file, batches = sent
    kept = kept_unrated(by_file, unrated)
    assert drop(api.tenant_id, "usage", "march.csv", content) == dropped
    again = drop(api.tenant_id, "usage", "march-again.csv.gz", gzip.compress(content))
    drain_uploads_queue()
    assert file_counts(api, dropped)["imported"] == len(by_file) - kept
    assert file_counts(api, again) == {"rows": len(by_file), "imported": 0, "rejected": kept, "skipped": 0,
                                       "duplicates": len(by_file) - kept}
    resent = api.post("/usage-records", {"records": batches[1]}).body
    assert (resent["counted"], resent["duplicates"]) == (0, len(batches[1]) - kept_unrated(batches[1], unrated))


def check_unrated(api: Api, tenant: Tenant, unrated) -> None:
    """Each call before a start or to no prefix listed once, with one reason for each kind."""
    listed = paged(api, "/usage-records/unrated")
    reasons = {}
    for record in listed:
        reasons.setdefault(record["reason"], set()).add(record["id"])
    expected = [ids for s in SUBSCRIPTIONS if s.tenant == tenant for ids in unrated[s.account]]
    assert len(listed) == sum(map(len, expected))
    assert sorted(map(sorted, reasons.values())) == sorted(
        map(sorted, [set().union(*expected[0::2]), set().union(*expected[1::2])]))


def test_a_billing_month_of_10000_calls_by_file_and_api(local_aws):
    from app import app

    with gateway_client(app) as client:
        admin = Api(client, local_aws["INVOICING_ADMIN_KEY"])
        apis, ids = {}, {}
        for tenant in (LONDON, NEW_YORK):
            apis[tenant], packages = set_up(admin, tenant)
            ids.update({s.account: subscribe(apis[tenant], packages[s.package], s)
                        for s in SUBSCRIPTIONS if s.tenant == tenant})
        calls = {s.account: generated_calls(s.account, s.calls, s.seed, s.start) for s in SUBSCRIPTIONS}
        assert sum(map(len, calls.values())) == 10_000
        check_premises(calls)
        sent = {tenant: ingest(apis[tenant], tenant, calls) for tenant in (LONDON, NEW_YORK)}
        drain_uploads_queue()

        unrated = {s.account: unrated_by_oracle(s, calls[s.account]) for s in SUBSCRIPTIONS}
        for tenant, (dropped, _, by_file, _) in sent.items():
            kept = kept_unrated(by_file, unrated)
            assert file_counts(apis[tenant], dropped) == {"rows": len(by_file), "imported": len(by_file) - kept,
                                                          "rejected": kept, "skipped": 0, "duplicates": 0}

        send_again(apis[LONDON], sent[LONDON], unrated)
        for tenant in (LONDON, NEW_YORK):
            check_unrated(apis[tenant], tenant, unrated)

        subs = {s.account: s for s in SUBSCRIPTIONS}
        for s in SUBSCRIPTIONS:  # the period so far, priced as its invoice will be
            upcoming = apis[s.tenant].get(f"/subscriptions/{ids[s.account]}/upcoming").body
            check_invoice(upcoming, expected_month(s, calls[s.account], MARCH), s.tenant)
            check_usage_totals(apis[s.tenant], ids[s.account], s, calls[s.account])
        march = bill_at(apis, ids, 0)
        for account, invoice in march.items():
            s = subs[account]
            assert invoice["status"] == "issued" and invoice["issue_date"] == "2026-04-01"
            assert invoice["reference"] == account
            check_invoice(invoice, expected_month(s, calls[account], MARCH), s.tenant)
            check_records_csv(apis[s.tenant], invoice, s, calls[account], MARCH)

        late = late_calls()
        for account, made in late.items():
            answer = apis[subs[account].tenant].post("/usage-records", {"records": made}).body
            assert answer["counted"] == len(made)
            check_usage_totals(apis[subs[account].tenant], ids[account], subs[account], calls[account], made)
        april = bill_at(apis, ids, 1)
        for account, invoice in april.items():
            s = subs[account]
            check_invoice(invoice, expected_month(s, calls[account], APRIL, late.get(account, []), MARCH), s.tenant)
            rows = check_records_csv(apis[s.tenant], invoice, s, calls[account], APRIL)
            late_rows = [(r["id"], int(r["billable_seconds"]), oracle.scaled(r["amount"], 6)) for r in rows
                         if r["late_after"]]
            assert late_rows == [(c["id"], *oracle.rate(CARD, c["destination"], c["duration_seconds"])[1:])
                                 for c in late.get(account, [])]

        for account, made in late.items():  # sent again after April's run: nothing counted, nothing billed
            answer = apis[subs[account].tenant].post("/usage-records", {"records": made}).body
            assert (answer["counted"], answer["duplicates"]) == (0, len(made))
        may = bill_at(apis, ids, 2)
        for account, invoice in may.items():
            s = subs[account]
            assert check_records_csv(apis[s.tenant], invoice, s, calls[account], MAY) == []
            check_invoice(invoice, expected_month(s, calls[account], MAY), s.tenant)


def late_calls():
    """Calls of March that arrive after its invoices: to a UK mobile of ACME-D (its allowance used up, so
    charged) and to a UK number of ACME-Y (covered by what its allowance left)."""
    return {"ACME-D": [{"id": "ACME-D-late", "account": "ACME-D", "start": "2026-03-20T10:00:00Z",
                        "duration_seconds": 125, "destination": "+44 7700 900123"}],
            "ACME-Y": [{"id": "ACME-Y-late", "account": "ACME-Y", "start": "2026-03-25T12:00:00Z",
                        "duration_seconds": 61, "destination": "+44 20 7946 0001"}]}


def bill_at(apis, ids, month: int):
    """The tick at each tenant's midnight ending the month (0: March); each subscription's one invoice of it."""
    invoices = {}
    for tenant in (LONDON, NEW_YORK):
        api, ours = apis[tenant], [s.account for s in SUBSCRIPTIONS if s.tenant == tenant]
        assert {a: api.get(f"/subscriptions/{ids[a]}").body["next_period"] for a in ours} == dict.fromkeys(ours, month)
        tick_and_work(tenant.midnights[month])
        for account in ours:
            made = api.get(f"/subscriptions/{ids[account]}").body
            assert made["next_period"] == month + 1, made
            invoices[account] = api.get(f"/invoices/{made['last_invoice_id']}").body
        assert len(paged(api, "/invoices")) == len(ours) * (month + 1)  # one invoice a period
    return invoices
