"""Customer and product lists of Sage 50, Clear Books, FreshBooks, QuickBooks Online and Xero,
uploaded as they are. The files (tests/fixtures/imports, README there) follow each vendor's
published import format; what each row should become is worked out by hand from those formats
(Sage's Address 1-5 as street, street, town, county, post code; Sage's blank Tax Code as T0;
each system's default UK tax codes), not from our exporters.
"""
from tests.api.test_uploads import open_batch, upload_all
from tests.api.test_uploads_vendor_formats import FIXTURES, uploaded
from tests.support.uploads import fetch_report

STANDARD, ZERO = ("standard", "20"), ("zero", "0")


def customers_by_name(api):
    return {c["name"]: api.get(f"/customers/{c['id']}").body for c in api.get("/customers?limit=100").body["data"]}


def products_by_code(api):
    return {p["code"]: p for p in api.get("/products?limit=100").body["data"]}


def refused(rows):
    return {line: (r.get("column"), r["reason"]) for line, r in rows.items() if r["status"] == "rejected"}


def test_sage_50_customer_records_in_windows_1252(new_tenant):
    api = new_tenant()
    file, rows = uploaded(api, "sage50_customers.csv", "customers")
    assert file["encoding"] == "cp1252" and file["counts"]["imported"] == 3
    assert list(refused(rows)) == [4] and refused(rows)[4][0] == "Payment Due Days"
    made = customers_by_name(api)
    assert sorted(made) == ["Café Rouge", "Harbour Florists Ltd", "Müller GmbH"]
    harbour = made["Harbour Florists Ltd"]
    assert {k: harbour.get(k) for k in ("contact_name", "phone", "vat_number", "emails", "payment_terms_days")} == {
        "contact_name": "Ann Quay", "phone": "0117 496 0000", "vat_number": "GB980780684",
        "emails": ["accounts@harbour.example"], "payment_terms_days": 30}
    assert harbour["billing_address"] == {"line1": "1 Quay Street", "line2": "Unit 4", "city": "Bristol",
                                          "region": "Avon", "postal_code": "BS1 4DJ"}
    assert made["Café Rouge"]["contact_name"] == "Zoë Brûlé" and made["Café Rouge"]["payment_terms_days"] == 14


def test_clear_books_customers(new_tenant):
    api = new_tenant()
    file, rows = uploaded(api, "clearbooks_customers.csv", "customers")
    assert file["counts"]["imported"] == 2 and list(refused(rows)) == [4] and refused(rows)[4][0] == "VAT number"
    made = customers_by_name(api)
    assert made["Harbour Florists"]["billing_address"] == {
        "line1": "Harbour House", "line2": "1 Quay Street", "city": "Bristol", "region": "Avon",
        "postal_code": "BS1 4DJ", "country": "GB"}
    assert (made["Harbour Florists"]["contact_name"], made["Harbour Florists"]["phone"]) == ("Ann Quay",
                                                                                             "0117 496 0000")
    assert made["Bright Bakery"]["billing_address"] == {"line1": "2 Mill Lane", "city": "Leeds",
                                                        "postal_code": "LS1 1AA", "country": "GB"}


def test_freshbooks_clients_take_the_company_or_the_persons_name(new_tenant):
    api = new_tenant()
    file, rows = uploaded(api, "freshbooks_clients.csv", "customers")
    assert file["counts"]["imported"] == 2 and list(refused(rows)) == [4]
    assert refused(rows)[4] == ("Company Name", "is required")  # or First Name and Last Name
    made = customers_by_name(api)
    ann = made["Harbour Florists Ltd"]
    assert (ann["company"], ann["contact_name"], ann["emails"]) == ("Harbour Florists Ltd", "Ann Quay",
                                                                    ["accounts@harbour.example"])
    assert ann["billing_address"] == {"line1": "1 Quay Street", "line2": "Unit 4", "city": "Bristol",
                                      "region": "Avon", "postal_code": "BS1 4DJ", "country": "GB"}
    assert made["Sam Baker"]["contact_name"] == "Sam Baker"


def test_xero_items_first_code_wins_and_an_unmapped_rate_is_the_rows_reason(new_tenant):
    api = new_tenant()
    file, rows = uploaded(api, "xero_items.csv", "products")
    assert file["counts"] == {"rows": 4, "imported": 2, "rejected": 2, "skipped": 0, "duplicates": 0}
    made = products_by_code(api)
    assert refused(rows)[4] == ("*ItemCode", f"repeats the code of line 2 (imported as {made['BOUQ']['id']}): "
                                             "the first line wins")
    assert refused(rows)[5][0] == "SalesTaxRate" and "Xero tax codes" in refused(rows)[5][1]
    assert {code: (p["name"], p.get("description"), p["unit_price"], p["vat_category"], p["vat_rate"])
            for code, p in made.items()} == {
        "BOUQ": ("Bouquet", "Seasonal bouquet", "25.00", *STANDARD), "BOOK": ("BOOK", "Gift book", "7.99", *ZERO)}


def test_a_product_list_dropped_twice_makes_nothing_twice(new_tenant):
    api = new_tenant()
    uploaded(api, "xero_items.csv", "products")
    file, rows = uploaded(api, "xero_items.csv", "products")
    assert file["counts"]["imported"] == 0 and [n for n, r in rows.items() if r["status"] == "duplicate"] == [2, 3, 4]
    assert len(products_by_code(api)) == 2


def test_quickbooks_products_and_services(new_tenant):
    api = new_tenant()
    file, rows = uploaded(api, "quickbooks_products.csv", "products")
    assert file["counts"]["imported"] == 2 and list(refused(rows)) == [4]
    assert refused(rows)[4][0] == "Sales Tax Code" and "QuickBooks Online tax codes" in refused(rows)[4][1]
    made = products_by_code(api)
    assert (made["DEL-1"]["name"], made["DEL-1"]["unit_price"], made["DEL-1"]["vat_category"]) == (
        "Delivery", "4.00", "standard")
    assert (made["OIL-5"]["unit_price"], made["OIL-5"]["vat_category"], made["OIL-5"]["vat_rate"]) == (
        "0.4575", "reduced", "5")


def test_sage_50_product_records_blank_tax_code_is_t0(new_tenant):
    api = new_tenant()
    file, rows = uploaded(api, "sage50_products.csv", "products")
    assert file["encoding"] == "cp1252" and file["counts"]["imported"] == 2
    assert refused(rows)[4][0] == "Tax Code" and "Sage 50 tax codes" in refused(rows)[4][1]
    made = products_by_code(api)
    assert (made["ROSE-RED"]["name"], made["ROSE-RED"]["unit"], made["ROSE-RED"]["unit_price"],
            made["ROSE-RED"]["vat_category"]) == ("Red rose \u2013 single stem", "Each", "2.50", "standard")
    assert (made["CARD"]["vat_category"], made["CARD"]["vat_rate"]) == ZERO


def test_sage_invoices_find_the_customers_a_sage_customer_list_made_by_their_account_reference(new_tenant):
    api = new_tenant()
    uploaded(api, "sage50_customers.csv", "customers")
    muller = customers_by_name(api)["Müller GmbH"]
    file, rows = uploaded(api, "sage50_audit_trail.csv")  # its rows name the account MULLER01
    assert rows[2]["status"] == "imported", rows[2]
    assert api.get(f"/invoices/{rows[2]['id']}").body["customer_id"] == muller["id"]


def test_an_account_reference_another_customer_has_is_the_rows_reason(new_tenant):
    api = new_tenant()
    uploaded(api, "sage50_customers.csv", "customers")
    content = (FIXTURES / "sage50_customers.csv").read_bytes().replace("Müller GmbH".encode("cp1252"),
                                                                      b"Mueller Trading")
    batch = open_batch(api, "customers", [("again.csv", content)])
    upload_all(batch, [("again.csv", content)])
    (file,) = api.get(f"/uploads/{batch['id']}").body["files"]
    rows = {r["line"]: r for r in fetch_report(file["report"]["json"])["rows"]}
    assert (rows[5]["status"], rows[5]["column"], rows[5]["reason"]) == (
        "rejected", "Account Reference", "is the account reference of another customer")
    assert "Mueller Trading" not in customers_by_name(api)
