"""A month of package and usage billing, every figure checked against a computation of the test's own.

March 2026 in London (the clocks go forward on the 29th). A package of 30.00 a month with 100 minutes
to UK destinations (prefix 44) and a card: UK 0.0150/min 60/60, UK mobile 0.0850/min + 0.0100, minimum
0.0200, 30/6, NANP 0.0075/min 1/1. Two customers subscribe from 15 March, billed on the 1st: one's
usage grouped by destination, the other's by day. 3,000 generated calls go in through the API in
batches (one batch sent twice), some to numbers no prefix matches and some before the start (kept
unrated). The billing run at the end of March makes each invoice once; a call of 20 March arriving
after it is billed on April's invoice as late usage. The oracle rates each call with Fractions from the
rule's text, groups and values the allowance as README says, and prices VAT per the tenant's rounding.
"""
import random
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from chalicelib.jobs import billing as run
from tests.support.api import Api, gateway_client

LONDON = ZoneInfo("Europe/London")
CARD = {  # prefix: (destination, price per minute, connection fee, minimum, first, next)
    "44": ("UK", Fraction("0.0150"), Fraction(0), Fraction(0), 60, 60),
    "447": ("UK mobile", Fraction("0.0850"), Fraction("0.0100"), Fraction("0.0200"), 30, 6),
    "1": ("NANP", Fraction("0.0075"), Fraction(0), Fraction(0), 1, 1),
}
NUMBERS = ["+44 20 7946 {:04d}", "0044 7700 9{:05d}", "+1 212 555 {:04d}", "+33 1 23 45 {:04d}"]
ALLOWANCE_SECONDS = 100 * 60
END_OF_MARCH = datetime(2026, 3, 31, 23, 0, tzinfo=timezone.utc)  # 1 April 00:00 BST
END_OF_APRIL = datetime(2026, 4, 30, 23, 0, tzinfo=timezone.utc)


def _half_up(value: Fraction, places: int) -> Decimal:
    scaled = value * 10 ** places
    whole = (scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)
    return Decimal(whole).scaleb(-places)


def oracle_rate(number: str, seconds: int):
    """(prefix, billable seconds, micros) by the rule's text, or None when no prefix matches."""
    digits = number.replace(" ", "")
    digits = digits[1:] if digits.startswith("+") else digits[2:] if digits.startswith("00") else digits
    prefix = max((p for p in CARD if digits.startswith(p)), key=len, default=None)
    if prefix is None:
        return None
    _, price, fee, minimum, first, step = CARD[prefix]
    billable = 0 if seconds == 0 else first + max(0, -(-(seconds - first) // step)) * step
    charge = Fraction(0) if billable == 0 else max(price * billable / 60 + fee, minimum)
    return prefix, billable, int(_half_up(charge * 1_000_000, 0))


def generated_calls(account: str, count: int, seed: int):
    chooser = random.Random(seed)
    calls = []
    for n in range(count):
        start = datetime(2026, 3, 14, tzinfo=timezone.utc) + timedelta(seconds=chooser.randrange(18 * 24 * 3600))
        number = chooser.choice(NUMBERS).format(chooser.randrange(10000))
        calls.append({"id": f"{account}-{n}", "account": account, "start": start.isoformat(),
                      "duration_seconds": chooser.choice([0, 1, 7, 30, 31, 59, 61, 95, 125, 600, 1201]),
                      "destination": number})
    return calls


def oracle_totals(calls, first_day: date, last_day: date):
    """{(local day, prefix): [calls, billable seconds, micros]} of the calls of the days given."""
    totals = defaultdict(lambda: [0, 0, 0])
    for call in calls:
        day = datetime.fromisoformat(call["start"]).astimezone(LONDON).date()
        rated = oracle_rate(call["destination"], call["duration_seconds"])
        if rated is None or not first_day <= day <= last_day:
            continue
        prefix, billable, micros = rated
        entry = totals[(day.isoformat(), prefix)]
        entry[0] += 1
        entry[1] += billable
        entry[2] += micros
    return totals


def oracle_covered(totals, allowance_seconds: int):
    """Micros of each (day, prefix) the allowance covers: earliest day first, then prefix."""
    left, covered = allowance_seconds, {}
    for key in sorted(totals):
        if left and key[1].startswith("44") and totals[key][1]:
            take = min(left, totals[key][1])
            left -= take
            covered[key] = int(_half_up(Fraction(totals[key][2] * take, totals[key][1]), 0))
    return covered, allowance_seconds - left


def pennies(micros: int) -> Decimal:
    return _half_up(Fraction(micros, 1_000_000), 2)


def expected_usage_lines(totals, covered, by_day: bool):
    """(description start, amount, deduction) per usage line."""
    groups = defaultdict(lambda: [0, 0, 0, 0])
    for (day, prefix), (calls, seconds, micros) in totals.items():
        key = day if by_day else CARD[prefix][0]
        group = groups[key]
        group[0] += calls
        group[1] += seconds
        group[2] += micros
        group[3] += covered.get((day, prefix), 0)
    lines = []
    for key in sorted(groups):
        calls, seconds, micros, deducted = groups[key]
        label = f"Usage on {date.fromisoformat(key).day} {date.fromisoformat(key):%b %Y}" if by_day else key
        minutes = _half_up(Fraction(seconds, 60), 2)
        lines.append((f"{label}: {calls:,} call{'s' if calls != 1 else ''}, {minutes:,} min", pennies(micros),
                      pennies(deducted)))
    return lines


def check_invoice(invoice, expected_lines, rounding):
    """Each line's amount, deduction and net; the totals from the lines by the tenant's VAT rounding."""
    shown = [(l["description"], Decimal(l["unit_price"]), Decimal(l.get("discount_amount", "0")), Decimal(l["net"]))
             for l in invoice["lines"]]
    assert shown == [(text, amount, deducted, amount - deducted) for text, amount, deducted in expected_lines]
    nets = [amount - deducted for _, amount, deducted in expected_lines]
    if rounding == "line":
        vat = sum(_half_up(Fraction(n) * Fraction(1, 5), 2) for n in nets)
    else:
        vat = _half_up(Fraction(sum(nets)) * Fraction(1, 5), 2)
    assert (Decimal(invoice["totals"]["net"]), Decimal(invoice["totals"]["vat"])) == (sum(nets), vat)


def records_csv(api, invoice_id):
    """The rows of the invoice's rated-records CSV, from its link."""
    import csv
    import io

    import requests

    link = api.get(f"/invoices/{invoice_id}/usage-records")
    assert link.status == 200, link.body
    return list(csv.DictReader(io.StringIO(requests.get(link.body["url"], timeout=30).text)))


def check_records_csv(api, invoice_id, totals):
    """The CSV lists exactly the records the invoice's totals count."""
    rows = records_csv(api, invoice_id)
    found = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        entry = found[(row["day"], row["prefix"])]
        entry[0] += 1
        entry[1] += int(row["billable_seconds"])
        entry[2] += int(Decimal(row["amount"]) * 1_000_000)
    assert dict(found) == {key: list(value) for key, value in totals.items()}


def set_up(api):
    card = api.post("/rate-cards", {"name": "Voice"}).body["id"]
    rows = [{"prefix": p, "destination": d, "price_per_minute": str(Decimal(pr.numerator) / pr.denominator),
             "connection_fee": str(Decimal(f.numerator) / f.denominator),
             "minimum_charge": str(Decimal(m.numerator) / m.denominator), "increment": f"{a}/{b}"}
            for p, (d, pr, f, m, a, b) in CARD.items()]
    assert api.post(f"/rate-cards/{card}/versions", {"effective_from": "2026-01-01", "rows": rows}).status == 201
    package = api.post("/packages", {"name": "Voice 100", "fee": "30.00", "period": {"unit": "month", "interval": 1},
                                     "rate_card_id": card, "allowances": [{"prefix": "44", "minutes": 100,
                                                                           "label": "UK"}]}).body
    subscriptions = {}
    for account, grouping in (("ACME-D", "destination"), ("ACME-Y", "day")):
        customer = api.post("/customers", {"name": f"Customer {account}"}).body["id"]
        made = api.post("/subscriptions", {"customer_id": customer, "package_id": package["id"],
                                           "start_date": "2026-03-15", "day_of_month": 1, "action": "issue",
                                           "account_reference": account, "usage_grouping": grouping})
        assert made.status == 201, made.body
        subscriptions[account] = made.body
    return subscriptions


FEE_LINE = ("Voice 100, 15 Mar 2026 - 31 Mar 2026 (17 of 31 days)", Decimal("16.45"), Decimal(0))  # 30 x 17/31


def test_a_month_of_usage_billing(local_aws):
    from app import app

    with gateway_client(app) as client:
        admin = Api(client, local_aws["INVOICING_ADMIN_KEY"])
        tenant = admin.post("/tenants", {"legal_name": "Usage Scenario Ltd"}).body
        api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
        subscriptions = set_up(api)
        calls = {"ACME-D": generated_calls("ACME-D", 2000, 1), "ACME-Y": generated_calls("ACME-Y", 1000, 2)}
        for account, made in calls.items():
            for start in range(0, len(made), 1000):
                answer = api.post("/usage-records", {"records": made[start:start + 1000]})
                assert answer.status == 200, answer.body
        again = api.post("/usage-records", {"records": calls["ACME-D"][:1000]})
        rated = sum(counts[0] for counts in oracle_totals(calls["ACME-D"][:1000], date(2026, 3, 15),
                                                          date(2026, 4, 1)).values())
        assert (again.body["counted"], again.body["duplicates"]) == (0, rated)  # the unrated are kept again

        totals = {account: oracle_totals(made, date(2026, 3, 15), date(2026, 3, 31)) for account, made in calls.items()}
        rounding = api.get("/tenant").body["rounding"]["vat_level"]
        expected = {}
        for account, by_day in (("ACME-D", False), ("ACME-Y", True)):
            covered, used = oracle_covered(totals[account], ALLOWANCE_SECONDS)
            assert used == ALLOWANCE_SECONDS  # the month's UK calls use the whole allowance
            expected[account] = [FEE_LINE, *expected_usage_lines(totals[account], covered, by_day),
                                 ("Included in the package: 100 min to UK; 100.00 min used", Decimal(0), Decimal(0))]
            upcoming = api.get(f"/subscriptions/{subscriptions[account]['id']}/upcoming").body
            check_invoice(upcoming, expected[account], rounding)

        invoices = {}
        for account, made in subscriptions.items():
            ids = run.bill_due(tenant["id"], made["id"], END_OF_MARCH)
            assert len(ids) == 1 and run.bill_due(tenant["id"], made["id"], END_OF_MARCH) == []
            invoices[account] = api.get(f"/invoices/{ids[0]}").body
            assert invoices[account]["status"] == "issued" and invoices[account]["issue_date"] == "2026-04-01"
            check_invoice(invoices[account], expected[account], rounding)

        check_records_csv(api, invoices["ACME-D"]["id"], totals["ACME-D"])
        late = {"id": "ACME-D-late", "account": "ACME-D", "start": "2026-03-20T10:00:00Z", "duration_seconds": 125,
                "destination": "+44 7700 900123"}
        assert api.post("/usage-records", {"records": [late]}).body["counted"] == 1
        prefix, billable, micros = oracle_rate(late["destination"], late["duration_seconds"])
        april = run.bill_due(tenant["id"], subscriptions["ACME-D"]["id"], END_OF_APRIL)
        lines = api.get(f"/invoices/{april[0]}").body["lines"]
        late_line = [l for l in lines if l["description"].startswith("Late usage")]
        # the allowance of March was used up by March's own calls: the late call is charged in full
        assert [(l["description"], Decimal(l["net"])) for l in late_line] == [
            (f"Late usage of 1 Mar 2026 - 31 Mar 2026, UK mobile: 1 call, {_half_up(Fraction(billable, 60), 2)} min",
             pennies(micros)),
            ("Late usage of 1 Mar 2026 - 31 Mar 2026, included in the package: 100 min to UK; 0.00 min used",
             Decimal("0.00"))]
        assert lines[0]["description"] == "Voice 100, 1 Apr 2026 - 30 Apr 2026" and lines[0]["net"] == "30.00"
        april_rows = records_csv(api, april[0])
        assert [(r["id"], int(r["billable_seconds"]), Decimal(r["amount"]) * 1_000_000) for r in april_rows
                if r["late_after"]] == [("ACME-D-late", billable, micros)]
