"""Sage 50 over HTTP: a name Windows-1252 cannot hold makes the CSV export fail, naming the
invoice, the column and the XLSX variant; the XLSX export carries it intact."""
import io
from decimal import Decimal

import requests
from openpyxl import load_workbook

from tests.api.test_exports import export
from tests.support.jobs import drain_jobs_queue

DELIVERY = "Dostawa do Łodzi (Łódź), Συντήρηση, 北京"


def test_sage50_csv_refuses_what_windows_1252_lacks_and_the_xlsx_carries_it(tenant):
    customer = tenant.post("/customers", {"name": "Łódź Sp. z o.o."}).body
    draft = tenant.post("/invoices", {"customer_id": customer["id"], "issue_date": "2026-10-05", "lines": [
        {"description": DELIVERY, "quantity": "3", "unit_price": "33.33"}]}).body
    invoice = tenant.post(f"/invoices/{draft['id']}/issue", {}).body
    period = {"from": "2026-10-01", "to": "2026-10-31"}

    asked = tenant.post("/exports", {"resource": "accounting", "format": "sage50", "filters": period})
    assert asked.status == 202
    drain_jobs_queue()
    failed = tenant.get(f"/exports/{asked.body['id']}").body
    assert failed["state"] == "failed" and "file" not in failed
    assert failed["error"].startswith(f"{invoice['number']}: Details \"{DELIVERY}\" holds ")
    assert "sage50_xlsx" in failed["error"]

    done, content = export(tenant, "accounting", "sage50_xlsx", period)
    assert done["rows"] == 1 and done["file"]["file_name"] == "sage50_xlsx.xlsx"
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    header, row = rows
    shown = dict(zip(header, row))
    assert (shown["Type"], shown["Reference"], shown["Details"]) == ("SI", invoice["number"], DELIVERY)
    assert (Decimal(repr(shown["Net Amount"])), Decimal(repr(shown["Tax Amount"]))) == (
        Decimal(invoice["totals"]["net"]), Decimal(invoice["totals"]["vat"]))
    link = requests.head(done["file"]["url"], timeout=10)
    assert link.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
