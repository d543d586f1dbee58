"""A customer's statement as a PDF, from GET /customers/{id}/statement's answer."""
import json
from io import BytesIO
from typing import Any, Dict, Optional

from . import text
from .document_pdf import customer_lines, supplier_block
from .pdf_frame import Column, Frame
from .statement_rows import aged_cells, statement_row

COLUMNS = (Column("Date", 28), Column("Transaction", 88, wraps=True), Column("Amount", 32, "R"),
           Column("Balance", 32, "R"))


def render_statement_pdf(statement: Dict[str, Any], customer: Dict[str, Any], supplier: Dict[str, Any],
                         logo: Optional[bytes] = None) -> bytes:
    """`customer` and `supplier`: the customer record's and the tenant's settings as the API shows them."""
    currency = statement["currency"]
    pdf = Frame([json.dumps([statement, customer, supplier], ensure_ascii=False, default=str)],
                footer=supplier.get("legal_name", ""),
                running_title=f"Statement for {customer.get('name', '')} to {text.day(statement['to'])}")
    pdf.set_title(f"Statement {customer.get('name', '')}")
    top = supplier_block(pdf, supplier, logo)
    pdf.set_xy(pdf.l_margin, top)
    pdf.style(18, bold=True)
    pdf.cell(0, 9, "Statement", new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y() + 2
    left = pdf.lines_at(pdf.l_margin, y, 90, customer_lines(customer), first_bold=True)
    pdf.set_xy(pdf.w - pdf.r_margin - 80, y)
    period = f"{text.day(statement['from'])} to {text.day(statement['to'])}" if statement["from"] \
        else f"Up to {text.day(statement['to'])}"
    pdf.pairs(pdf.w - pdf.r_margin - 80, 80, [("Period", period), ("Currency", currency),
                                              ("Debt aged at", text.day(statement["aged_as_of"])),
                                              ("Balance", text.money(statement["closing_balance"], currency))],
              label_width=25, bold_last=True)
    pdf.set_y(max(left, pdf.get_y()) + 6)
    rows = [("", "Opening balance", "", text.money(statement["opening_balance"], currency))]
    rows += [statement_row(line, currency) for line in statement["lines"]]
    rows.append(("", "Closing balance", "", text.money(statement["closing_balance"], currency)))
    pdf.table(COLUMNS, rows, emphasis=lambda i: i in (0, len(rows) - 1))
    pdf.ln(4)
    pdf.style(8, bold=True)
    pdf.cell(0, 5, f"AGED DEBT AT {text.day(statement['aged_as_of']).upper()}", new_x="LMARGIN", new_y="NEXT")
    aged = aged_cells(statement)
    pdf.table([Column(title, 25, "R") for title, _ in aged], [[amount for _, amount in aged]])
    out = BytesIO()
    pdf.output(out)
    return out.getvalue()
