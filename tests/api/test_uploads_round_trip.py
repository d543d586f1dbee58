"""Moving in: what our accounting exports write, an upload reads into a new tenant as the same
invoices and credit notes: numbers, dates, customers, the invoice a credit note corrects, each
line's net, VAT category, rate and VAT, and the totals to the penny. A file holding both kinds is
uploaded as invoices, then as credit notes; each upload skips the other kind's documents.
"""
from decimal import Decimal

import pytest

from tests.api.test_exports import export
from tests.api.test_uploads import open_batch, upload_all
from tests.support.uploads import fetch_report

HARBOUR = {"name": "Harbour Florists", "emails": ["accounts@harbour.example"],
           "billing_address": {"line1": "1 Quay Street", "line2": "Unit 4", "city": "Bristol",
                               "postal_code": "BS1 4DJ", "country": "GB"}}
LINES = [  # one VAT code per line, so that Sage's one row per split is one row per line
    [{"description": "Bouquets", "quantity": "3", "unit_price": "12.99"},
     {"description": "Gift book", "quantity": "2", "unit_price": "7.45", "vat_category": "zero"}],
    [{"description": "Heating oil", "quantity": "37", "unit_price": "0.4575", "vat_category": "reduced",
      "vat_rate": "5"}],
    [{"description": "Arrangement", "quantity": "1", "unit_price": "250.00"},
     {"description": "Insurance", "quantity": "1", "unit_price": "19.99", "vat_category": "exempt"}],
]


def books(api, count):
    """`count` issued invoices over two customers, and a credit note of the first."""
    customers = [api.post("/customers", HARBOUR).body, api.post("/customers", {"name": "Bright Bakery"}).body]
    issued = []
    for n in range(count):
        draft = api.post("/invoices", {"customer_id": customers[n % 2]["id"], "issue_date": "2026-10-05",
                                       "reference": f"PO-{n}", "lines": LINES[n % len(LINES)]}).body
        issued.append(api.post(f"/invoices/{draft['id']}/issue", {}).body)
    note = api.post(f"/invoices/{issued[0]['id']}/credit-notes", {"reason": "Wilted", "lines": [0]}).body
    note = api.post(f"/credit-notes/{note['id']}/issue", {"issue_date": "2026-10-06"}).body
    return customers, issued, note


def same_document(api, number, path="/invoices"):
    (found,) = api.get(f"{path}?q={number}").body["data"]
    return api.get(f"{path}/{found['id']}").body


def as_moved(invoice, customer_name, with_due_date=True):
    """What every format carries across: not the ids, nor how a line's net was priced."""
    return {"number": invoice["number"], "issue_date": invoice["issue_date"], "customer": customer_name,
            **({"due_date": invoice["due_date"]} if with_due_date else {}),
            "lines": [(line["description"], line["net"], line["vat_category"], Decimal(line["vat_rate"]),
                       line["vat"]) for line in invoice["lines"]],
            "totals": {k: invoice["totals"][k] for k in ("net", "vat", "gross")}}


def moved(old, new, system, kind="invoices", **options):
    _, content = export(old, "accounting", system, {"from": "2026-10-01", "to": "2026-10-31"})
    name = f"{system}.csv"
    batch = open_batch(new, kind, [(name, content)], **options)
    upload_all(batch, [(name, content)])
    (file,) = new.get(f"/uploads/{batch['id']}").body["files"]
    return file, fetch_report(file["report"]["json"])["rows"]


def credit_notes_moved(old, new, system, note):
    """The credit note file (QuickBooks' own, the same file elsewhere) as a credit notes upload."""
    file, rows = moved(old, new, "quickbooks_credit_notes" if system == "quickbooks" else system, "credit_notes")
    assert [r["status"] for r in rows].count("imported") == 1 and file["counts"]["rejected"] == 0
    copy = same_document(new, note["number"], "/credit-notes")
    assert copy["invoice_number"] == note["invoice_number"]
    assert as_moved(copy, None, False) == as_moved(note, None, False)
    return copy


@pytest.mark.parametrize("system", ["xero", "quickbooks", "clearbooks"])
def test_an_export_uploads_into_a_new_tenant_as_the_same_invoices_and_credit_notes(new_tenant, system):
    old, new = new_tenant(), new_tenant()
    customers, issued, note = books(old, 6)
    file, rows = moved(old, new, system, customers="create")
    skipped = [r for r in rows if r["status"] != "imported"]
    credit_note_rows = 0 if system == "quickbooks" else 1  # QuickBooks' credit notes have a file of their own
    assert len(skipped) == credit_note_rows and all(r["status"] == "skipped" for r in skipped)
    names = {c["id"]: c["name"] for c in customers}
    for invoice in issued:
        copy = same_document(new, invoice["number"])
        assert as_moved(copy, copy["customer"]["name"]) == as_moved(invoice, names[invoice["customer_id"]])
    credit_notes_moved(old, new, system, note)
    if system == "xero":  # the only one of the three that carries contact details
        harbour = [c for c in new.get("/customers").body["data"] if c["name"] == "Harbour Florists"][0]
        assert {k: harbour[k] for k in ("emails", "billing_address")} == {
            "emails": HARBOUR["emails"], "billing_address": HARBOUR["billing_address"]}


def test_our_xero_export_of_over_a_hundred_rows_moves_whole_into_a_new_tenant(new_tenant):
    old, new = new_tenant(), new_tenant()
    customers, issued, _ = books(old, 70)  # 117 invoice rows and a credit note's row
    file, rows = moved(old, new, "xero", customers="create")
    assert file["counts"]["imported"] == 117 and file["documents"] == 70
    assert len(new.get("/customers").body["data"]) == 2
    created = [r for r in rows if "created customer" in r.get("note", "")]
    assert [r["line"] for r in created] == [2, 4]  # the first line of each customer's first invoice


def test_a_sage_export_moves_with_the_customers_mapped_to_their_sage_references(new_tenant):
    old, new = new_tenant(), new_tenant()
    customers, issued, note = books(old, 3)
    refs = {}
    for customer in customers:  # as the export wrote them, unmapped: the id's last 8 characters
        made = new.post("/customers", {"name": customer["name"]}).body
        refs[made["id"]] = customer["id"][-8:].upper()
    assert new.call("PATCH", "/tenant", {"accounting_mapping": {"customers": {"sage50": refs}}}).status == 200
    file, rows = moved(old, new, "sage50")
    assert [r["status"] for r in rows].count("skipped") == 1  # the credit note's SC row
    names = {c["id"]: c["name"] for c in customers}
    for invoice in issued:
        copy = same_document(new, invoice["number"])
        assert as_moved(copy, copy["customer"]["name"], False) == as_moved(
            invoice, names[invoice["customer_id"]], False)
    credit_notes_moved(old, new, "sage50", note)


# Three lines of 0.33 at 20%: rounded per line each is 0.066 -> 0.07, 0.21 in all; per invoice 0.99 x 20%
# = 0.198 -> 0.20 (HMRC Notice 700 17.5). Each a product of its own, so that Sage's splits (one per
# nominal code) stay one per line.
STEMS = [("Rose stem", "4010"), ("Tulip stem", "4020"), ("Lily stem", "4030")]
VAT_BY_LEVEL = {"line": ("0.21", ["0.07", "0.07", "0.07"]), "invoice": ("0.20", ["0.07", "0.07", "0.06"])}


def stems_invoice(api):
    products = {name: api.post("/products", {"name": name, "unit_price": "0.33"}).body for name, _ in STEMS}
    mapping = {"accounts": {"sage50": {"default": "4000", "products": {
        products[name]["id"]: account for name, account in STEMS}}}}
    assert api.call("PATCH", "/tenant", {"accounting_mapping": mapping}).status == 200
    customer = api.post("/customers", HARBOUR).body
    draft = api.post("/invoices", {"customer_id": customer["id"], "issue_date": "2026-10-05", "lines": [
        {"product_id": products[name]["id"], "quantity": "1"} for name, _ in STEMS]}).body
    return api.post(f"/invoices/{draft['id']}/issue", {}).body


@pytest.mark.parametrize("system", ["xero", "quickbooks", "clearbooks", "sage50"])
@pytest.mark.parametrize("old_level", ["line", "invoice"])
def test_the_files_vat_is_kept_to_the_penny_where_the_new_tenant_rounds_otherwise(new_tenant, system, old_level):
    new_level = "invoice" if old_level == "line" else "line"
    old, new = new_tenant(rounding={"vat_level": old_level}), new_tenant(rounding={"vat_level": new_level})
    invoice = stems_invoice(old)
    total, lines = VAT_BY_LEVEL[old_level]
    assert (invoice["totals"]["vat"], [l["vat"] for l in invoice["lines"]]) == (total, lines)
    if system == "sage50":
        made = new.post("/customers", {"name": "Harbour Florists"}).body
        refs = {"customers": {"sage50": {made["id"]: invoice["customer_id"][-8:].upper()}}}
        assert new.call("PATCH", "/tenant", {"accounting_mapping": refs}).status == 200
    file, rows = moved(old, new, system, customers="create")
    assert [r["status"] for r in rows] == ["imported"] * 3, rows
    copy = same_document(new, invoice["number"])
    assert copy["rounding"]["vat_level"] == new_level  # which alone would have charged the other total
    assert [l["vat"] for l in copy["lines"]] == lines and copy["totals"]["vat"] == total
    assert copy["totals"]["gross"] == invoice["totals"]["gross"]


def test_a_vat_amount_no_rounding_gives_is_the_rows_reason_and_nothing_is_made(new_tenant):
    old, new = new_tenant(), new_tenant()
    stems_invoice(old)
    _, content = export(old, "accounting", "clearbooks", {"from": "2026-10-01", "to": "2026-10-31"})
    text = content.decode("utf-8").replace(",0.2,0.07,", ",0.2,0.08,", 1)  # the first line's VAT
    assert text != content.decode("utf-8")
    batch = open_batch(new, "invoices", [("clearbooks.csv", text.encode())], customers="create")
    upload_all(batch, [("clearbooks.csv", text.encode())])
    (file,) = new.get(f"/uploads/{batch['id']}").body["files"]
    rows = fetch_report(file["report"]["json"])["rows"]
    assert rows[0]["status"] == "rejected" and rows[0]["column"] == "Line VAT amount"
    assert rows[0]["reason"] == "is 0.08, but 20% VAT on 0.33 is 0.066: a rounding of it is 0.06 or 0.07"
    assert [r["status"] for r in rows[1:]] == ["rejected"] * 2
    assert new.get("/invoices").body["data"] == [] and new.get("/customers").body["data"] == []


def test_a_sage_split_summing_lines_rounded_one_by_one_is_refused_not_recomputed(new_tenant):
    # Our Sage export writes lines of one nominal code and tax code as one split: three stems rounded
    # per line (0.07 each) make a split of 0.99 net and 0.21 VAT, which no rounding of 0.198 gives.
    old, new = new_tenant(rounding={"vat_level": "line"}), new_tenant()
    customer = old.post("/customers", {"name": "Harbour Florists"}).body
    draft = old.post("/invoices", {"customer_id": customer["id"], "issue_date": "2026-10-05", "lines": [
        {"description": name, "quantity": "1", "unit_price": "0.33"} for name, _ in STEMS]}).body
    old.post(f"/invoices/{draft['id']}/issue", {})
    made = new.post("/customers", {"name": "Harbour Florists"}).body
    refs = {"customers": {"sage50": {made["id"]: customer["id"][-8:].upper()}}}
    assert new.call("PATCH", "/tenant", {"accounting_mapping": refs}).status == 200
    file, rows = moved(old, new, "sage50")
    assert [(r["status"], r["column"], r["reason"]) for r in rows] == [
        ("rejected", "Tax Amount", "is 0.21, but 20% VAT on 0.99 is 0.198: a rounding of it is 0.19 or 0.20")]
    assert new.get("/invoices").body["data"] == []
