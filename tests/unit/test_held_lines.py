"""Lines over the maximum a document may carry (README: 999,999,999,999, VAT included) held at no charge."""
from decimal import Decimal as D

import pytest

from chalicelib.domain.errors import OverMaximum
from chalicelib.domain.held_lines import within_maximum
from chalicelib.domain.pricing import Policy

POLICY = Policy()


def line(description, quantity, unit_price, rate="20", **extra):
    return {"description": description, "quantity": D(quantity), "unit_price": D(unit_price),
            "vat_category": "standard" if rate != "0" else "zero_rated", "vat_rate": D(rate), **extra}


def test_lines_that_fit_are_priced_as_they_are():
    lines = [line("Fee", "1", "30.00"), line("Storage", "12.5", "0.023")]
    held_lines, totals, held = within_maximum(lines, "GBP", POLICY)
    assert held_lines == lines and held == []
    assert totals.gross == D("36.35")  # (30.00 + 0.29) x 1.2 = 36.348 -> 36.35


def test_the_largest_line_is_held_until_the_rest_fits_its_quantity_kept():
    # Each line is under the maximum; together with 20% VAT, 1,080,000,000,060.00 is over it.
    lines = [line("Fee", "1", "50.00"), line("Storage", "90000000000", "10.00",
                                            discount={"type": "amount", "value": D("5.00")})]
    held_lines, totals, held = within_maximum(lines, "GBP", POLICY)
    assert held == ["Storage: 900,000,000,000.00 GBP would take the invoice over the 999,999,999,999 a document "
                    "may carry; at no charge"]
    assert held_lines[0] == lines[0]
    assert held_lines[1]["quantity"] == D("90000000000") and held_lines[1]["unit_price"] == 0
    assert "discount" not in held_lines[1] and held_lines[1]["description"] == held[0]
    assert totals.gross == D("60.00")


def test_vat_alone_can_take_a_line_over_and_every_line_may_be_held():
    lines = [line("Fee", "1", "900000000000"), line("Setup", "1", "850000000000")]
    held_lines, totals, held = within_maximum(lines, "GBP", POLICY)
    assert [h.split(":")[0] for h in held] == ["Fee", "Setup"] and totals.gross == 0


def test_nothing_to_hold_is_the_refusal_itself():
    with pytest.raises(OverMaximum):  # a negative price cannot be here; a zero line cannot be held
        within_maximum([line("Carried", "1", "0", carried={"net": D("999999999999"), "vat": D("1")})], "GBP", POLICY)
