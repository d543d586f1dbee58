"""One mixed-rate invoice credited in steps, every figure worked out by hand.

GBP, the tenant rounds VAT per line, half up, when the invoice is issued:
  INV-0001 02 Mar   3 x 95.00 at 20%   net 285.00  VAT 57.00
                    2 x 12.49 zero     net  24.98  VAT  0.00
                    1 x 33.33 at 5%    net  33.33  VAT  1.6665 -> 1.67
                    1 x 10.01 at 20%   net  10.01  VAT  2.002  -> 2.00
           per rate 20%: 295.01 + 59.00 = 354.01; 5%: 33.33 + 1.67 = 35.00; zero 24.98
           total    net 353.32  VAT 60.67  gross 413.99                       balance 413.99
Then the tenant switches to VAT per invoice, rounded down; the credit notes keep the invoice's policy.
  CN-0001 10 Mar   100.00 shared as the rates make up 413.99:
                    20%  100 x 354.01/413.99 = 85.5117 -> 85.51
                    5%   100 x  35.00/413.99 =  8.4543 ->  8.45 (+0.01, the largest remainder) = 8.46
                    zero 100 x  24.98/413.99 =  6.0340 ->  6.03
                   VAT  20%: 85.51 x 59.00/354.01 = 14.2513 -> 14.25 (net 71.26)
                         5%:  8.46 x  1.67/35.00 =  0.4037 ->  0.40 (net  8.06)
                   net 85.35  VAT 14.65  gross 100.00                        balance 313.99
  The heating oil line (33.33 + 1.67 at 5%) can no longer be credited whole: 5% has 25.27 net
  and 1.27 VAT left. Refused when issued.
  CN-0002 12 Mar   the training line as the invoice shows it: net 10.01  VAT 2.00  gross 12.01
                                                                             balance 301.98
  CN-0003 20 Mar   the 301.98 left, which is exactly what each rate has left:
                    20%  354.01 - 85.51 - 12.01 = 256.49: VAT 59.00 - 14.25 - 2.00 = 42.75, net 213.74
                    5%    35.00 -  8.46         =  26.54: VAT  1.67 -  0.40        =  1.27, net  25.27
                    zero  24.98 -  6.03         =  18.95
                   net 257.96  VAT 44.02  gross 301.98                        balance 0.00
All three allocated to INV-0001: paid, nothing outstanding; per rate the credit notes took back
exactly the net and VAT the invoice charged.
"""
from tests.support.api import Api, gateway_client


def statement_balance(api, customer):
    return api.get(f"/customers/{customer}/statement?from=2026-03-01").body["closing_balance"]


def issued_credit(api, invoice, body, day):
    note = api.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "Credit", **body}).body
    return api.post(f"/credit-notes/{note['id']}/issue", {"issue_date": day})


def rates(document):
    return {(r["vat_category"], r["vat_rate"]): (r["net"], r["vat"], r["gross"]) for r in document["totals"]["rates"]}


def test_a_mixed_rate_invoice_credited_by_amount_and_by_line_across_a_policy_change(local_aws):
    from app import app

    with gateway_client(app) as client:
        admin = Api(client, local_aws["INVOICING_ADMIN_KEY"])
        tenant = admin.post("/tenants", {"legal_name": "Scenario Ltd",
                                         "rounding": {"vat_level": "line", "mode": "half_up"}}).body
        api = Api(client, admin.post(f"/tenants/{tenant['id']}/api-keys", {}).body["api_key"])
        run(api, admin, tenant["id"])


def run(api, admin, tenant_id):
    customer = api.post("/customers", {"name": "Mixed Ltd"}).body["id"]
    draft = api.post("/invoices", {"customer_id": customer, "issue_date": "2026-03-02", "lines": [
        {"description": "Consulting", "quantity": "3", "unit_price": "95.00"},
        {"description": "Books", "quantity": "2", "unit_price": "12.49", "vat_category": "zero"},
        {"description": "Heating oil", "quantity": "1", "unit_price": "33.33", "vat_category": "reduced"},
        {"description": "Training", "quantity": "1", "unit_price": "10.01"}]}).body
    invoice = api.post(f"/invoices/{draft['id']}/issue", {}).body
    assert [l["vat"] for l in invoice["lines"]] == ["57.00", "0.00", "1.67", "2.00"]
    assert (invoice["totals"]["net"], invoice["totals"]["vat"], invoice["totals"]["gross"]) == (
        "353.32", "60.67", "413.99")
    assert rates(invoice) == {("standard", "20"): ("295.01", "59.00", "354.01"),
                              ("reduced", "5"): ("33.33", "1.67", "35.00"), ("zero", "0"): ("24.98", "0.00", "24.98")}
    assert statement_balance(api, customer) == "413.99"

    assert admin.patch(f"/tenants/{tenant_id}", {"rounding": {"vat_level": "invoice", "mode": "down"}}).status == 200

    first = issued_credit(api, invoice, {"amount": "100.00"}, "2026-03-10").body
    assert (first["number"], first["rounding"]) == ("CN-0001", {"vat_level": "line", "mode": "half_up"})
    assert rates(first) == {("standard", "20"): ("71.26", "14.25", "85.51"),
                            ("reduced", "5"): ("8.06", "0.40", "8.46"), ("zero", "0"): ("6.03", "0.00", "6.03")}
    assert (first["totals"]["net"], first["totals"]["vat"], first["totals"]["gross"]) == ("85.35", "14.65", "100.00")
    assert statement_balance(api, customer) == "313.99"

    oil = issued_credit(api, invoice, {"lines": [2]}, "2026-03-11")
    assert oil.status == 409 and oil.error_fields == ["lines"]
    assert statement_balance(api, customer) == "313.99"

    second = issued_credit(api, invoice, {"lines": [3]}, "2026-03-12").body
    assert (second["number"], second["totals"]["net"], second["totals"]["vat"], second["totals"]["gross"]) == (
        "CN-0002", "10.01", "2.00", "12.01")
    assert statement_balance(api, customer) == "301.98"

    third = issued_credit(api, invoice, {"amount": "301.98"}, "2026-03-20").body
    assert rates(third) == {("standard", "20"): ("213.74", "42.75", "256.49"),
                            ("reduced", "5"): ("25.27", "1.27", "26.54"), ("zero", "0"): ("18.95", "0.00", "18.95")}
    assert (third["number"], third["totals"]["vat"], third["totals"]["gross"]) == ("CN-0003", "44.02", "301.98")
    assert statement_balance(api, customer) == "0.00"
    nothing_left = api.post(f"/invoices/{invoice['id']}/credit-notes", {"reason": "x", "amount": "0.01"})
    assert nothing_left.status == 400 and nothing_left.error_fields == ["amount"]

    for note in (first, second, third):
        allocated = api.post(f"/credit-notes/{note['id']}/allocations", {"allocations": [
            {"invoice_id": invoice["id"], "amount": note["totals"]["gross"]}]})
        assert allocated.status == 200, allocated.body
    settled = api.get(f"/invoices/{invoice['id']}").body
    assert (settled["status"], settled["outstanding"], settled["amount_credited"]) == ("paid", "0.00", "413.99")
    assert statement_balance(api, customer) == "0.00"
    march = api.get(f"/customers/{customer}/statement?from=2026-03-01&to=2026-03-31").body
    assert [(l["date"], l["type"], l["amount"], l["balance"]) for l in march["lines"]] == [
        ("2026-03-02", "invoice", "413.99", "413.99"),
        ("2026-03-10", "credit_note", "-100.00", "313.99"),
        ("2026-03-12", "credit_note", "-12.01", "301.98"),
        ("2026-03-20", "credit_note", "-301.98", "0.00")]
