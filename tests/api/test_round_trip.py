"""Every field of every resource survives storage (issue 12 item 1).

Bodies are generated from the request schemas of the route registry (tests/support/schema_values.py):
every field each route accepts, with values its declaration allows. Each is written through the API,
read back over HTTP (the answer, GET one, the list) and must come back as sent; then every job that
reads it runs: recurring generation, overdue marking and reminders, PDFs, list and accounting
exports, e-invoices. None may fail or answer a 500.
"""
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from itertools import count

import base64
from io import BytesIO

import requests
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from chalicelib.domain import vat
from chalicelib.domain.currencies import minor_units
from chalicelib.api.exports import ACCOUNTING, ACCOUNTING_FORMATS, FILE_FORMATS, LIST_PATHS
from tests.support.api import Api
from tests.support.jobs import drain_jobs_queue
from tests.support.round_trip import RoundTrip, assert_json_answer, routes

ROUTE_KEYS = routes()
TURNS = count()


LARGE_LINE = Decimal(10 ** 10)  # 3 such lines with 100% VAT stay below the largest document total


def fit_vat(priced):
    """The VAT rate its category admits (domain.vat.rate_problem)."""
    if vat.rate_problem(priced["vat_category"], Decimal(priced["vat_rate"])):
        priced["vat_rate"] = str(vat.default_rate(priced["vat_category"]))
    return priced


def fit_line(line, currency, product_id):
    """A generated line made to agree with the rules across its fields and with what it names."""
    line["product_id"] = product_id
    fit_vat(line)
    if Decimal(line["quantity"]) * Decimal(line["unit_price"]) > LARGE_LINE:  # totals at most 999,999,999,999
        line["quantity"], line["unit_price"] = "1", str(min(Decimal(line["unit_price"]), LARGE_LINE))
    value = Decimal(line["discount"]["value"])
    if line["discount"]["type"] == "percent":
        line["discount"]["value"] = str(min(value, Decimal(100)))
    else:  # at most the line's amount, in the currency's minor units
        most = Decimal(line["quantity"]) * Decimal(line["unit_price"])
        line["discount"]["value"] = str(min(value, most).quantize(Decimal(1).scaleb(-minor_units(currency)),
                                                                  "ROUND_DOWN"))
    return line


def fit_order(body, first, then):
    """Two dates in the order their meaning needs (a due date is not before the issue date)."""
    if then in body and body[then] < body[first]:
        body[first], body[then] = body[then], body[first]
    return body


def fit_document(body, product_id):
    body["lines"] = [fit_line(line, body["currency"], product_id) for line in body["lines"]]
    return fit_order(fit_order(body, "issue_date", "due_date"), "issue_date", "expiry_date")


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


CREDITED = ("quantity", "unit_price", "discount", "vat_category", "vat_rate")


def crediting(invoice):
    """A credit note credits at most what its invoice charged, at the invoice's own rates: its lines
    take the amounts and VAT of the invoice's lines."""
    def fit(body):
        body = {**body, "invoice_id": invoice["id"], "currency": invoice["currency"],
                "prices_include_vat": invoice["prices_include_vat"]}
        body["lines"] = [{**line, **{name: charged[name] for name in CREDITED if name in charged}}
                         for line, charged in zip(body["lines"], invoice["lines"])]
        return body
    return fit


def drafts(tenant, path, customer_id, product_id, fit_more=dict):
    """A draft written with every field, then every field changed."""
    def fit(body):
        return fit_more(fit_document({**body, "customer_id": customer_id}, product_id))

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


def money(amount, currency):
    """An amount in the currency's minor units (rounded down), at least one of them."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    return str(max(Decimal(amount).quantize(unit, "ROUND_DOWN"), unit))


def paid(tenant, invoice):
    """A payment with every field: half of it allocated to the invoice (as far as it is owed), some of
    the rest refunded."""
    currency = invoice["currency"]

    def fit(body):
        amount = money(body["amount"], currency)
        share = min(Decimal(body["allocations"][0]["amount"]), Decimal(invoice["outstanding"]), Decimal(amount) / 2)
        owed = [{"invoice_id": invoice["id"], "amount": money(share, currency)}] if share >= Decimal(money(0, currency)) else []
        return {**body, "customer_id": invoice["customer_id"], "currency": currency, "amount": amount,
                "allocations": owed}

    payment = tenant.write("POST", "/payments", {}, read="/payments/{id}", listed="/payments", fit=fit)
    refund = lambda body: {**body, "amount": money(min(Decimal(body["amount"]), Decimal(payment["unallocated"])), currency)}
    tenant.write("POST", "/payments/{payment_id}/refunds", {"payment_id": payment["id"]}, fit=refund,
                 read="/payments/{payment_id}", shown_as=REFUND_SHOWN_AS)
    return payment


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
    """Recurring generation up to two days after the first date the preview lists."""
    from chalicelib.jobs.recurring import generate_due

    dates = tenant.read(f"/recurring-invoices/{template['id']}/preview")["dates"]
    if not dates:
        return []
    first = date.fromisoformat(dates[0][:10])
    ids = generate_due(tenant_id, template["id"], datetime.combine(first + timedelta(days=2), time(12), timezone.utc))
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
    the formats take turns over the examples (PDFs in many scripts take seconds)."""
    asked = []
    for resource in (*LIST_PATHS, ACCOUNTING):
        formats = ACCOUNTING_FORMATS[turn::len(FILE_FORMATS)] if resource == ACCOUNTING else [FILE_FORMATS[turn]]
        for file_format in formats:
            asked.append(tenant.send("POST", "/exports", {}, {"resource": resource, "format": file_format,
                                                          "filters": {"from": "2019-01-01"} if resource == ACCOUNTING else {}}).body)
    drain_jobs_queue()
    for export in asked:
        done = tenant.read(f"/exports/{export['id']}")
        assert done["state"] == "done", done


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


# Where an action's fields are shown, when not under their own name (on the document it acts on).
REFUND_SHOWN_AS = {"amount": "refunds.0.amount", "date": "refunds.0.date", "reason": "refunds.0.reason"}
# Fields that no answer shows under their own name, and why (from the code).
LOGO_UNSHOWN = ("content_base64",)  # services/logos.py: the image goes to S3; the tenant shows its size and type
SENT_UNSHOWN = ("to", "cc", "message")  # services/mail.py: last_emailed.to lists to and cc; the message is in the email only


@settings(max_examples=len(FILE_FORMATS), deadline=None, derandomize=True, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_every_field_of_every_resource_round_trips(admin, data):
    trips = []

    def trip_of(api):
        trips.append(RoundTrip(api, data.draw))
        return trips[-1]

    tenant, settings_ = make_tenant(admin, trip_of)
    base = settings_["base_currency"]
    customer, product = records(tenant)
    invoices = [issued(tenant, "/invoices", "issue", drafts(tenant, "/invoices", customer["id"], product["id"]), base)
                for _ in range(2)]
    note = drafts(tenant, "/credit-notes", customer["id"], product["id"], crediting(invoices[0]))
    note = issued(tenant, "/credit-notes", "issue", note, base)
    estimate = drafts(tenant, "/estimates", customer["id"], product["id"])
    estimate = issued(tenant, "/estimates", "mark-sent", estimate, base)
    payment = paid(tenant, tenant.read(f"/invoices/{invoices[1]['id']}"))
    logo(tenant, data.draw)
    estimates, converted = estimate_actions(tenant, customer["id"], product["id"], base)
    for path, document in (("/invoices", invoices[1]), ("/credit-notes", note), ("/estimates", estimate)):
        sent = tenant.write("POST", path + "/{document_id}/send", {"document_id": document["id"]},
                            read=path + "/{document_id}", unshown=SENT_UNSHOWN)
        assert sent["last_emailed"]["to"] == tenant.last_body["to"] + tenant.last_body["cc"]
    template = recurring(tenant, customer["id"], product["id"])
    made = generated(tenant, settings_["id"], template)
    for invoice in [invoices[1], *made]:
        if invoice["status"] != "draft":
            overdue_and_reminded(tenant, settings_["id"], invoice)
    documents = [("/invoices", i) for i in invoices + made + [converted]] + [("/credit-notes", note)] + [
        ("/estimates", e) for e in [estimate, *estimates]]
    files(tenant, documents, customer["id"])
    exported(tenant, next(TURNS) % len(FILE_FORMATS))
    for path, document in (("/invoices", invoices[0]), ("/credit-notes", note)):
        tenant.write("POST", path + "/{document_id}/void", {"document_id": document["id"]}, read=path + "/{document_id}",
                     listed=path, shown_as={"reason": "void_reason"})
