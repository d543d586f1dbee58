"""Portal tests' helpers: a seller with a customer and documents, links read from the sent emails."""
import email
import os
import re
from email import policy
from pathlib import Path
from urllib.parse import urlsplit

HOSTILE_NAME = "<script>alert('x')</script> & \"Sons\""
LINK = re.compile(r"View (?:it|your documents) online: (\S+)")


def seller(api):
    settings = {"legal_name": "Portal Supplies Ltd", "email": "billing@supplier.example",
                "payment_details": {"account_name": "Portal Supplies", "sort_code": "12-34-56",
                                    "account_number": "12345678"}}
    assert api.patch("/tenant", settings).status == 200
    api.customer = api.post("/customers", {"name": HOSTILE_NAME, "emails": ["ap@buyer.example"]}).body
    return api


def issued_invoice(api, price="1234.50", quantity="3"):
    draft = api.post("/invoices", {"customer_id": api.customer["id"], "lines": [
        {"description": "Consulting <b>day</b>", "quantity": quantity, "unit_price": price},
        {"description": "Travel", "quantity": "1", "unit_price": "10.01", "vat_category": "zero", "vat_rate": "0"}]})
    assert draft.status == 201, draft.body
    return api.post(f"/invoices/{draft.body['id']}/issue", {}).body


def draft_estimate(api, expiry=None, issue_date=None):
    body = {"customer_id": api.customer["id"], "lines": [{"description": "Website", "quantity": "1",
                                                          "unit_price": "999.99"}]}
    body.update({k: v for k, v in (("expiry_date", expiry), ("issue_date", issue_date)) if v})
    draft = api.post("/estimates", body).body
    return draft


def emailed_link(api, path, body=None):
    """Send the document (POST .../send) and return the portal link its email carries."""
    sent = api.post(path, body or {})
    assert sent.status == 200, sent.body
    message_id = sent.body.get("last_emailed", {}).get("message_id") or sent.body.get("message_id")
    mail = read_mail(message_id)
    found = LINK.search(mail.get_body(("plain",)).get_content())
    assert found, "the email carries a portal link"
    return found.group(1)


def read_mail(message_id):
    path = Path(os.environ["INVOICING_MAIL_DIR"]) / f"{message_id}.eml"
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def path_of(url):
    return urlsplit(url).path


def csrf_of(page):
    return re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
