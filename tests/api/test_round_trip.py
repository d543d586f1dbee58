"""Every field of every resource survives storage (issue 12 item 1).

Bodies are generated from the request schemas of the route registry (tests/support/schema_values.py):
every field each route accepts, with values its declaration allows. Each is written through the API,
read back over HTTP (the answer, GET one, the list) and must come back as sent; then every job that
reads it runs: recurring generation, overdue marking and reminders, PDFs, list and accounting
exports, e-invoices. None may fail or answer a 500.
"""
import base64
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from io import BytesIO
from urllib.parse import urlsplit

import requests
from hypothesis import HealthCheck, Phase, given, seed, settings, strategies as st

from chalicelib.api.exports import ACCOUNTING, ACCOUNTING_FORMATS, FILE_FORMATS, LIST_PATHS
from tests.support.api import Api
from tests.support.fits import (at_least_two_lines, crediting, fit_document, fit_file_name, fit_order, fit_period,
                                fit_positions, fit_vat, money, owing)
from tests.support.jobs import drain_jobs_queue
from tests.support.round_trip import RoundTrip, assert_json_answer, concrete, routes
from tests.support.round_trip_catalogue import catalogue
from tests.support.round_trip_usage import usage_records

ROUTE_KEYS = routes()
TURN_FORMATS = ("pdf", *sorted(set(FILE_FORMATS) - {"pdf"}))
COVERED = set()  # (method, path) of the routes sent a generated body, over the examples
# Routes with a body this test does not send, and why.
NOT_SENT = {}


def make_tenant(admin, trip_of):
    trip = trip_of(admin)
    made = trip.write("POST", "/tenants", {}, read="/tenants/{id}")
    key = admin.post(f"/tenants/{made['id']}/api-keys", {"scopes": ["read", "write"]})
    assert key.status == 201, key.body
    trip.write("PATCH", "/tenants/{tenant_id}", {"tenant_id": made["id"]}, read="/tenants/{tenant_id}")
    tenant = trip_of(Api(admin.client, key.body["api_key"]))
    settings_ = tenant.write("PATCH", "/tenant", {}, read="/tenant")
    return tenant, settings_


def records(tenant):
    shown = {}
    for path, fit in (("/customers", dict), ("/products", fit_vat)):
        made = tenant.write("POST", path, {}, read=path + "/{id}", listed=path, fit=fit)
        shown[path] = tenant.write("PATCH", path + "/{record_id}", {"record_id": made["id"]}, fit=fit,
                                   read=path + "/{record_id}", listed=path)
    return shown["/customers"], shown["/products"]


def drafts(tenant, path, customer_id, product_id, fit_more=dict):
    """A draft written with every field, then every field changed. The lines are fitted after
    `fit_more`, which may change the currency (its minor units bound a discount amount)."""
    def fit(body):
        return fit_document(fit_more({**body, "customer_id": customer_id}), product_id)

    made = tenant.write("POST", path, {}, read=path + "/{id}", listed=path, fit=fit)
    return tenant.write("PATCH", path + "/{document_id}", {"document_id": made["id"]}, fit=fit,
                        read=path + "/{document_id}", listed=path)


def issued(tenant, path, action, draft, base_currency):
    """Issue (or mark sent) with every field the action takes; an exchange rate only where one is due."""
    def fit(body):
        for later in ("due_date", "expiry_date"):
            body["issue_date"] = min(body["issue_date"], draft.get(later) or body["issue_date"])
        if draft["currency"] == base_currency:
            return {name: value for name, value in body.items() if not name.startswith("exchange_rate")}
        return body

    return tenant.write("POST", path + "/{document_id}/" + action, {"document_id": draft["id"]}, fit=fit,
                        read=path + "/{document_id}", listed=path)


def paid(tenant, invoice):
    """A payment with every field: at most half of it allocated to the invoice (as far as it is owed)."""
    currency = invoice["currency"]

    def fit(body):
        amount = money(body["amount"], currency)
        share = min(Decimal(body["allocations"][0]["amount"]), Decimal(invoice["outstanding"]), Decimal(amount) / 2)
        owed = [{"invoice_id": invoice["id"], "amount": money(share, currency)}] if share >= Decimal(money(0, currency)) else []
        return {**body, "customer_id": invoice["customer_id"], "currency": currency, "amount": amount,
                "allocations": owed}

    return tenant.write("POST", "/payments", {}, read="/payments/{id}", listed="/payments", fit=fit)


def recurring(tenant, customer_id, product_id):
    def fit(body):
        body = fit_document({**body, "customer_id": customer_id}, product_id)
        schedule = fit_order(body["schedule"], "start_date", "end_date")
        if schedule["unit"] in ("day", "week"):  # a day of the month is for monthly and yearly schedules
            del schedule["day_of_month"]
        return {**body, "schedule": schedule}

    made = tenant.write("POST", "/recurring-invoices", {}, read="/recurring-invoices/{id}",
                        listed="/recurring-invoices", fit=fit)
    return tenant.write("PATCH", "/recurring-invoices/{template_id}", {"template_id": made["id"]}, fit=fit,
                        read="/recurring-invoices/{template_id}", listed="/recurring-invoices")


def generated(tenant, tenant_id, template):
    """Recurring generation at noon UTC the day after the first date the preview lists."""
    from chalicelib.jobs.recurring import generate_due

    dates = tenant.read(f"/recurring-invoices/{template['id']}/preview")["dates"]
    if not dates:
        return []
    first = date.fromisoformat(dates[0][:10])
    ids = generate_due(tenant_id, template["id"], datetime.combine(first + timedelta(days=1), time(12), timezone.utc))
    assert ids, dates
    return [tenant.read(f"/invoices/{invoice_id}") for invoice_id in ids]


def overdue_and_reminded(tenant, tenant_id, invoice):
    """The overdue job on the day after the due date, then after each reminder day."""
    from chalicelib.jobs.overdue import handle_overdue

    due = date.fromisoformat(invoice["due_date"])
    for days in [0, *sorted(invoice.get("reminder_days") or tenant.read("/tenant")["reminder_days"])]:
        handle_overdue(tenant_id, invoice["id"], due + timedelta(days=days + 1))
    shown = tenant.read(f"/invoices/{invoice['id']}")
    if Decimal(shown["outstanding"]) > 0:
        assert shown.get("overdue_since") == (due + timedelta(days=1)).isoformat(), shown
        done = set(shown["reminders_sent"]) | set(shown["reminders_skipped"])
        assert done == set(tenant.read("/tenant")["reminder_days"]), shown


def files(tenant, documents, customer_id):
    """Every document's PDF (rendered in the background, then linked), its e-invoice where it has one
    (409 for what it cannot state), and the customer's statement."""
    drain_jobs_queue()
    for path, document in documents:
        for form, expected in (("pdf", {200}), ("ubl", {200, 409})):
            if ("GET", f"{path}/{{document_id}}/{form}") not in ROUTE_KEYS:
                continue
            link = tenant.api.get(f"{path}/{document['id']}/{form}")
            assert_json_answer(link)
            assert link.status in expected, (path, form, link.body)
            if link.status == 200:
                assert requests.get(link.body["url"], timeout=10).status_code == 200
    statement = tenant.read(f"/customers/{customer_id}/statement/pdf?from=2019-01-01")
    assert requests.get(statement["url"], timeout=10).content.startswith(b"%PDF-")


def exported(tenant, turn):
    """Every list in a file format, and the books in accounting formats, made by the export worker;
    the formats take turns over the examples. List PDFs take the first, whose text is plain: a PDF
    of text in many scripts parses the fallback fonts it needs, seconds a list (tests/api/test_exports.py
    exports names in other scripts)."""
    asked = []
    for resource in (*LIST_PATHS, ACCOUNTING):
        formats = ACCOUNTING_FORMATS[turn::len(TURN_FORMATS)] if resource == ACCOUNTING else [TURN_FORMATS[turn]]
        for file_format in formats:
            asked.append(tenant.send("POST", "/exports", {}, {"resource": resource, "format": file_format,
                                                          "filters": {"from": "2019-01-01"} if resource == ACCOUNTING else {}}).body)
    push = pushed_to_xero(tenant)
    drain_jobs_queue()
    for export in asked:
        done = tenant.read(f"/exports/{export['id']}")
        assert done["state"] == "done", done
    pushed = tenant.read(f"/accounting/xero-push/{push['id']}")
    assert (pushed["state"], pushed["documents"]) == ("done", 0), pushed


def pushed_to_xero(tenant):
    """A Xero push of a timeframe before any document, so that its job calls no Xero (a push of
    documents: tests/api/test_xero_push_job.py); the token is never shown."""
    def before_any_document(body):
        return {**{k: v for k, v in body.items() if k != "timeframe"}, "from": "1990-01-01", "to": "1990-01-31"}

    return tenant.write("POST", "/accounting/xero-push", {}, read="/accounting/xero-push/{id}",
                        fit=before_any_document, unshown=("access_token",))


def estimate_actions(tenant, customer_id, product_id, base):
    """Print-ready and convert on one sent estimate, decline on another."""
    one = "/estimates/{document_id}"

    def unexpired(body):  # an expired estimate can be neither accepted nor declined
        later = (date.today() + timedelta(days=2)).isoformat()
        return fit_order({**body, "expiry_date": max(body["expiry_date"], later)}, "issue_date", "expiry_date")

    kept = issued(tenant, "/estimates", "mark-sent", drafts(tenant, "/estimates", customer_id, product_id, unexpired), base)
    tenant.write("POST", one + "/print-ready", {"document_id": kept["id"]}, read=one)
    assert tenant.api.post(f"/estimates/{kept['id']}/accept").status == 200
    # Convert cannot take an exchange rate: it issues only in the base currency (reported to the lead).
    asked = tenant.body("POST", one + "/convert", lambda body: {"issue": body["issue"] and kept["currency"] == base})
    converted = tenant.send("POST", one + "/convert", {"document_id": kept["id"]}, asked)
    invoice = tenant.read(f"/invoices/{converted.body['id']}")
    assert invoice["status"] == ("issued" if asked["issue"] else "draft"), invoice
    declined = issued(tenant, "/estimates", "mark-sent", drafts(tenant, "/estimates", customer_id, product_id, unexpired),
                      base)
    tenant.write("POST", one + "/decline", {"document_id": declined["id"]}, read=one, shown_as={"reason": "decline_reason"})
    return [kept, declined], invoice


def logo(tenant, draw):
    """A PNG logo of generated size (printed on every PDF made after it)."""
    from PIL import Image

    size = draw(st.tuples(st.integers(1, 400), st.integers(1, 400)))
    out = BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(out, "PNG")
    content = base64.b64encode(out.getvalue()).decode()
    shown = tenant.write("PUT", "/tenant/logo", {}, read="/tenant", fit=lambda body: {"content_base64": content},
                         unshown=LOGO_UNSHOWN)
    assert [shown["logo"]["width"], shown["logo"]["height"]] == list(size), shown["logo"]


def keys_statement_and_uploads(tenant, admin_trip, tenant_id, customer_id):
    """A second API key, the customer's statement emailed, an upload batch opened."""
    admin_trip.write("POST", "/tenants/{tenant_id}/api-keys", {"tenant_id": tenant_id}, listed="/tenants/{tenant_id}/api-keys",
                     fit=lambda body: {**body, "scopes": sorted(set(body["scopes"]))})  # a set: each scope once
    statement = tenant.body("POST", "/customers/{customer_id}/statement/send",
                            lambda body: {**body, "statement": fit_period(body["statement"], tenant.draw(st.booleans()))})
    emailed = tenant.send("POST", "/customers/{customer_id}/statement/send", {"customer_id": customer_id}, statement)
    assert emailed.body["emailed_to"] == statement["to"] + statement["cc"]
    tenant.write("POST", "/uploads", {}, read="/uploads/{id}", unshown=UPLOAD_UNSHOWN,  # its list names files only
                 fit=lambda body: {**body, "files": [fit_file_name(f, i) for i, f in enumerate(body["files"])]})


def split(tenant, note):
    """Some lines of a draft credit note moved to a new draft (or a 409 where VAT rounded per credit
    note would not add up to the original: services/credit_notes.py)."""
    count = len(note["lines"])
    body = tenant.body("POST", "/credit-notes/{document_id}/split",
                       lambda body: {"lines": fit_positions(body["lines"], count, leave_one=True)})
    parts = tenant.send("POST", "/credit-notes/{document_id}/split", {"document_id": note["id"]}, body, {201, 409}).body
    if "error" in parts:
        assert parts["error"]["details"] == [{"field": "lines", "message": "do not split evenly"}], parts
        return
    moved = [note["lines"][i] for i in body["lines"]]  # positions: the new draft shows the lines moved
    assert [line["description"] for line in parts["new"]["lines"]] == [line["description"] for line in moved]
    assert len(parts["original"]["lines"]) == count - len(moved)


def credited(tenant, invoice, base):
    """Draft credit notes from an invoice: for some of its lines, for an amount, for amounts per rate
    (one way each). The one for an amount is issued and returned."""
    gross = Decimal(invoice["totals"]["gross"])
    ways = {
        "lines": lambda body: {"lines": fit_positions(body["lines"], len(invoice["lines"]))},
        "amount": lambda body: {"amount": money(min(Decimal(body["amount"]), gross / 2), invoice["currency"])},
        "rates": lambda body: {"rates": [
            {"vat_category": rate["vat_category"], "vat_rate": rate["vat_rate"],
             "amount": money(min(Decimal(asked["amount"]), Decimal(rate["gross"]) / 2), invoice["currency"])}
            for asked, rate in zip(body["rates"], [r for r in invoice["totals"]["rates"] if Decimal(r["gross"]) > 0])]},
    }
    for way, fit in ways.items():
        note = tenant.write("POST", "/invoices/{invoice_id}/credit-notes", {"invoice_id": invoice["id"]},
                            fit=lambda body: {"reason": body["reason"], **fit(body)},
                            read="/credit-notes/{id}", listed="/credit-notes", unshown=FROM_INVOICE_UNSHOWN)
        asked = tenant.last_body
        if way == "lines":
            assert len(note["lines"]) == len(asked["lines"]), note
        elif way == "amount":
            assert note["totals"]["gross"] == asked["amount"], note
            by_amount = note
        else:
            assert [r["vat_rate"] for r in note["totals"]["rates"]] == [r["vat_rate"] for r in asked["rates"]], note
    return issued(tenant, "/credit-notes", "issue", by_amount, base)


def allocated_and_refunded(tenant, path, ids, unused, invoice):
    """Some of what is left of a payment or credit note (`unused` names it) refunded, then allocated to
    an invoice as far as it owes."""
    source = tenant.read(concrete(path, ids))
    currency = source["currency"]
    if Decimal(source[unused]) > 0:
        def fit(body):
            return {**body, "amount": money(min(Decimal(body["amount"]), Decimal(source[unused]) / 2), currency)}

        source = tenant.write("POST", path + "/refunds", ids, fit=fit, read=path, shown_as=REFUND_SHOWN_AS)
    left = min(Decimal(source[unused]), Decimal(tenant.read(f"/invoices/{invoice['id']}")["outstanding"]))
    if left > 0:
        def fit(body):
            return {"allocations": [{"invoice_id": invoice["id"], "amount": money(
                min(Decimal(body["allocations"][0]["amount"]), left), currency)}]}

        shown = tenant.write("POST", path + "/allocations", ids, fit=fit, read=path, unshown=("allocations",))
        given = tenant.last_body["allocations"][0]  # the source's only allocation to that invoice
        assert [Decimal(a["amount"]) for a in shown["allocations"] if a["invoice_id"] == invoice["id"]] == [
            Decimal(given["amount"])], shown


def portal_link(tenant, customer_id, document_id):
    """A portal link to a document, valid for the days asked; its page opens."""
    made = tenant.write("POST", "/customers/{customer_id}/portal-links", {"customer_id": customer_id},
                        fit=lambda body: {**body, "document_id": document_id}, unshown=PORTAL_UNSHOWN)
    days = (date.fromisoformat(made["expires_at"][:10]) - datetime.now(timezone.utc).date()).days
    assert days == tenant.last_body["valid_days"], made
    page = tenant.api.client.http.get(urlsplit(made["url"]).path)
    assert page.status_code == 200, page.body


# Where an action's fields are shown, when not under their own name (on the document it acts on).
REFUND_SHOWN_AS = {"amount": "refunds.0.amount", "date": "refunds.0.date", "reason": "refunds.0.reason"}
# Fields that no answer shows under their own name, and why (from the code).
PORTAL_UNSHOWN = ("valid_days",)  # api/portal_links.py: the link shows expires_at, that many days on (checked)
# services/credit_notes.py: lines (positions), amount and rates say what to credit; the note shows the
# lines and totals credited (checked: the lines moved by a split, the gross of an amount).
FROM_INVOICE_UNSHOWN = ("lines", "amount", "rates")
UPLOAD_UNSHOWN = ("files.*.content_type",)  # services/uploads.py: a condition of the presigned form only
LOGO_UNSHOWN = ("content_base64",)  # services/logos.py: the image goes to S3; the tenant shows its size and type
SENT_UNSHOWN = ("to", "cc", "message")  # services/mail.py: last_emailed.to lists to and cc; the message is in the email only


def test_every_field_of_every_resource_round_trips(admin):
    for turn, one_tenant in enumerate(ROUND_TRIPS):
        one_tenant(admin, turn)
    # every route that takes a body was sent one
    assert COVERED | set(NOT_SENT) == routes(with_body=True) and not COVERED & set(NOT_SENT), (
        routes(with_body=True) - COVERED - set(NOT_SENT))


def round_trip(admin, turn, data):
    """One tenant's whole round trip, its lists exported in the turn's format. The turn is an
    argument, not a counter, so a failing example replays exactly."""
    trips = []

    def trip_of(api):
        trips.append(RoundTrip(api, data.draw))
        return trips[-1]

    tenant, settings_ = make_tenant(admin, trip_of)
    base = settings_["base_currency"]
    customer, product = records(tenant)
    invoices = [issued(tenant, "/invoices", "issue", drafts(tenant, "/invoices", customer["id"], product["id"],
                                                            at_least_two_lines), base)]
    for _ in range(2):  # in the same currency: a payment or credit note pays invoices in its own currency
        in_currency = lambda body: owing(at_least_two_lines({**body, "currency": invoices[0]["currency"]}))
        invoices.append(issued(tenant, "/invoices", "issue", drafts(tenant, "/invoices", customer["id"], product["id"],
                                                                    in_currency), base))
    note = drafts(tenant, "/credit-notes", customer["id"], product["id"], crediting(invoices[0]))
    split(tenant, note)
    note = issued(tenant, "/credit-notes", "issue", tenant.read(f"/credit-notes/{note['id']}"), base)
    payment = paid(tenant, tenant.read(f"/invoices/{invoices[1]['id']}"))
    allocated_and_refunded(tenant, "/payments/{payment_id}", {"payment_id": payment["id"]}, "unallocated", invoices[2])
    from_invoice = credited(tenant, tenant.read(f"/invoices/{invoices[1]['id']}"), base)
    allocated_and_refunded(tenant, "/credit-notes/{document_id}", {"document_id": from_invoice["id"]}, "credit_left",
                           invoices[2])
    logo(tenant, data.draw)
    keys_statement_and_uploads(tenant, trips[0], settings_["id"], customer["id"])
    estimates, converted = estimate_actions(tenant, customer["id"], product["id"], base)
    portal_link(tenant, customer["id"], invoices[1]["id"])
    template = recurring(tenant, customer["id"], product["id"])
    usage_records(tenant, catalogue(tenant, customer["id"], base))
    made = generated(tenant, settings_["id"], template)
    for invoice in [invoices[1], *made[:1]]:  # each reminder emails the PDF: a few are enough
        if invoice["status"] != "draft":
            overdue_and_reminded(tenant, settings_["id"], invoice)
    documents = [("/invoices", i) for i in invoices + made + [converted]] + [
        ("/credit-notes", n) for n in (note, from_invoice)] + [
        ("/estimates", e) for e in estimates]
    files(tenant, documents, customer["id"])
    exported(tenant, turn)
    for path, document in (("/invoices", invoices[1]), ("/credit-notes", note), ("/estimates", estimates[1])):
        sent = tenant.write("POST", path + "/{document_id}/send", {"document_id": document["id"]},  # its PDF made
                            read=path + "/{document_id}", unshown=SENT_UNSHOWN)
        assert sent["last_emailed"]["to"] == tenant.last_body["to"] + tenant.last_body["cc"]
    for path, document in (("/invoices", invoices[0]), ("/credit-notes", note)):
        tenant.write("POST", path + "/{document_id}/void", {"document_id": document["id"]}, read=path + "/{document_id}",
                     listed=path, shown_as={"reason": "void_reason"})
    drain_jobs_queue()  # the void documents' PDFs
    COVERED.update(*(trip.covered for trip in trips))


# One example a turn, each from its own seed (different bodies every turn, the same every run).
ROUND_TRIPS = [seed(turn)(settings(max_examples=1, deadline=None, database=None, phases=(Phase.explicit, Phase.generate),
                                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])(
                   given(data=st.data())(round_trip))) for turn in range(len(TURN_FORMATS))]
