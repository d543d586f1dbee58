"""/uploads: batches of files through presigned POST forms, their progress and their reports."""
import base64
import csv
import io
import json
import zipfile

import pytest
import xlsxwriter

from tests.support.uploads import drain_uploads_queue, fetch_report, invoices_csv, post_form


def open_batch(api, kind, files, **options):
    body = {"kind": kind, "files": [{"name": name, "size": len(content)} for name, content in files]}
    if options:
        body["options"] = options
    answer = api.post("/uploads", body)
    assert answer.status == 201, answer.body
    return answer.body


def upload_all(batch, files):
    for slot, (name, content) in zip(batch["files"], files):
        assert post_form(slot["upload"], name, content).status_code in (200, 201, 204)
    drain_uploads_queue()


def with_customer(api, name="Bright Bakery"):
    assert api.post("/customers", {"name": name}).status == 201
    return api


def workbook_bytes():
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.add_worksheet().write_row(0, 0, ["number", "customer", "description", "quantity", "unit_price"])
    book.close()
    return out.getvalue()


def zip_bomb():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (16 << 20) + b"/>")
    return out.getvalue()


def test_a_batch_gives_each_file_a_form_for_its_own_key_and_size(tenant):
    batch = open_batch(tenant, "invoices", [("jan.csv", b"x" * 100), ("feb.xlsx", b"y" * 2000)])
    assert batch["status"] == "waiting" and batch["source"] == "api" and batch["options"] == {"numbering": "keep", "customers": "match"}
    for n, (slot, size) in enumerate(zip(batch["files"], (100, 2000))):
        fields = slot["upload"]["fields"]
        assert fields["key"] == f"tenants/{tenant.tenant_id}/batches/{batch['id']}/invoices/{n}-{slot['name']}"
        policy = json.loads(base64.b64decode(fields["policy"]))
        assert ["content-length-range", 1, size] in policy["conditions"]
        assert {"key": fields["key"]} in policy["conditions"]
    shown = tenant.get(f"/uploads/{batch['id']}").body
    assert [f["status"] for f in shown["files"]] == ["waiting", "waiting"] and "upload" not in shown["files"][0]
    assert tenant.get("/uploads").body["data"][0]["id"] == batch["id"]


@pytest.mark.parametrize("files, field", [
    ([{"name": f"f{i}.csv", "size": 10} for i in range(51)], "files[50]"),
    ([{"name": "a.csv", "size": 30 * 1024 * 1024}, {"name": "b.csv", "size": 30 * 1024 * 1024 + 1}], "files[1].size"),
    ([{"name": "a.csv", "size": 60 * 1024 * 1024 + 1}], "files[0].size"),
    ([{"name": "notes.pdf", "size": 10}], "files[0].name"),
    ([], "files"),
])
def test_the_51st_file_the_byte_over_60_mb_and_unknown_formats_are_refused(tenant, files, field):
    answer = tenant.post("/uploads", {"kind": "invoices", "files": files})
    assert answer.status == 400 and answer.error_fields == [field], answer.body
    assert tenant.get("/uploads").body["data"] == []


def test_every_file_of_a_batch_gets_its_reason_and_the_rest_goes_on(new_tenant):
    api = with_customer(new_tenant())
    good = invoices_csv(2)
    messy = ("number,customer,description,quantity,unit_price\r\n"
             'INV-0010,Bright Bakery,Big job,1,"1,234.50"\r\n'
             ",,,,\r\n"
             "INV-0011,Nobody Ltd,Small job,1,5\r\n"
             "INV-0012,Bright Bakery,=cmd|' /C calc'!A0,1,5\r\n").encode()
    latin = "number,customer,description,quantity,unit_price\nINV-0020,Bright Bakery,Caf\u00e9 \u00a3,1,2\n"
    files = [("good.csv", good), ("fake.csv", b"%PDF-1.7 not a table"),
             ("renamed.csv", b"number,client,qty,unit_price\nINV-1,Bright Bakery,1,2\n"),
             ("truncated.xlsx", workbook_bytes()[:1500]), ("bomb.xlsx", zip_bomb()),
             ("latin.csv", latin.encode("cp1252")),
             ("messy.csv", messy)]
    batch = open_batch(api, "invoices", files)
    upload_all(batch, files)
    shown = api.get(f"/uploads/{batch['id']}").body
    assert shown["status"] == "done"
    by_name = {f["name"]: f for f in shown["files"]}
    assert by_name["good.csv"]["counts"]["imported"] == 4
    assert by_name["fake.csv"]["reason"] == "The file is a PDF document, not CSV text"
    assert "unknown column 'client'" in by_name["renamed.csv"]["reason"]
    assert "unknown column 'qty'" in by_name["renamed.csv"]["reason"]
    assert "missing required column(s): customer, quantity" in by_name["renamed.csv"]["reason"]
    assert "damaged or incomplete" in by_name["truncated.xlsx"]["reason"]
    assert "zip bomb" in by_name["bomb.xlsx"]["reason"]
    assert [by_name[n]["status"] for n in ("fake.csv", "renamed.csv", "truncated.xlsx", "bomb.xlsx")] == ["failed"] * 4
    assert by_name["latin.csv"]["encoding"] == "cp1252" and by_name["latin.csv"]["counts"]["imported"] == 1
    assert by_name["messy.csv"]["counts"] == {"rows": 4, "imported": 1, "rejected": 2, "skipped": 1, "duplicates": 0}
    assert shown["counts"]["imported"] == 6

    rows = fetch_report(by_name["messy.csv"]["report"]["json"])["rows"]
    assert [(r["line"], r["status"], r.get("column")) for r in rows] == [
        (2, "imported", None), (3, "skipped", None), (4, "rejected", "customer"), (5, "rejected", "description")]
    assert "formula" in rows[3]["reason"]
    report_csv = fetch_report(by_name["messy.csv"]["report"]["csv"]).splitlines()
    assert report_csv[0] == "line,status,id,number,column,reason,note" and len(report_csv) == 5
    failed = list(csv.reader(io.StringIO(fetch_report(by_name["fake.csv"]["report"]["csv"]))))
    assert failed[1:] == [["", "failed", "", "", "", "The file is a PDF document, not CSV text", ""]]
    invoices = api.get("/invoices?q=inv-0020").body["data"]
    assert [i["number"] for i in invoices] == ["INV-0020"]
    assert api.get(f"/invoices/{invoices[0]['id']}").body["lines"][0]["description"] == "Caf\u00e9 \u00a3"


def test_series_numbering_numbers_the_documents_in_file_order(new_tenant):
    api = with_customer(new_tenant())
    files = [("mixed.csv", invoices_csv(2, first=900) + invoices_csv(1, first=5)[len(invoices_csv(0)):])]
    batch = open_batch(api, "invoices", files, numbering="series")
    upload_all(batch, files)
    rows = fetch_report(api.get(f"/uploads/{batch['id']}").body["files"][0]["report"]["json"])["rows"]
    assert [r["number"] for r in rows] == ["INV-0001", "INV-0001", "INV-0002", "INV-0002", "INV-0003", "INV-0003"]


def test_a_file_larger_than_announced_is_refused_by_the_worker_too(tenant):
    with_customer(tenant)
    content = invoices_csv(1)
    batch = open_batch(tenant, "invoices", [("small.csv", content[:50])])
    # S3 itself refuses this through the form's policy; moto does not, so the worker checks as well.
    upload_all(batch, [("small.csv", content)])
    (file,) = tenant.get(f"/uploads/{batch['id']}").body["files"]
    assert file["status"] == "failed" and "more than the 50 bytes announced" in file["reason"]


def test_templates_are_csv_for_each_kind(tenant, new_tenant):
    reader = new_tenant(scopes=("read",))
    answer = reader.get("/uploads/templates/customers")
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.body.splitlines()[0].startswith("name,company,contact_name,emails")
    assert tenant.get("/uploads/templates/invoices").body.splitlines()[0].startswith("number,customer,status")
    assert tenant.get("/uploads/templates/payments").status == 404
    assert reader.post("/uploads", {"kind": "products", "files": [{"name": "a.csv", "size": 1}]}).status == 403


def test_an_imported_invoice_has_one_history_entry_saying_what_was_made(new_tenant):
    """One import of an invoice is one change, so one entry, like a POST /invoices: "created",
    by the key that opened the batch, showing the invoice as it was made (issued, with its number)."""
    api = with_customer(new_tenant())
    files = [("one.csv", invoices_csv(1, first=7))]
    upload_all(open_batch(api, "invoices", files), files)
    (invoice,) = api.get("/invoices?q=inv-0007").body["data"]
    history = api.get(f"/invoices/{invoice['id']}/history").body["data"]
    assert [(entry["action"], entry["actor"]) for entry in history] == [("created", api.key_id)]
    changes = history[0]["changes"]
    assert changes["status"] == {"before": None, "after": "issued"}
    assert changes["number"] == {"before": None, "after": "INV-0007"}
    assert changes["issue_date"]["after"] == "2026-03-31" and changes["due_date"]["after"] == "2026-04-30"
    assert [line["description"] for line in changes["lines"]["after"]] == ["Service 7.0", "Service 7.1"]
    assert changes["totals"]["after"]["gross"] == "71.96"  # 19.99 + 2 x 19.99, plus 20% VAT


def test_customer_names_are_found_among_more_customers_than_a_page(new_tenant, monkeypatch):
    """A chunk reads every page of the tenant's customers (their ids, statuses and names): a name
    created last is found, one two active customers share is refused, an archived one says so."""
    from chalicelib.jobs import import_lookups

    monkeypatch.setattr(import_lookups, "PAGE", 3)
    api = new_tenant()
    for n in range(7):
        assert api.post("/customers", {"name": f"Customer {n:03d}", "emails": [f"accounts{n}@example.com"],
                                       "billing_address": {"line1": f"{n} Mill Lane", "city": "Leeds"}}).status == 201
    for name in ("Twin Ltd", "Twin Ltd", "Gone Ltd", "Late Ltd"):
        assert api.post("/customers", {"name": name}).status == 201
    gone = api.get("/customers?q=gone").body["data"][0]["id"]
    assert api.post(f"/customers/{gone}/archive").status == 200
    late = api.get("/customers?q=late").body["data"][0]["id"]
    header = len(invoices_csv(0))
    content = invoices_csv(0) + b"".join(invoices_csv(1, 1, customer, first=n)[header:] for n, customer in
                                         enumerate(["Late Ltd", "twin  ltd", "Gone Ltd", "Customer 005"], start=1))
    files = [("names.csv", content)]
    batch = open_batch(api, "invoices", files)
    upload_all(batch, files)
    rows = fetch_report(api.get(f"/uploads/{batch['id']}").body["files"][0]["report"]["json"])["rows"]
    assert [(r["number"] if r["status"] == "imported" else r["reason"]) for r in rows] == [
        "INV-0001", "names 2 customers; give the customer's id instead",
        "names an archived customer; restore it first", "INV-0004"]
    assert api.get(f"/invoices/{rows[0]['id']}").body["customer_id"] == late
