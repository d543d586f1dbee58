"""Invoice PDFs: our fpdf2 renderer against WeasyPrint rendering the same invoice from HTML.

    python bench/pdf.py [--pdfs 300] [--weasyprint-pdfs 20] [--script-pdfs 20]

A one-page invoice of 20 lines, with the shipped Unicode font (Noto Sans) in both
renderers; then the same invoice with its customer's name and its lines in other
scripts, which take the fallback fonts (Greek, Arabic shaped by HarfBuzz, CJK). Throughput per core is measured in CPU time of this one process, so a
busy machine slows the wall clock but hardly the figure; a calibration loop shows
how fast this machine's core is. WeasyPrint is installed for the benchmark only
(bench/requirements.txt, which `make bench` installs).
"""
import argparse
import html
import json
import re
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.render import text  # noqa: E402
from chalicelib.render.document_pdf import render_document_pdf  # noqa: E402
from chalicelib.render.pdf_fonts import FONT_DIR  # noqa: E402

TARGET_PER_CORE = 100
SCRIPTS = {"Greek": "Συντήρηση συστημάτων", "Arabic": "شركة الأمل للتجارة (استشارات)",
           "CJK": "北京贸易有限公司 咨询服务"}


def invoice(lines: int = 20) -> dict:
    """An issued invoice as the API presents it."""
    rows = [{"description": f"Consulting services, phase {i + 1}", "quantity": str(1 + i % 4), "unit": "hour",
             "unit_price": "95.00", "vat_category": "standard", "vat_rate": "20", "discount_amount": "0.00",
             "net": f"{95 * (1 + i % 4)}.00", "vat": f"{19 * (1 + i % 4)}.00", "gross": f"{114 * (1 + i % 4)}.00"}
            for i in range(lines)]
    net = sum(int(r["net"][:-3]) for r in rows)
    address = {"line1": "1 High St", "city": "London", "postal_code": "EC1A 1BB", "country": "GB"}
    return {
        "id": "inv_bench", "number": "INV-0042", "status": "issued", "currency": "GBP",
        "issue_date": "2026-11-21", "due_date": "2026-12-21", "reference": "PO-7",
        "supplier": {"legal_name": "Bench Trading Ltd", "address": address, "vat_number": "GB123456789",
                     "email": "billing@bench.example", "company_number": "01234567",
                     "payment_details": {"account_name": "Bench Trading Ltd", "sort_code": "12-34-56",
                                         "account_number": "12345678"}},
        "customer": {"name": "Acme Trading", "billing_address": {**address, "line1": "2 Low Rd"},
                     "vat_number": "GB987654321"},
        "totals": {"net": f"{net}.00", "vat": f"{net // 5}.00", "gross": f"{net * 6 // 5}.00",
                   "rates": [{"vat_category": "standard", "vat_rate": "20", "net": f"{net}.00",
                              "vat": f"{net // 5}.00", "gross": f"{net * 6 // 5}.00"}]},
        "amount_paid": "0.00", "amount_credited": "0.00", "outstanding": f"{net * 6 // 5}.00", "lines": rows,
    }


def as_html(document: dict) -> str:
    """The same invoice, laid out as a typical HTML invoice template."""
    money = lambda amount: html.escape(text.money(amount, document["currency"]))  # noqa: E731
    rows = "".join(
        f"<tr><td>{html.escape(line['description'])}</td><td class=n>{line['quantity']} {line['unit']}</td>"
        f"<td class=n>{money(line['unit_price'])}</td><td class=n>{line['vat_rate']}%</td>"
        f"<td class=n>{money(line['net'])}</td></tr>" for line in document["lines"])
    supplier, customer, totals = document["supplier"], document["customer"], document["totals"]
    return f"""<html><head><style>
      @font-face {{ font-family: Noto; src: url("{(FONT_DIR / 'NotoSans-Regular.ttf').as_uri()}"); }}
      @font-face {{ font-family: Noto; font-weight: bold; src: url("{(FONT_DIR / 'NotoSans-Bold.ttf').as_uri()}"); }}
      @page {{ size: A4; margin: 15mm; }} body {{ font-family: Noto; font-size: 9pt; }}
      table {{ width: 100%; border-collapse: collapse; }} td, th {{ border-bottom: 1px solid #ccc; padding: 2px; }}
      .n {{ text-align: right; }} .right {{ float: right; text-align: right; }}
    </style></head><body>
      <div class=right><b>{supplier['legal_name']}</b><br>1 High St<br>London EC1A 1BB<br>
        VAT reg. no. {supplier['vat_number']}<br>{supplier['email']}</div>
      <h1>Invoice</h1>
      <p><b>{customer['name']}</b><br>2 Low Rd<br>London EC1A 1BB<br>VAT no. {customer['vat_number']}</p>
      <p>Number {document['number']}<br>Date of issue 21 Nov 2026<br>Due date 21 Dec 2026</p>
      <table><tr><th>Description</th><th>Qty</th><th>Unit price</th><th>VAT</th><th>Net</th></tr>{rows}</table>
      <p class=right>Total net {money(totals['net'])}<br>Total VAT {money(totals['vat'])}<br>
        <b>Total GBP {money(totals['gross'])}</b></p>
      <p>Payment details: Sort code 12-34-56, Account number 12345678</p>
    </body></html>"""


def in_script(document: dict, words: str) -> dict:
    """The invoice with its customer's name and each line's description in another script."""
    lines = [{**line, "description": f"{words} {i + 1}"} for i, line in enumerate(document["lines"])]
    return {**document, "customer": {**document["customer"], "name": words}, "lines": lines}


def per_pdf(render, count: int):
    """(CPU seconds per PDF, wall seconds per PDF, bytes of the last PDF), after one warm-up."""
    render()
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(count):
        produced = render()
    return (time.process_time() - cpu) / count, (time.perf_counter() - wall) / count, len(produced)


def calibration_ms() -> float:
    started = time.process_time()
    sum(range(10 ** 7))
    return (time.process_time() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pdfs", type=int, default=300)
    parser.add_argument("--weasyprint-pdfs", type=int, default=20)
    parser.add_argument("--script-pdfs", type=int, default=20)
    args = parser.parse_args()
    document = invoice()
    print(f"machine: sum(range(10**7)) takes {calibration_ms():.0f} ms of CPU on this core")
    pages = len(re.findall(rb"/Type /Page\b", render_document_pdf(document, "INVOICE")))
    assert pages == 1, f"the benchmark invoice must fit on one page; it takes {pages}"
    cpu, wall, size = per_pdf(lambda: render_document_pdf(document, "INVOICE"), args.pdfs)
    ours = 1 / cpu
    print(f"fpdf2 (ours): {cpu * 1000:.1f} ms CPU, {wall * 1000:.1f} ms wall per PDF; {ours:.0f} PDFs/s per core; "
          f"{size // 1024} KiB; target {TARGET_PER_CORE}/s: {'met' if ours >= TARGET_PER_CORE else 'MISSED'}")
    for script, words in SCRIPTS.items():
        other = in_script(document, words)
        s_cpu, s_wall, s_size = per_pdf(lambda: render_document_pdf(other, "INVOICE"), args.script_pdfs)
        print(f"  in {script}: {s_cpu * 1000:.1f} ms CPU, {s_wall * 1000:.1f} ms wall per PDF; {s_size // 1024} KiB")
    try:
        from weasyprint import HTML
    except ImportError:
        print("weasyprint: not installed (pip install -r bench/requirements.txt)")
        return
    markup = as_html(document)
    w_cpu, w_wall, w_size = per_pdf(lambda: HTML(string=markup).write_pdf(), args.weasyprint_pdfs)
    print(f"WeasyPrint (HTML): {w_cpu * 1000:.1f} ms CPU, {w_wall * 1000:.1f} ms wall per PDF; "
          f"{1 / w_cpu:.1f} PDFs/s per core; {w_size // 1024} KiB")
    print(f"ratio: ours is {w_cpu / cpu:.1f}x faster per core (CPU), {w_wall / wall:.1f}x (wall)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MiB")
    print(json.dumps({"ours_ms": round(cpu * 1000, 2), "weasyprint_ms": round(w_cpu * 1000, 2)}))


if __name__ == "__main__":
    main()
