"""Generated bodies made to agree with the rules across their fields and with what they name, for
tests/api/test_round_trip.py. Each fit changes only what a rule outside the field's own declaration
needs, and says which rule."""
from decimal import Decimal

from chalicelib.domain import vat
from chalicelib.domain.currencies import minor_units

LARGE_LINE = Decimal(10 ** 10)  # 3 such lines with 100% VAT stay below the largest document total


def fit_vat(priced):
    """The VAT rate its category admits (domain.vat.rate_problem)."""
    if vat.rate_problem(priced["vat_category"], Decimal(priced["vat_rate"])):
        priced["vat_rate"] = str(vat.default_rate(priced["vat_category"]))
    return priced


def fit_line(line, currency, product_id):
    """A generated line made to agree with the rules across its fields and with what it names."""
    line["product_id"] = product_id
    fit_vat(line)
    if line.get("period"):  # its end on or after its start (EN 16931 BR-30)
        fit_order(line["period"], "start", "end")
    if Decimal(line["quantity"]) * Decimal(line["unit_price"]) > LARGE_LINE:  # totals at most 999,999,999,999
        line["quantity"], line["unit_price"] = "1", str(min(Decimal(line["unit_price"]), LARGE_LINE))
    value = Decimal(line["discount"]["value"])
    if line["discount"]["type"] == "percent":
        line["discount"]["value"] = str(min(value, Decimal(100)))
    else:  # at most the line's amount, in the currency's minor units
        most = Decimal(line["quantity"]) * Decimal(line["unit_price"])
        line["discount"]["value"] = str(min(value, most).quantize(Decimal(1).scaleb(-minor_units(currency)),
                                                                  "ROUND_DOWN"))
    return line


def fit_order(body, first, then):
    """Two dates in the order their meaning needs (a due date is not before the issue date)."""
    if then in body and body[then] < body[first]:
        body[first], body[then] = body[then], body[first]
    return body


def fit_period(period, named):
    """A named timeframe, or from and to (in order): never both."""
    if named:
        return {name: value for name, value in period.items() if name not in ("from", "to")}
    return fit_order({name: value for name, value in period.items() if name != "timeframe"}, "from", "to")


def at_least_two_lines(body):
    """Two lines or more, so that a credit note of the invoice can be split."""
    return {**body, "lines": body["lines"] * 2 if len(body["lines"]) == 1 else body["lines"]}


def owing(body):
    """An invoice that owes something (its first line a whole unit at least, undiscounted), so that it
    can be paid, credited by amount and allocated to."""
    first = body["lines"][0]
    first.update(quantity=str(max(Decimal(first["quantity"]), 1)), unit_price=str(max(Decimal(first["unit_price"]), 1)),
                 discount={"type": "percent", "value": "0"})
    return body


def fit_file_name(file, n):
    """A file name of a format the importer reads (services/uploads.py EXTENSIONS), within its length."""
    from chalicelib.services.uploads import EXTENSIONS

    extension = EXTENSIONS[n % len(EXTENSIONS)]
    return {**file, "name": file["name"][:255 - len(extension)] + extension}


def fit_document(body, product_id):
    body["lines"] = [fit_line(line, body["currency"], product_id) for line in body["lines"]]
    return fit_order(fit_order(body, "issue_date", "due_date"), "issue_date", "expiry_date")


CREDITED = ("quantity", "unit_price", "discount", "vat_category", "vat_rate")


def crediting(invoice):
    """A credit note credits at most what its invoice charged, at the invoice's own rates: its lines
    take the amounts and VAT of the invoice's lines."""
    def fit(body):
        body = {**body, "invoice_id": invoice["id"], "currency": invoice["currency"],
                "prices_include_vat": invoice["prices_include_vat"]}
        lines = body["lines"]
        body["lines"] = [{**lines[i % len(lines)], **{name: charged[name] for name in CREDITED if name in charged}}
                         for i, charged in enumerate(invoice["lines"])]
        return body
    return fit


def money(amount, currency):
    """An amount in the currency's minor units (rounded down), at least one of them."""
    unit = Decimal(1).scaleb(-minor_units(currency))
    return str(max(Decimal(amount).quantize(unit, "ROUND_DOWN"), unit))


def fit_positions(positions, count, leave_one=False):
    """Line positions that exist, each once (and not all of them, where one must stay)."""
    chosen = sorted({p % count for p in positions})
    return chosen[:count - 1] if leave_one and len(chosen) == count else chosen


