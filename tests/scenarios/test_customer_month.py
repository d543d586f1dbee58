"""A month of one customer's account, checked line by line against amounts worked out by hand.

March 2026, GBP, VAT 20% rounded per invoice:
  02 Mar  INV-0001  2 x 150.00          net 300.00  VAT 60.00   gross 360.00
  05 Mar  INV-0002  1 x 80.00           net  80.00  VAT 16.00   gross  96.00
  09 Mar  INV-0003  3 x 45.50           net 136.50  VAT 27.30   gross 163.80
  10 Mar  payment 200.00, all to INV-0001                       (INV-0001 owes 160.00)
  16 Mar  payment 300.00: 160.00 to INV-0001, 96.00 to INV-0002 (an overpayment: 44.00 credit)
  18 Mar  CN-0001 against INV-0003 for 60.00 gross             net  50.00  VAT 10.00
  20 Mar  INV-0004  1 x 25.00           net  25.00  VAT  5.00   gross  30.00
  25 Mar  refund 24.00 of the overpayment                       (credit 20.00 left)
  later   CN-0001: 40.00 to INV-0003 and 20.00 to INV-0004; 10.00 of the credit to INV-0004
Invoiced 649.80 - paid 500.00 - credited 60.00 + refunded 24.00 = balance 113.80:
INV-0003 still owes 123.80 and 10.00 of credit is left.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.api import Api, gateway_client


def test_a_month_of_invoices_payments_credit_and_a_refund(local_aws, monkeypatch):
    from app import app

    with gateway_client(app) as client:
        admin = Api(client, local_aws["INVOICING_ADMIN_KEY"])
        tenant = admin.post("/tenants", {"legal_name": "Scenario Ltd"}).body
        api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
        customer = run_month(api)
        age_as_at_chosen_days(api, customer, monkeypatch)


def issue(api, customer, day, quantity, price):
    draft = api.post("/invoices", {"customer_id": customer, "issue_date": day,
                                   "lines": [{"description": "Work", "quantity": quantity, "unit_price": price}]})
    invoice = api.post(f"/invoices/{draft.body['id']}/issue", {}).body
    return invoice


def run_month(api):
    customer = api.post("/customers", {"name": "Month Ltd", "payment_terms_days": 30}).body["id"]
    inv1 = issue(api, customer, "2026-03-02", "2", "150.00")
    inv2 = issue(api, customer, "2026-03-05", "1", "80.00")
    inv3 = issue(api, customer, "2026-03-09", "3", "45.50")
    assert [i["totals"]["gross"] for i in (inv1, inv2, inv3)] == ["360.00", "96.00", "163.80"]

    api.post("/payments", {"customer_id": customer, "amount": "200.00", "date": "2026-03-10",
                           "allocations": [{"invoice_id": inv1["id"], "amount": "200.00"}]})
    assert api.get(f"/invoices/{inv1['id']}").body["outstanding"] == "160.00"
    over = api.post("/payments", {"customer_id": customer, "amount": "300.00", "date": "2026-03-16",
                                  "allocations": [{"invoice_id": inv1["id"], "amount": "160.00"},
                                                  {"invoice_id": inv2["id"], "amount": "96.00"}]}).body
    assert over["unallocated"] == "44.00"

    note = api.post(f"/invoices/{inv3['id']}/credit-notes", {"reason": "Late delivery", "amount": "60.00"}).body
    note = api.post(f"/credit-notes/{note['id']}/issue", {"issue_date": "2026-03-18"}).body
    assert (note["number"], note["totals"]["net"], note["totals"]["vat"]) == ("CN-0001", "50.00", "10.00")
    inv4 = issue(api, customer, "2026-03-20", "1", "25.00")
    refund = api.post(f"/payments/{over['id']}/refunds", {"amount": "24.00", "date": "2026-03-25"})
    assert refund.body["unallocated"] == "20.00"
    split = api.post(f"/credit-notes/{note['id']}/allocations", {"allocations": [
        {"invoice_id": inv3["id"], "amount": "40.00"}, {"invoice_id": inv4["id"], "amount": "20.00"}]})
    assert split.body["credit_left"] == "0.00"
    api.post(f"/payments/{over['id']}/allocations", {"allocations": [{"invoice_id": inv4["id"], "amount": "10.00"}]})

    statuses = {i["number"]: (api.get(f"/invoices/{i['id']}").body["status"],
                              api.get(f"/invoices/{i['id']}").body["outstanding"]) for i in (inv1, inv2, inv3, inv4)}
    assert statuses == {"INV-0001": ("paid", "0.00"), "INV-0002": ("paid", "0.00"),
                        "INV-0003": ("partially_paid", "123.80"), "INV-0004": ("paid", "0.00")}

    account = api.get(f"/customers/{customer}").body["balances"]
    assert account == [{"currency": "GBP", "owed": "123.80", "overdue": "123.80", "credit_available": "10.00",
                        "balance": "113.80"}]

    today = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    march = api.get(f"/customers/{customer}/statement?from=2026-03-01&to=2026-03-31").body
    assert march["opening_balance"] == "0.00"
    assert [(l["date"], l["type"], l["amount"], l["balance"]) for l in march["lines"]] == [
        ("2026-03-02", "invoice", "360.00", "360.00"),
        ("2026-03-05", "invoice", "96.00", "456.00"),
        ("2026-03-09", "invoice", "163.80", "619.80"),
        ("2026-03-10", "payment", "-200.00", "419.80"),
        ("2026-03-10", "allocation", "0.00", "419.80"),
        ("2026-03-16", "payment", "-300.00", "119.80"),
        ("2026-03-16", "allocation", "0.00", "119.80"),
        ("2026-03-16", "allocation", "0.00", "119.80"),
        ("2026-03-18", "credit_note", "-60.00", "59.80"),
        ("2026-03-20", "invoice", "30.00", "89.80"),
        ("2026-03-25", "refund", "24.00", "113.80"),
    ]
    assert march["lines"][4]["allocated"] == "200.00" and march["lines"][4]["invoice_number"] == "INV-0001"
    assert march["lines"][8]["credit_note_number"] == "CN-0001" and march["lines"][8]["invoice_number"] == "INV-0003"
    assert march["closing_balance"] == "113.80"

    later = api.get(f"/customers/{customer}/statement?from=2026-04-01").body
    assert later["opening_balance"] == "113.80" and later["closing_balance"] == "113.80"
    assert [(l["date"], l["type"], l["allocated"]) for l in later["lines"]] == [
        (today, "allocation", "40.00"), (today, "allocation", "20.00"), (today, "allocation", "10.00")]
    assert later["aged_debt"] == {"not_due": "0.00", "1_30": "0.00", "31_60": "0.00", "61_90": "0.00",
                                  "over_90": "123.80"}
    board = api.get("/dashboard?from=2026-03-01&to=2026-03-31").body["currencies"][0]
    assert board == {"currency": "GBP", "invoices": 4, "amount_raised": "649.80", "amount_received": "466.00",
                     "amount_credited": "60.00", "outstanding": "123.80"}
    return customer


def age_as_at_chosen_days(api, customer, monkeypatch):
    """INV-0003 (09 Mar, 30 days: due 08 Apr) owes 123.80. Debt is aged as at the earlier of the
    period's end and the tenant's today: a period that ends in the future is aged as at today."""
    from chalicelib.services import local_dates

    def statement_on(today, query):
        noon = datetime.fromisoformat(f"{today}T12:00:00+00:00")
        monkeypatch.setattr(local_dates, "now", lambda: noon)
        shown = api.get(f"/customers/{customer}/statement?{query}").body
        return shown["aged_as_of"], {bucket: amount for bucket, amount in shown["aged_debt"].items()
                                     if amount != "0.00"}

    # 5 April, this month (to 30 April): not yet due on the 5th (it would be 22 days late on the 30th).
    assert statement_on("2026-04-05", "timeframe=this_month") == ("2026-04-05", {"not_due": "123.80"})
    # 20 May, this year (to 31 December): 42 days late today, not over 90 as on 31 December.
    assert statement_on("2026-05-20", "timeframe=this_year") == ("2026-05-20", {"31_60": "123.80"})
    # 20 May, a period that ended on 31 March: aged as at its end, when it was not yet due.
    assert statement_on("2026-05-20", "from=2026-03-01&to=2026-03-31") == ("2026-03-31", {"not_due": "123.80"})
    # 10 July, the day's statement: 93 days late.
    assert statement_on("2026-07-10", "") == ("2026-07-10", {"over_90": "123.80"})
