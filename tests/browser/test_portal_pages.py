"""The portal as a person sees it: links opened from the emailed .eml in Chromium, 360 px wide."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.browser.conftest import AXE
from tests.support.portal import HOSTILE_NAME, draft_estimate, emailed_link, issued_invoice, seller

SERIOUS = ("serious", "critical")


@pytest.fixture
def shop(tenant, served, monkeypatch):
    monkeypatch.setenv("INVOICING_PORTAL_URL", served)  # the emailed links point at the served app
    from chalicelib.api.portal_guard import FAILED_LOOKUPS

    FAILED_LOOKUPS.clear()
    return seller(tenant)


def pounds(amount):
    value = Decimal(amount)
    return f"{'-' if value < 0 else ''}£{abs(value):,.2f}"


def axe_violations(browser, url):
    """axe-core's serious and critical findings on the page (its script let in past our CSP)."""
    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)
    page = context.new_page()
    page.goto(url)
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("async () => (await axe.run(document)).violations")
    context.close()
    return [(v["id"], v["impact"], v["help"]) for v in found if v["impact"] in SERIOUS]


def fits_the_width(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def test_an_emailed_invoice_reads_as_the_api_says_and_downloads_its_pdf(shop, phone, browser, artefacts):
    invoice = issued_invoice(shop)
    url = emailed_link(shop, f"/invoices/{invoice['id']}/send")
    api = shop.get(f"/invoices/{invoice['id']}").body
    dialogs = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    blocked = []
    phone.on("console", lambda message: blocked.append(message.text) if "Content Security" in message.text else None)
    answer = phone.goto(url)
    assert answer.status == 200
    for name in ("net", "vat", "gross", "outstanding"):
        shown = phone.locator(f"[data-total={name}]").inner_text()
        assert shown == pounds(api["outstanding"] if name == "outstanding" else api["totals"][name])
    assert phone.get_by_text(HOSTILE_NAME).count() == 1 and not dialogs  # shown as text, never run
    assert phone.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(244, 245, 247)"
    assert not blocked  # the one style is allowed by its hash; nothing else was tried
    assert fits_the_width(phone)
    phone.screenshot(path=str(artefacts / "invoice.png"), full_page=True)
    pdf_href = phone.get_by_role("link", name="Download PDF").get_attribute("href")
    pdf = phone.request.get(phone.url.rsplit("/", 1)[0] + "/" + pdf_href)
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert axe_violations(browser, url) == []


def test_a_customer_accepts_an_estimate_once_in_the_browser(shop, phone, browser, artefacts):
    estimate = draft_estimate(shop, expiry=(date.today() + timedelta(days=30)).isoformat())
    url = emailed_link(shop, f"/estimates/{estimate['id']}/send")
    phone.goto(url)
    assert phone.locator("[data-total=gross]").inner_text() == pounds(
        shop.get(f"/estimates/{estimate['id']}").body["totals"]["gross"])
    assert axe_violations(browser, url) == []
    phone.screenshot(path=str(artefacts / "estimate.png"), full_page=True)
    phone.get_by_label("Your name").fill("Ann Buyer")
    phone.get_by_label("Comment (optional)").fill("Please start in May")
    phone.get_by_role("button", name="Accept estimate").click()
    phone.wait_for_load_state()
    assert "Accepted on" in phone.locator("main").inner_text()
    assert phone.get_by_role("button", name="Accept estimate").count() == 0
    phone.screenshot(path=str(artefacts / "estimate-accepted.png"), full_page=True)
    shown = shop.get(f"/estimates/{estimate['id']}").body
    assert (shown["status"], shown["accepted_by"]) == ("accepted", "Ann Buyer")


def test_the_customer_list_then_a_revoked_and_an_expired_link(shop, phone, browser, artefacts):
    issued_invoice(shop)
    made = shop.post(f"/customers/{shop.customer['id']}/portal-links", {}).body
    phone.goto(made["url"])
    balance = shop.get(f"/customers/{shop.customer['id']}").body["balances"][0]["owed"]
    assert phone.locator("[data-total=balance]").inner_text() == pounds(balance)
    assert fits_the_width(phone)
    phone.screenshot(path=str(artefacts / "documents.png"), full_page=True)
    assert axe_violations(browser, made["url"]) == []
    phone.get_by_role("link", name="Your statement").click()
    statement = shop.get(f"/customers/{shop.customer['id']}/statement").body
    assert phone.locator("h1").inner_text() == "Statement"
    assert pounds(statement["closing_balance"]) in phone.get_by_role("region", name="Transactions").locator("tr").last.inner_text()
    assert fits_the_width(phone) and axe_violations(browser, phone.url) == []
    phone.screenshot(path=str(artefacts / "statement.png"), full_page=True)
    pdf = phone.request.get(phone.url + "/pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    phone.get_by_role("link", name="All your documents").click()
    phone.get_by_role("link", name="Invoice INV-").first.click()
    assert phone.locator("h1").inner_text().startswith("Invoice INV-")

    shop.delete(f"/customers/{shop.customer['id']}/portal-links/{made['id']}")
    answer = phone.goto(made["url"])
    assert answer.status == 404 and "This link does not work" in phone.locator("main").inner_text()
    phone.screenshot(path=str(artefacts / "unavailable.png"), full_page=True)
    expired = shop.post(f"/customers/{shop.customer['id']}/portal-links", {"valid_days": 1}).body
    from chalicelib.services import portal_links

    later = portal_links.now() + timedelta(days=2)
    original, portal_links.now = portal_links.now, lambda: later
    try:
        answer = phone.goto(expired["url"])
    finally:
        portal_links.now = original
    assert answer.status == 404 and "This link does not work" in phone.locator("main").inner_text()
    assert json.dumps(axe_violations(browser, made["url"])) == "[]"
