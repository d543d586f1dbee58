"""Invoice files of QuickBooks Online, Sage 50 and Clear Books, uploaded as they are.

The files (tests/fixtures/imports, README there) follow each vendor's published import
format; the expected documents are worked out by hand from the vendor's rules (its VAT codes'
rates, one row per line or per split), not from our exporters.
"""
from pathlib import Path

from tests.api.test_uploads import open_batch, upload_all, with_customer
from tests.support.uploads import fetch_report

FIXTURES = Path(__file__).parents[1] / "fixtures/imports"


def uploaded(api, name, kind="invoices", **options):
    content = (FIXTURES / name).read_bytes()
    batch = open_batch(api, kind, [(name, content)], **options)
    upload_all(batch, [(name, content)])
    (file,) = api.get(f"/uploads/{batch['id']}").body["files"]
    return file, {r["line"]: r for r in fetch_report(file["report"]["json"])["rows"]}


def invoices_by_number(api):
    found = api.get("/invoices?limit=100").body["data"]
    return {i["number"]: api.get(f"/invoices/{i['id']}").body for i in found}


def summary(invoice):
    return (invoice["issue_date"], invoice.get("reference"),
            [(line["description"], line["quantity"], line["unit_price"], line["vat_category"], line["vat_rate"])
             for line in invoice["lines"]],
            (invoice["totals"]["net"], invoice["totals"]["vat"], invoice["totals"]["gross"]))


def test_a_quickbooks_invoice_file_reads_its_vat_codes_and_refuses_one_it_cannot_map(new_tenant):
    api = with_customer(new_tenant(), "Harbour Florists")
    file, rows = uploaded(api, "quickbooks_invoices.csv")
    assert file["counts"] == {"rows": 4, "imported": 3, "rejected": 1, "skipped": 0, "duplicates": 0}
    assert rows[5]["column"] == "ItemTaxCode" and rows[5]["reason"].startswith(
        "is not one of your QuickBooks Online tax codes")
    assert "accounting_mapping.tax_codes.quickbooks" in rows[5]["reason"]
    invoices = invoices_by_number(api)
    assert sorted(invoices) == ["1001", "1002"]
    assert summary(invoices["1001"]) == ("2026-03-31", "PO-7", [
        ("Bouquets", "2", "12.50", "standard", "20"), ("Delivery", "1", "4.00", "standard", "20")],
        ("29.00", "5.80", "34.80"))
    assert invoices["1001"]["due_date"] == "2026-04-30"
    assert summary(invoices["1002"])[2:] == ([("Gift book", "3", "7.99", "zero", "0")], ("23.97", "0.00", "23.97"))


def test_a_tenant_mapping_names_the_code_the_defaults_leave_out(new_tenant):
    api = with_customer(new_tenant(), "Harbour Florists")
    mapping = {"tax_codes": {"quickbooks": {"outside_scope": "20.0% ECG"}}}
    assert api.call("PATCH", "/tenant", {"accounting_mapping": mapping}).status == 200
    file, rows = uploaded(api, "quickbooks_invoices.csv")
    assert file["counts"]["imported"] == 4
    assert invoices_by_number(api)["1003"]["lines"][0]["vat_category"] == "outside_scope"


def test_a_sage_50_audit_trail_in_windows_1252_finds_customers_by_their_sage_reference(new_tenant):
    api = new_tenant()
    customer = api.post("/customers", {"name": "Müller GmbH"}).body
    assert api.call("PATCH", "/tenant", {"accounting_mapping": {
        "customers": {"sage50": {customer["id"]: "MULLER01"}}}}).status == 200
    file, rows = uploaded(api, "sage50_audit_trail.csv")
    assert file["encoding"] == "cp1252" and "not UTF-8" in file["warnings"][0]
    assert file["counts"] == {"rows": 4, "imported": 2, "rejected": 1, "skipped": 1, "duplicates": 0}
    assert rows[4]["status"] == "skipped" and rows[4]["reason"] == (
        "a sales credit note (SC): upload the file as credit_notes too")
    assert rows[5]["column"] == "Tax Code" and "Sage 50 tax codes" in rows[5]["reason"]
    (invoice,) = invoices_by_number(api).values()
    assert invoice["number"] == "SI-1001" and invoice["customer_id"] == customer["id"]
    assert summary(invoice) == ("2026-03-31", "PO-77", [
        ("Beratung für Müller", "1", "100.00", "standard", "20"),
        ("Books \u2013 café edition", "1", "50.00", "zero", "0")], ("150.00", "20.00", "170.00"))


def test_a_clear_books_file_takes_its_invoices_and_skips_its_negative_credit_notes(new_tenant):
    api = with_customer(new_tenant(), "Harbour Florists")
    file, rows = uploaded(api, "clearbooks_invoices.csv")
    assert file["counts"] == {"rows": 3, "imported": 2, "rejected": 0, "skipped": 1, "duplicates": 0}
    assert rows[4]["status"] == "skipped" and rows[4]["reason"] == (
        "a credit note (negative amounts): upload the file as credit_notes too")
    (invoice,) = invoices_by_number(api).values()
    assert summary(invoice) == ("2026-03-31", "PO-9", [
        ("Wreath", "2", "30.00", "standard", "20"), ("Children's clothing", "1", "15.00", "zero", "0")],
        ("75.00", "12.00", "87.00"))


def test_a_file_mixing_two_layouts_is_refused_whole(new_tenant):
    api = with_customer(new_tenant(), "Harbour Florists")
    content = (b"InvoiceNo,Customer,InvoiceDate,ItemQuantity,ItemRate,ItemTaxCode,Customer name,Invoice number,"
               b"Line description\r\n1,Harbour Florists,31/03/2026,1,2,20.0% S,Harbour Florists,1,x\r\n")
    batch = open_batch(api, "invoices", [("mixed.csv", content)])
    upload_all(batch, [("mixed.csv", content)])
    (file,) = api.get(f"/uploads/{batch['id']}").body["files"]
    assert file["status"] == "failed" and file["reason"].startswith(
        "The header row mixes the QuickBooks Online layout and the Clear Books layout")
    assert api.get("/invoices").body["data"] == []


def test_the_same_files_uploaded_as_credit_notes_take_their_credit_notes(new_tenant):
    api = new_tenant()
    customer = api.post("/customers", {"name": "Harbour Florists"}).body
    assert api.call("PATCH", "/tenant", {"accounting_mapping": {
        "customers": {"sage50": {customer["id"]: "MULLER01"}}}}).status == 200
    uploaded(api, "sage50_audit_trail.csv")
    uploaded(api, "clearbooks_invoices.csv")
    for name, number, invoice, line in (("sage50_audit_trail.csv", "SC-2001", "SI-1001", ("Refund", "10.00", "2.00")),
                                        ("clearbooks_invoices.csv", "CB-0002", "CB-0001",
                                         ("Returned wreath", "30.00", "6.00"))):
        file, rows = uploaded(api, name, "credit_notes")
        (made,) = [r for r in rows.values() if r["status"] == "imported"]
        assert made["number"] == number and {r["status"] for r in rows.values()} == {"imported", "skipped"}
        note = api.get(f"/credit-notes/{made['id']}").body
        assert note["invoice_number"] == invoice and note["customer_id"] == customer["id"]
        assert [(l["description"], l["net"], l["vat"]) for l in note["lines"]] == [line]
        assert note["reason"].endswith("file, which names no reason")


def test_a_xero_contacts_file_becomes_customers(new_tenant):
    api = new_tenant()
    content = (FIXTURES / "xero_contacts.csv").read_bytes()
    batch = open_batch(api, "customers", [("contacts.csv", content)])
    upload_all(batch, [("contacts.csv", content)])
    (file,) = api.get(f"/uploads/{batch['id']}").body["files"]
    assert file["counts"] == {"rows": 3, "imported": 2, "rejected": 1, "skipped": 0, "duplicates": 0}
    (refused,) = [r for r in fetch_report(file["report"]["json"])["rows"] if r["status"] == "rejected"]
    assert refused["line"] == 4 and refused["column"] == "TaxNumber"
    made = {c["name"]: c for c in api.get("/customers").body["data"]}
    assert sorted(made) == ["Bright Bakery", "Harbour Florists"]
    harbour = made["Harbour Florists"]
    assert {k: harbour.get(k) for k in ("company", "contact_name", "emails", "phone", "vat_number")} == {
        "company": "Harbour Florists Ltd", "contact_name": "Ann Quay", "emails": ["accounts@harbour.example"],
        "phone": "+44 117 496 0000", "vat_number": "GB980780684"}
    assert harbour["billing_address"] == {"line1": "1 Quay Street", "line2": "Unit 4, Dock Yard", "city": "Bristol",
                                          "postal_code": "BS1 4DJ", "country": "GB"}
    assert harbour["shipping_address"] == {"line1": "2 Dock Road", "city": "Bristol", "postal_code": "BS1 5AA",
                                           "country": "GB"}


def test_a_quickbooks_customer_list_becomes_customers(new_tenant):
    api = new_tenant()
    content = (FIXTURES / "quickbooks_customers.csv").read_bytes()
    batch = open_batch(api, "customers", [("customers.csv", content)])
    upload_all(batch, [("customers.csv", content)])
    (file,) = api.get(f"/uploads/{batch['id']}").body["files"]
    assert file["counts"] == {"rows": 3, "imported": 2, "rejected": 1, "skipped": 0, "duplicates": 0}
    (refused,) = [r for r in fetch_report(file["report"]["json"])["rows"] if r["status"] == "rejected"]
    assert refused["line"] == 4 and refused["column"] == "Email"
    made = {c["name"]: c for c in api.get("/customers").body["data"]}
    assert sorted(made) == ["Ann Quay", "Bright Bakery"]
    ann = made["Ann Quay"]
    assert (ann["company"], ann["emails"], ann["phone"]) == ("Harbour Florists Ltd", ["accounts@harbour.example"],
                                                             "0117 496 0000")
    assert ann["billing_address"] == {"line1": "1 Quay Street", "city": "Bristol", "region": "Avon",
                                      "postal_code": "BS1 4DJ", "country": "GB"}


def test_one_unmapped_tax_code_refuses_its_whole_document_and_makes_no_customer(new_tenant):
    # Clear Books' layout; 0.175 (the 17.5% rate of 2008-2011) is no default Clear Books code.
    api = new_tenant()
    content = (FIXTURES / "clearbooks_invoices.csv").read_bytes().replace(b"Children's clothing,1,15.00,15.00,0,",
                                                                          b"Children's clothing,1,15.00,15.00,0.175,")
    batch = open_batch(api, "invoices", [("cb.csv", content)], customers="create")
    upload_all(batch, [("cb.csv", content)])
    (file,) = api.get(f"/uploads/{batch['id']}").body["files"]
    rows = {r["line"]: r for r in fetch_report(file["report"]["json"])["rows"]}
    assert rows[3]["column"] == "Line VAT rate" and "Clear Books tax codes" in rows[3]["reason"]
    assert rows[2]["reason"] == "not imported: line 3 of the same document was refused"
    assert api.get("/invoices").body["data"] == [] and api.get("/customers").body["data"] == []


def test_a_xero_file_keeps_the_vat_xero_charged_per_line(new_tenant):
    # Xero's template (TaxAmount is Xero's own column): three stems of 0.33 at 20%, 0.066 VAT each,
    # which Xero rounded per line to 0.07 (0.21); this tenant rounds per invoice (0.198 -> 0.20).
    from tests.api.test_uploads_new_customers import line, xero_file

    api = with_customer(new_tenant(), "Harbour Florists")
    stems = [line("Harbour Florists", "INV-0007", f"Stem {n}", Quantity="1", UnitAmount="0.33", TaxAmount="0.07")
             for n in range(3)]
    content = xero_file(*stems)
    batch = open_batch(api, "invoices", [("xero.csv", content)])
    upload_all(batch, [("xero.csv", content)])
    invoice = invoices_by_number(api)["INV-0007"]
    assert invoice["rounding"]["vat_level"] == "invoice"
    assert [l["vat"] for l in invoice["lines"]] == ["0.07"] * 3
    assert (invoice["totals"]["net"], invoice["totals"]["vat"], invoice["totals"]["gross"]) == ("0.99", "0.21", "1.20")
