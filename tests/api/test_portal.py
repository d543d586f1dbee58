"""The customer portal over the API test client: links, pages, safety, estimate answers."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from chalicelib.store.diagnostics import count_dynamodb_calls
from tests.support.portal import (csrf_of, draft_estimate, emailed_link, issued_invoice, path_of,
                                  seller)

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def shop(tenant):
    return seller(tenant)


def pounds(amount):
    """en-GB reading of an exact amount, derived here from the number, not from our formatter."""
    value = Decimal(amount)
    return f"{'-' if value < 0 else ''}£{abs(value):,.2f}"


def test_an_emailed_invoice_link_shows_the_invoice_as_the_api_does(shop):
    invoice = issued_invoice(shop)
    url = emailed_link(shop, f"/invoices/{invoice['id']}/send")
    token = path_of(url).rsplit("/", 1)[1]
    assert len(token.rsplit(".", 1)[1]) == 32  # 192 bits of secret
    page = shop.client.http.get(path_of(url))
    assert page.status_code == 200
    html = page.body.decode()
    api = shop.get(f"/invoices/{invoice['id']}").body
    for amount in (api["totals"]["net"], api["totals"]["vat"], api["totals"]["gross"], api["outstanding"]):
        assert pounds(amount) in html
    # 3 x 1,234.50 = 3,703.50, + 20% VAT 740.70, + 10.01 zero-rated
    assert pounds(api["totals"]["gross"]) == "£4,454.21"
    assert api["number"] in html and "12345678" in html and "Portal Supplies Ltd" in html
    assert date.fromisoformat(api["due_date"]).strftime("%-d %b %Y") in html
    history = shop.get(f"/invoices/{invoice['id']}/history").body["data"]
    assert history[0]["action"] == "portal_viewed" and history[0]["actor"].startswith("portal:pl_")


def test_every_value_is_escaped_and_the_headers_forbid_scripts_frames_and_referrers(shop):
    invoice = issued_invoice(shop)
    page = shop.client.http.get(path_of(emailed_link(shop, f"/invoices/{invoice['id']}/send")))
    html = page.body.decode()
    assert "<script" not in html and "<b>day" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Sons&quot;" in html
    assert "Consulting &lt;b&gt;day&lt;/b&gt;" in html
    headers = {k.lower(): v for k, v in page.headers.items()}
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert "script-src" not in csp  # nothing may run
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert "http://" not in html and "https://" not in html  # no outside asset


def test_unknown_revoked_and_expired_links_get_the_same_neutral_page(shop, monkeypatch):
    invoice = issued_invoice(shop)
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {"document_id": invoice["id"], "valid_days": 1})
    assert made.status == 201, made.body
    assert made.body["expires_at"][:10] == (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    working = path_of(made.body["url"])
    assert shop.client.http.get(working).status_code == 200
    token = working.rsplit("/", 1)[1]
    unknown = working[:-4] + ("AAAA" if not working.endswith("AAAA") else "BBBB")
    answers = [shop.client.http.get(unknown), shop.client.http.get("/portal/nonsense"),
               shop.client.http.get(f"/portal/{token}/documents/inv_0000000000000000")]

    from chalicelib.services import portal_links
    later = datetime.now(timezone.utc) + timedelta(days=1, minutes=1)
    monkeypatch.setattr(portal_links, "now", lambda: later)
    answers.append(shop.client.http.get(working))  # expired
    monkeypatch.undo()
    assert shop.client.http.get(working).status_code == 200
    revoked = shop.delete(f"/customers/{shop.customer['id']}/portal-links/{made.body['id']}")
    assert revoked.status == 200 and revoked.body["status"] == "revoked"
    assert shop.delete(f"/customers/{shop.customer['id']}/portal-links/{made.body['id']}").status == 200
    answers.append(shop.client.http.get(working))
    assert {a.status_code for a in answers} == {404}
    assert len({a.body for a in answers}) == 1


def test_a_link_of_one_customer_shows_no_other_customers_document(shop):
    mine = issued_invoice(shop)
    shop.customer = shop.post("/customers", {"name": "Other"}).body
    other = issued_invoice(shop)
    made = shop.post(f"/customers/{mine['customer_id']}/portal-links", {}).body
    token = path_of(made["url"]).rsplit("/", 1)[1]
    assert shop.client.http.get(f"/portal/{token}/documents/{mine['id']}").status_code == 200
    assert shop.client.http.get(f"/portal/{token}/documents/{other['id']}").status_code == 404
    refused = shop.post(f"/customers/{mine['customer_id']}/portal-links", {"document_id": other["id"]})
    assert refused.status == 400 and refused.error_fields == ["document_id"]


def test_an_estimate_is_accepted_once_with_a_csrf_token_bound_to_its_page(shop):
    estimate = draft_estimate(shop, expiry=(date.today() + timedelta(days=30)).isoformat())
    page_path = path_of(emailed_link(shop, f"/estimates/{estimate['id']}/send"))
    page = shop.client.http.get(page_path).body.decode()
    csrf = csrf_of(page)
    action = f"{page_path}/documents/{estimate['id']}/accept"
    post = lambda body, **headers: shop.client.http.post(action, headers={**FORM, **headers}, body=body)  # noqa
    assert post(b"name=Ann").status_code == 403  # no token
    assert post(f"name=Ann&csrf={'0' * 64}".encode()).status_code == 403
    assert post(f"name=Ann&csrf={csrf}".encode(), **{"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert shop.get(f"/estimates/{estimate['id']}").body["status"] == "sent"
    assert post(f"csrf={csrf}&name=".encode()).status_code == 400  # a name is needed
    accepted = post(f"csrf={csrf}&name=Ann+Buyer&comment=Go+ahead".encode())
    assert accepted.status_code == 303
    shown = shop.get(f"/estimates/{estimate['id']}").body
    assert (shown["status"], shown["accepted_by"], shown["accepted_comment"]) == ("accepted", "Ann Buyer", "Go ahead")
    assert post(f"csrf={csrf}&name=Ann+Buyer".encode()).status_code == 303  # again: nothing changes
    assert shop.get(f"/estimates/{estimate['id']}").body["accepted_at"] == shown["accepted_at"]
    declined = shop.client.http.post(action.replace("/accept", "/decline"), headers=FORM,
                                     body=f"csrf={csrf}&reason=Changed+mind".encode())
    assert declined.status_code == 409 and "already been accepted" in declined.body.decode()
    history = shop.get(f"/estimates/{estimate['id']}/history").body["data"]
    assert [h["action"] for h in history if h["action"] == "accepted"] == ["accepted"]
    assert next(h for h in history if h["action"] == "accepted")["actor"].startswith("portal:pl_")
    converted = shop.post(f"/estimates/{estimate['id']}/convert", {})
    assert converted.status == 201
    assert post(f"csrf={csrf}&name=Ann".encode()).status_code == 409  # invoiced


def test_a_declined_estimate_records_the_reason_and_an_expired_one_refuses_answers(shop):
    estimate = draft_estimate(shop)
    page_path = path_of(emailed_link(shop, f"/estimates/{estimate['id']}/send"))
    csrf = csrf_of(shop.client.http.get(page_path).body.decode())
    declined = shop.client.http.post(f"{page_path}/documents/{estimate['id']}/decline", headers=FORM,
                                     body=f"csrf={csrf}&reason=Too+dear".encode())
    assert declined.status_code == 303
    shown = shop.get(f"/estimates/{estimate['id']}").body
    assert (shown["status"], shown["decline_reason"]) == ("declined", "Too dear")

    old = draft_estimate(shop, issue_date=(date.today() - timedelta(days=40)).isoformat(),
                         expiry=(date.today() - timedelta(days=10)).isoformat())
    old_path = path_of(emailed_link(shop, f"/estimates/{old['id']}/send"))
    old_page = shop.client.http.get(old_path).body.decode()
    assert 'name="csrf"' not in old_page and "expired" in old_page
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {"document_id": estimate["id"]}).body
    assert made["document_kind"] == "ESTIMATE"


def test_the_customer_link_lists_issued_documents_with_the_balance_the_api_gives(shop):
    first, second = issued_invoice(shop), issued_invoice(shop, price="5")
    shop.post("/invoices", {"customer_id": shop.customer["id"],
                            "lines": [{"description": "draft", "quantity": "1", "unit_price": "1"}]})
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {})
    assert made.status == 201 and made.body["document_id"] is None
    page = shop.client.http.get(path_of(made.body["url"]))
    html = page.body.decode()
    assert page.status_code == 200 and first["number"] in html and second["number"] in html
    assert html.count("/documents/inv_") == 2  # the draft is not listed
    balance = shop.get(f"/customers/{shop.customer['id']}").body["balances"][0]["owed"]
    assert pounds(balance) in html
    paid_only = shop.client.http.get(path_of(made.body["url"]) + "?status=paid").body.decode()
    assert first["number"] not in paid_only
    history = shop.get(f"/customers/{shop.customer['id']}/history").body["data"]
    assert history[0]["action"] == "portal_viewed"


def test_a_page_costs_two_dynamodb_calls_when_warm(shop):
    invoice = issued_invoice(shop)
    path = path_of(emailed_link(shop, f"/invoices/{invoice['id']}/send"))
    shop.client.http.get(path)
    with count_dynamodb_calls() as calls:
        assert shop.client.http.get(path).status_code == 200
    assert dict(calls) == {"TransactGetItems": 1, "PutItem": 1}  # token + document; the view's history


def test_too_many_unknown_tokens_from_one_address_are_refused_for_a_while(shop):
    invoice = issued_invoice(shop)
    working = path_of(emailed_link(shop, f"/invoices/{invoice['id']}/send"))
    for n in range(30):
        assert shop.client.http.get(f"/portal/guess{n}").status_code == 404
    assert shop.client.http.get(working).status_code == 429


def test_the_tenant_is_emailed_the_answer_once_and_the_customer_link_gives_the_statement(shop):
    from tests.support.mail import mails_to

    owner = f"owner-{shop.tenant_id}@supplier.example"  # the mail folder is the whole session's
    assert shop.patch("/tenant", {"email": owner}).status == 200
    estimate = draft_estimate(shop)
    page_path = path_of(emailed_link(shop, f"/estimates/{estimate['id']}/send"))
    csrf = csrf_of(shop.client.http.get(page_path).body.decode())
    accept = f"{page_path}/documents/{estimate['id']}/accept"
    for _ in range(2):
        shop.client.http.post(accept, headers=FORM, body=f"csrf={csrf}&name=Ann&comment=Yes".encode())
    number = shop.get(f"/estimates/{estimate['id']}").body["number"]
    told = mails_to(owner)
    assert len(told) == 1 and told[0]["Subject"].startswith(f"Estimate {number} accepted by")
    assert "Comment: Yes" in told[0].get_body(("plain",)).get_content()

    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {}).body
    statement = shop.client.http.get(path_of(made["url"]) + "/statement/pdf")
    assert statement.status_code == 303 and ".pdf" in statement.headers["Location"]
    assert shop.client.http.get(page_path + "/statement").status_code == 404  # a document's link has none


def test_the_pages_carry_the_tenants_logo_inline(shop):
    import base64
    import re
    from io import BytesIO

    from PIL import Image

    image = BytesIO()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(image, "PNG")
    assert shop.call("PUT", "/tenant/logo", {"content_base64": base64.b64encode(image.getvalue()).decode()}).status == 200
    invoice = issued_invoice(shop)
    html = shop.client.http.get(path_of(emailed_link(shop, f"/invoices/{invoice['id']}/send"))).body.decode()
    shown = re.search(r'<img class="logo" src="data:image/png;base64,([^"]+)" alt="Portal Supplies Ltd">', html)
    assert shown and base64.b64decode(shown.group(1)) == image.getvalue()


def test_without_a_portal_url_emails_carry_no_link_and_the_api_answers_its_path(shop, monkeypatch):
    from tests.support.portal import read_mail

    monkeypatch.delenv("INVOICING_PORTAL_URL")
    invoice = issued_invoice(shop)
    sent = shop.post(f"/invoices/{invoice['id']}/send", {})
    text = read_mail(sent.body["last_emailed"]["message_id"]).get_body(("plain",)).get_content()
    assert "/portal/" not in text and "127.0.0.1" not in text
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {})
    assert made.status == 201 and made.body["url"].startswith("/portal/")


def test_each_download_is_recorded_in_the_documents_history_with_its_link_and_file(shop):
    # Peppol's UBL wants the seller's VAT number and the buyer's electronic address (from its VAT number)
    assert shop.patch("/tenant", {"vat_number": "GB980780684"}).status == 200
    assert shop.patch(f"/customers/{shop.customer['id']}", {"vat_number": "GB123456789"}).status == 200
    invoice = issued_invoice(shop)
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {}).body
    page = path_of(made["url"])
    for file in ("pdf", "ubl"):
        download = shop.client.http.get(f"{page}/documents/{invoice['id']}/{file}")
        assert download.status_code == 303 and f".{'xml' if file == 'ubl' else 'pdf'}" in download.headers["Location"]
    assert shop.client.http.get(f"{page}/statement/pdf").status_code == 303

    history = shop.get(f"/invoices/{invoice['id']}/history").body["data"]
    downloads = [h for h in history if h["action"] == "portal_downloaded"]
    assert [h["changes"]["downloaded"]["after"]["file"] for h in downloads] == ["ubl", "pdf"]  # newest first
    for entry in downloads:
        assert entry["actor"] == f"portal:{made['id']}"
        assert entry["changes"]["downloaded"]["after"]["link_id"] == made["id"]
    customer = shop.get(f"/customers/{shop.customer['id']}/history").body["data"]
    assert customer[0]["action"] == "portal_downloaded"
    assert customer[0]["changes"]["downloaded"]["after"] == {"at": customer[0]["at"], "link_id": made["id"],
                                                             "file": "statement"}


def test_the_customer_link_shows_the_statement_the_api_gives_as_a_page(shop):
    first, second = issued_invoice(shop), issued_invoice(shop, price="5")
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {}).body
    page_path = path_of(made["url"])
    assert 'href="' + page_path.rsplit("/", 1)[1] + '/statement"' in shop.client.http.get(page_path).body.decode()
    page = shop.client.http.get(page_path + "/statement")
    assert page.status_code == 200
    html = page.body.decode()
    api = shop.get(f"/customers/{shop.customer['id']}/statement").body
    assert [line["invoice_number"] for line in api["lines"]] == [first["number"], second["number"]]
    rows = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("</tr>")
    for line, row in zip(api["lines"], rows[1:]):  # after the opening balance
        assert line["invoice_number"] in row and pounds(line["amount"]) in row and pounds(line["balance"]) in row
    # 4,454.21 + (3 x 5 + 20% VAT + 10.01 = 28.01)
    assert pounds(api["closing_balance"]) == "£4,482.22" and pounds(api["closing_balance"]) in rows[-2]
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;Sons&quot;" in html and "<script" not in html
    assert 'href="statement/pdf"' in html and "Over 90 days" in html
    pdf = shop.client.http.get(page_path + "/statement/pdf")
    assert pdf.status_code == 303 and ".pdf" in pdf.headers["Location"]
    assert shop.get(f"/customers/{shop.customer['id']}/history").body["data"][0]["action"] == "portal_downloaded"


def test_an_e_invoice_the_details_cannot_make_is_a_clear_page_not_an_error(shop):
    invoice = issued_invoice(shop)  # the seller has no VAT number: no Peppol identifier
    assert shop.get(f"/invoices/{invoice['id']}/ubl").status == 409
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {}).body
    download = shop.client.http.get(f"{path_of(made['url'])}/documents/{invoice['id']}/ubl")
    assert download.status_code == 409 and "No e-invoice for this document yet" in download.body.decode()
    history = shop.get(f"/invoices/{invoice['id']}/history").body["data"]
    assert not [h for h in history if h["action"] == "portal_downloaded"]


def test_a_line_shows_the_days_it_bills_as_on_the_pdf(shop):
    draft = shop.post("/invoices", {"customer_id": shop.customer["id"], "lines": [
        {"description": "Support", "quantity": "1", "unit_price": "100.00",
         "period": {"start": "2026-03-01", "end": "2026-03-31"}},
        {"description": "Call-out, 20 Mar 2026", "quantity": "1", "unit_price": "50.00",
         "period": {"start": "2026-03-20", "end": "2026-03-20"}}]}).body
    invoice = shop.post(f"/invoices/{draft['id']}/issue", {}).body
    html = shop.client.http.get(path_of(emailed_link(shop, f"/invoices/{invoice['id']}/send"))).body.decode()
    assert html.count("1 Mar 2026 – 31 Mar 2026") == 1
    assert html.count("20 Mar 2026") == 1  # the second line's description names its day already
