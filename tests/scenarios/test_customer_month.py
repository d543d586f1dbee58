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
  10 Apr  CN-0001: 40.00 to INV-0003 and 20.00 to INV-0004; 10.00 of the credit to INV-0004
Invoiced 649.80 - paid 500.00 - credited 60.00 + refunded 24.00 = balance 113.80:
INV-0003 still owes 123.80 and 10.00 of credit is left.

Then April, for ageing as at chosen days (age_as_at_chosen_days):
  15 Apr  INV-0005  1 x 500.00  gross 600.00 (due 15 May), paid in full on 05 May
  20 Apr  INV-0006  1 x 100.00  gross 120.00 (due 20 May)
  22 Apr  CN-0002 against INV-0006, 12.00 gross, allocated to it on 06 May
  25 Apr  payment 50.00 to INV-0006; on 12 May a payment dated 28 Apr, 20.00 to INV-0006
"""
from datetime import date, datetime, timedelta
from decimal import Decimal

from tests.support.api import Api, gateway_client


def test_a_month_of_invoices_payments_credit_and_a_refund(local_aws, monkeypatch):
    from app import app

    with gateway_client(app) as client:
        admin = Api(client, local_aws["INVOICING_ADMIN_KEY"])
        tenant = admin.post("/tenants", {"legal_name": "Scenario Ltd"}).body
        api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
        clock = clock_at(monkeypatch)
        customer = run_month(api, clock)
        age_as_at_chosen_days(api, customer, clock)


def clock_at(monkeypatch):
    """Sets the tenant's today (noon UTC on an ISO day) for the requests that follow."""
    from chalicelib.services import local_dates

    def set_to(day):
        noon = datetime.fromisoformat(f"{day}T12:00:00+00:00")
        monkeypatch.setattr(local_dates, "now", lambda: noon)
    return set_to


def issue(api, customer, day, quantity, price):
    draft = api.post("/invoices", {"customer_id": customer, "issue_date": day,
                                   "lines": [{"description": "Work", "quantity": quantity, "unit_price": price}]})
    invoice = api.post(f"/invoices/{draft.body['id']}/issue", {}).body
    return invoice


def run_month(api, clock):
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
    clock("2026-04-10")
    split = api.post(f"/credit-notes/{note['id']}/allocations", {"allocations": [
        {"invoice_id": inv3["id"], "amount": "40.00"}, {"invoice_id": inv4["id"], "amount": "20.00"}]})
    assert split.body["credit_left"] == "0.00"
    api.post(f"/payments/{over['id']}/allocations", {"allocations": [{"invoice_id": inv4["id"], "amount": "10.00"}]})
    clock("2026-07-10")

    statuses = {i["number"]: (api.get(f"/invoices/{i['id']}").body["status"],
                              api.get(f"/invoices/{i['id']}").body["outstanding"]) for i in (inv1, inv2, inv3, inv4)}
    assert statuses == {"INV-0001": ("paid", "0.00"), "INV-0002": ("paid", "0.00"),
                        "INV-0003": ("partially_paid", "123.80"), "INV-0004": ("paid", "0.00")}

    account = api.get(f"/customers/{customer}").body["balances"]
    assert account == [{"currency": "GBP", "owed": "123.80", "overdue": "123.80", "credit_available": "10.00",
                        "balance": "113.80"}]

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
        ("2026-04-10", "allocation", "40.00"), ("2026-04-10", "allocation", "20.00"),
        ("2026-04-10", "allocation", "10.00")]
    assert later["aged_debt"] == {"not_due": "0.00", "1_30": "0.00", "31_60": "0.00", "61_90": "0.00",
                                  "over_90": "123.80"}
    # Money in (payments 200.00 + 300.00, CN-0001 60.00) less refunded 24.00 and allocated
    # (200.00 + 160.00 + 96.00 + 40.00 + 20.00 + 10.00): 10.00 stands on the account, so the aged
    # debt less the credit is the balance: 123.80 - 10.00 = 113.80.
    assert later["credit_available"] == "10.00"
    board = api.get("/dashboard?from=2026-03-01&to=2026-03-31").body["currencies"][0]
    assert board == {"currency": "GBP", "invoices": 4, "amount_raised": "649.80", "amount_received": "466.00",
                     "amount_credited": "60.00", "outstanding": "123.80"}
    return customer


# What each invoice raised (issued, gross; 30 days' terms), and each allocation (invoice, the
# day it counts from, amount): a payment's allocations count from the payment's date, a later
# allocation of credit from the day it was made (until then the invoice was owed).
RAISED = {"INV-0001": ("2026-03-02", "360.00"), "INV-0002": ("2026-03-05", "96.00"),
          "INV-0003": ("2026-03-09", "163.80"), "INV-0004": ("2026-03-20", "30.00"),
          "INV-0005": ("2026-04-15", "600.00"), "INV-0006": ("2026-04-20", "120.00")}
SETTLED = [("INV-0001", "2026-03-10", "200.00"), ("INV-0001", "2026-03-16", "160.00"),
           ("INV-0002", "2026-03-16", "96.00"), ("INV-0003", "2026-04-10", "40.00"),
           ("INV-0004", "2026-04-10", "20.00"), ("INV-0004", "2026-04-10", "10.00"),
           ("INV-0006", "2026-04-25", "50.00"), ("INV-0006", "2026-04-28", "20.00"),
           ("INV-0005", "2026-05-05", "600.00"), ("INV-0006", "2026-05-06", "12.00")]


def aged_at(day):
    """The aged debt at the end of `day` from RAISED and SETTLED: each invoice issued by then, less
    what was settled by then, by days past due (not yet due, 1-30, 31-60, 61-90, over 90)."""
    at, buckets = date.fromisoformat(day), {}
    for number, (issued, gross) in RAISED.items():
        if issued > day:
            continue
        owed = Decimal(gross) - sum(Decimal(amount) for paid, on, amount in SETTLED if paid == number and on <= day)
        late = (at - date.fromisoformat(issued) - timedelta(days=30)).days
        bucket = ("not_due" if late <= 0 else "1_30" if late <= 30 else "31_60" if late <= 60
                  else "61_90" if late <= 90 else "over_90")
        if owed:
            buckets[bucket] = buckets.get(bucket, Decimal(0)) + owed
    return {bucket: f"{amount:.2f}" for bucket, amount in buckets.items()}


def add_april(api, customer, clock):
    clock("2026-04-15")
    inv5 = issue(api, customer, "2026-04-15", "1", "500.00")
    clock("2026-04-20")
    inv6 = issue(api, customer, "2026-04-20", "1", "100.00")
    assert (inv5["number"], inv5["totals"]["gross"], inv6["number"], inv6["totals"]["gross"]) == (
        "INV-0005", "600.00", "INV-0006", "120.00")
    clock("2026-04-22")
    note = api.post(f"/invoices/{inv6['id']}/credit-notes", {"reason": "Short", "amount": "12.00"}).body
    note = api.post(f"/credit-notes/{note['id']}/issue", {"issue_date": "2026-04-22"}).body
    clock("2026-04-25")
    pay = lambda invoice, amount, day: api.post("/payments", {  # noqa: E731
        "customer_id": customer, "amount": amount, "date": day,
        "allocations": [{"invoice_id": invoice["id"], "amount": amount}]})
    pay(inv6, "50.00", "2026-04-25")
    clock("2026-05-05")
    pay(inv5, "600.00", "2026-05-05")
    clock("2026-05-06")
    api.post(f"/credit-notes/{note['id']}/allocations", {"allocations": [{"invoice_id": inv6["id"], "amount": "12.00"}]})
    clock("2026-05-12")
    pay(inv6, "20.00", "2026-04-28")  # recorded on 12 May, received on 28 April
    assert api.get(f"/invoices/{inv6['id']}").body["outstanding"] == "38.00"


def age_as_at_chosen_days(api, customer, clock):
    """Debt is aged as at the end of a day D, the earlier of the period's end and the tenant's
    today (a period that ends in the future is aged as at today): each invoice issued by D owes
    its total less what was allocated to it by D, whatever was allocated after."""
    add_april(api, customer, clock)
    # The oracle, checked by hand at the end of 30 April: INV-0003 163.80 - 40.00 = 123.80, 22 days
    # late; INV-0005 600.00 (paid on 05 May) and INV-0006 120.00 - 50.00 - 20.00 = 50.00 not yet due.
    assert aged_at("2026-04-30") == {"1_30": "123.80", "not_due": "650.00"}

    def statement_on(today, query):
        clock(today)
        shown = api.get(f"/customers/{customer}/statement?{query}").body
        return shown["aged_as_of"], {bucket: amount for bucket, amount in shown["aged_debt"].items()
                                     if amount != "0.00"}

    # 5 April, this month (to 30 April): INV-0003 and INV-0004 not yet due on the 5th.
    assert statement_on("2026-04-05", "timeframe=this_month") == ("2026-04-05", aged_at("2026-04-05"))
    # 10 July, April: INV-0005 paid after April owes all of it; INV-0006 part-paid in April (one
    # payment recorded in May) owes the rest; CN-0002, allocated in May, does not count.
    assert statement_on("2026-07-10", "from=2026-04-01&to=2026-04-30") == ("2026-04-30", aged_at("2026-04-30"))
    # 20 May, this year (to 31 December): aged as at today, not as on 31 December.
    assert statement_on("2026-05-20", "timeframe=this_year") == ("2026-05-20", aged_at("2026-05-20"))
    # 20 May, a period that ended on 31 March: aged as at its end, before CN-0001 was allocated.
    assert statement_on("2026-05-20", "from=2026-03-01&to=2026-03-31") == ("2026-03-31", aged_at("2026-03-31"))
    # 10 July, the day's statement.
    assert statement_on("2026-07-10", "") == ("2026-07-10", aged_at("2026-07-10"))
