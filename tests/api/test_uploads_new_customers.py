"""Option "customers": "create": a document's unknown contact name becomes a customer, from the
contact columns of the file, once per name per batch, whatever repeats.

The files follow Xero's sales invoice import template (its header row as Xero Central publishes
it, kept in tests/fixtures/accounting/xero.json with its source): a new contact name there creates
the contact in Xero itself.
"""
import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from chalicelib.jobs import import_documents
from tests.support.uploads import deliver, delete, drain_uploads_queue, fetch_report, post_form, release, take

from tests.api.test_uploads import open_batch, upload_all, with_customer

XERO_COLUMNS = json.loads((Path(__file__).parents[1] / "fixtures/accounting/xero.json").read_text())["columns"]


class WorkerKilled(BaseException):
    """Like a Lambda stopped mid-run: no `except Exception` sees it."""


def xero_file(*rows: dict) -> bytes:
    """Rows of Xero's template: each dict names the template's columns it fills (stars left out)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(XERO_COLUMNS)
    for row in rows:
        writer.writerow([row.get(column.lstrip("*"), "") for column in XERO_COLUMNS])
    return out.getvalue().encode()


def line(contact, number, description="Flowers", **more):
    return {"ContactName": contact, "InvoiceNumber": number, "InvoiceDate": "31/03/2026", "DueDate": "30/04/2026",
            "Description": description, "Quantity": "2", "UnitAmount": "12.50", "AccountCode": "200",
            "TaxType": "20% (VAT on Income)", **more}


HARBOUR = {"EmailAddress": "accounts@harbour.example", "POAddressLine1": "1 Quay Street",
           "POAddressLine2": "Unit 4", "POAddressLine3": "Dock Yard", "POCity": "Bristol",
           "POPostalCode": "BS1 4DJ", "POCountry": "United Kingdom"}


def customers_named(api, name):
    return [c for c in api.get("/customers?limit=100").body["data"] if c["name"] == name]


def report_of(api, batch_id, n=0):
    return fetch_report(api.get(f"/uploads/{batch_id}").body["files"][n]["report"]["json"])


def test_new_contacts_become_customers_from_the_first_line_that_names_them(new_tenant):
    api = with_customer(new_tenant())
    content = xero_file(
        line("Harbour Florists", "INV-0100", **HARBOUR),
        line("Harbour Florists", "INV-0100", "Vases", **HARBOUR),
        line("harbour  florists", "INV-0101", **{**HARBOUR, "EmailAddress": "other@harbour.example"}),
        line("Bright Bakery", "INV-0102", EmailAddress="ignored@bright.example"),
        line("Atlantis Traders", "INV-0103", POAddressLine1="1 Sea Road", POCountry="Atlantis"),
        line("Quiet Ltd", "INV-0104", Quantity="many"),
    )
    batch = open_batch(api, "invoices", [("xero.csv", content)], customers="create")
    assert batch["options"] == {"numbering": "keep", "customers": "create"}
    upload_all(batch, [("xero.csv", content)])

    (harbour,) = customers_named(api, "Harbour Florists")
    assert harbour["emails"] == ["accounts@harbour.example"]
    assert harbour["billing_address"] == {"line1": "1 Quay Street", "line2": "Unit 4, Dock Yard",
                                          "city": "Bristol", "postal_code": "BS1 4DJ", "country": "GB"}
    # Refused documents create nobody: a bad contact detail, or a bad line.
    assert customers_named(api, "Atlantis Traders") == [] and customers_named(api, "Quiet Ltd") == []
    assert len(api.get("/customers?limit=100").body["data"]) == 2

    rows = {r["line"]: r for r in report_of(api, batch["id"])["rows"]}
    assert [rows[n]["status"] for n in range(2, 8)] == ["imported"] * 4 + ["rejected"] * 2
    assert rows[2]["note"] == f"created customer 'Harbour Florists' ({harbour['id']}) from this line"
    assert "note" not in rows[3] and "note" not in rows[5]  # an existing customer's details are its own
    assert rows[4]["note"] == (f"customer 'harbour  florists' ({harbour['id']}) was created from line 2, whose "
                               "details win: this line's EmailAddress differ and were not used")
    assert rows[6]["column"] == "POCountry", rows[6]
    assert rows[7]["column"] == "*Quantity"
    invoices = {i["number"]: i for i in api.get("/invoices?limit=100").body["data"]}
    assert invoices["INV-0100"]["customer_id"] == invoices["INV-0101"]["customer_id"] == harbour["id"]
    assert sorted(invoices) == ["INV-0100", "INV-0101", "INV-0102"]


def test_by_default_a_name_must_be_one_of_your_customers(new_tenant):
    api = new_tenant()
    content = xero_file(line("Harbour Florists", "INV-0001", **HARBOUR))
    batch = open_batch(api, "invoices", [("xero.csv", content)])
    upload_all(batch, [("xero.csv", content)])
    (row,) = report_of(api, batch["id"])["rows"]
    assert row["status"] == "rejected" and row["column"] == "*ContactName"
    assert row["reason"] == "is not the name or id of one of your customers"
    assert api.get("/customers").body["data"] == []


def test_a_name_two_customers_share_is_refused_and_creates_no_third(new_tenant):
    api = with_customer(with_customer(new_tenant(), "Twin Ltd"), "twin ltd")
    content = xero_file(line("Twin Ltd", "INV-0001"))
    batch = open_batch(api, "invoices", [("xero.csv", content)], customers="create")
    upload_all(batch, [("xero.csv", content)])
    (row,) = report_of(api, batch["id"])["rows"]
    assert row["status"] == "rejected" and "names 2 customers" in row["reason"]
    assert len(api.get("/customers").body["data"]) == 2 and api.get("/invoices").body["data"] == []


def test_two_files_of_one_batch_naming_one_new_contact_make_one_customer(new_tenant):
    api = new_tenant()
    files = [(f"part{n}.csv", xero_file(line("Harbour Florists", f"INV-00{n}0", **HARBOUR))) for n in (1, 2)]
    batch = open_batch(api, "invoices", files, customers="create")
    upload_all(batch, files)
    (harbour,) = customers_named(api, "Harbour Florists")
    notes = sorted(report_of(api, batch["id"], n)["rows"][0]["note"] for n in (0, 1))
    name = f"'Harbour Florists' ({harbour['id']})"
    assert notes == [f"created customer {name} from this line",
                     f"customer {name} created from line 2 of another file of this upload"]


def _chunk_of(api, batch, content):
    post_form(batch["files"][0]["upload"], "xero.csv", content)
    deliver(take(batch["files"][0]["name"]))  # the S3 event: the file is planned, chunk 0 queued
    return take(batch["id"])


def test_a_chunk_run_twice_at_once_creates_each_new_customer_once(new_tenant):
    api = new_tenant()
    content = xero_file(*(line(f"New Client {n % 4}", f"INV-{n:04d}", **HARBOUR) for n in range(12)))
    batch = open_batch(api, "invoices", [("xero.csv", content)], customers="create")
    chunk = _chunk_of(api, batch, content)
    with ThreadPoolExecutor(2) as pool:
        assert list(pool.map(deliver, [chunk, chunk])) == [{"batchItemFailures": []}] * 2
    delete(chunk)
    drain_uploads_queue()
    made = api.get("/customers?limit=100").body["data"]
    assert sorted(c["name"] for c in made) == [f"New Client {n}" for n in range(4)]
    rows = report_of(api, batch["id"])["rows"]
    assert {r["status"] for r in rows} == {"imported"} and len(api.get("/invoices?limit=100").body["data"]) == 12
    created = [r["line"] for r in rows if r["note"].startswith("created customer")]
    assert created == [2, 3, 4, 5]


def test_a_worker_killed_between_the_customer_and_its_document_creates_it_once(new_tenant, monkeypatch):
    api = new_tenant()
    content = xero_file(line("Harbour Florists", "INV-0001", **HARBOUR))
    batch = open_batch(api, "invoices", [("xero.csv", content)], customers="create")
    chunk = _chunk_of(api, batch, content)
    real = import_documents.Importer._create

    def dying(*args, **kwargs):
        monkeypatch.setattr(import_documents.Importer, "_create", real)
        raise WorkerKilled()  # the customer is committed; its document is not

    monkeypatch.setattr(import_documents.Importer, "_create", dying)
    try:
        deliver(chunk)
        raise AssertionError("the worker should have died")
    except WorkerKilled:
        release(chunk)
    drain_uploads_queue()
    (harbour,) = customers_named(api, "Harbour Florists")
    (row,) = report_of(api, batch["id"])["rows"]
    assert row["status"] == "imported"
    assert row["note"] == f"created customer 'Harbour Florists' ({harbour['id']}) from this line"
