"""The round trip of rate cards, packages and subscriptions (tests/api/test_round_trip.py): generated bodies,
fitted to the rules across fields and records, written and read back."""
from datetime import date, timedelta
from decimal import Decimal

from tests.support.fits import fit_order, fit_vat, money

FIRST_VERSION = "2026-01-01"
ROW_PREFIXES = "9{:04d}"  # distinct prefixes, none the start of another


def fit_rows(body):
    """Rows with distinct prefixes and increments of the first/next form (domain/rate_card_rows.py), as
    JSON rows (the CSV form is sent next)."""
    rows = [{**row, "prefix": ROW_PREFIXES.format(i), "increment": f"{i % 60 + 1}/{i % 6 + 1}"}
            for i, row in enumerate(body.get("rows") or [{"destination": "Anywhere", "price_per_minute": "0.01"}])]
    return {"effective_from": FIRST_VERSION, "rows": rows}


def fit_allowances(package, currency, card_id):
    """The card's currency, a fee in the currency's minor units, distinct allowance prefixes."""
    allowances = [{**a, "prefix": f"{i + 1}{a['prefix']}"[:20]} for i, a in enumerate(package.get("allowances") or [])]
    fitted = {**fit_vat({**package, "currency": currency}), "rate_card_id": card_id, "fee": money(package["fee"], currency)}
    return {**fitted, "allowances": [a for i, a in enumerate(allowances)
                                     if a["prefix"] not in [b["prefix"] for b in allowances[:i]]]}


def catalogue(trip, customer_id, currency):
    card = trip.write("POST", "/rate-cards", {}, read="/rate-cards/{id}", listed="/rate-cards",
                      fit=lambda body: {**body, "currency": currency})
    ids = {"record_id": card["id"], "effective_from": FIRST_VERSION}
    trip.write("PATCH", "/rate-cards/{record_id}", ids, read="/rate-cards/{record_id}", listed="/rate-cards",
               fit=lambda body: {**body, "currency": currency})
    # The answer counts the rows; the version read back shows them, each prefix as sent.
    version = trip.write("POST", "/rate-cards/{record_id}/versions", ids, unshown=("rows",),
                         read="/rate-cards/{record_id}/versions/{effective_from}", fit=fit_rows)
    sent = trip.last_body["rows"]
    assert version["row_count"] == len(sent) and [r["prefix"] for r in version["rows"]] == [r["prefix"] for r in sent]
    assert [Decimal(r["price_per_minute"]) for r in version["rows"]] == [Decimal(r["price_per_minute"]) for r in sent]
    later = (date.today() + timedelta(days=1)).isoformat()
    as_csv = "prefix,destination,price_per_minute,increment\n44,UK,0.0150,60/60\n"
    trip.send("POST", "/rate-cards/{record_id}/versions", ids, {"effective_from": later, "csv": as_csv})
    package = trip.write("POST", "/packages", {}, read="/packages/{id}", listed="/packages",
                         fit=lambda body: fit_allowances(body, currency, card["id"]))
    # A package's currency and period are fixed once made (services/packages.py).
    trip.write("PATCH", "/packages/{record_id}", {"record_id": package["id"]}, read="/packages/{record_id}",
               listed="/packages", fit=lambda body: {**fit_allowances(body, currency, card["id"]),
                                                     "period": package["period"]})
    return subscription(trip, customer_id, package)


def subscription(trip, customer_id, package):
    def fit(body):
        body = fit_order({**body, "customer_id": customer_id, "package_id": package["id"]}, "start_date", "end_date")
        if package["period"]["unit"] in ("day", "week"):  # a billing day is for monthly and yearly packages
            body.pop("day_of_month", None)
        return body

    made = trip.write("POST", "/subscriptions", {}, read="/subscriptions/{id}", listed="/subscriptions", fit=fit,
                      shown_as={"package_id": "packages.0.package_id"})
    ids = {"subscription_id": made["id"]}
    start = date.fromisoformat(made["start_date"])
    trip.write("PATCH", "/subscriptions/{subscription_id}", ids, read="/subscriptions/{subscription_id}",
               listed="/subscriptions", fit=lambda body: {**body, "end_date": max(body.get("end_date") or made[
                   "start_date"], made["start_date"])})
    trip.write("POST", "/subscriptions/{subscription_id}/change-package", ids, read="/subscriptions/{subscription_id}",
               fit=lambda body: {"package_id": package["id"], "effective_from": (start + timedelta(1)).isoformat()},
               shown_as={"package_id": "packages.1.package_id", "effective_from": "packages.1.from"})
    upcoming = trip.read(f"/subscriptions/{made['id']}/upcoming")
    assert upcoming["lines"] and upcoming["currency"] == package["currency"]
    return made
