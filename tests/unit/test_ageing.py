"""Aged debt from a customer's ledger: what each invoice owed at the end of a day, and how late."""
from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest

from chalicelib.domain.ageing import age_bucket, credit_at, owed_at


class Entry(NamedTuple):
    kind: str
    day: str
    amount: str = "0"
    allocated: str = "0"
    refs: dict = {}


def entry(kind, day, invoice_id, amount="0", allocated="0", **refs):
    return Entry(kind, day, Decimal(amount), Decimal(allocated), {"invoice_id": invoice_id, **refs})


LEDGER = [
    entry("invoice", "2026-03-01", "a", amount="100.00"),
    entry("allocation", "2026-03-05", "a", allocated="30.00"),
    entry("invoice", "2026-03-02", "b", amount="50.00"),
    entry("invoice_adjusted", "2026-03-02", "b", amount="-10.00"),
    # A credit note names the invoice it corrects, but only its allocation settles it.
    entry("credit_note", "2026-03-06", "b", amount="-12.00", credit_note_id="cn"),
    entry("allocation", "2026-03-20", "b", allocated="12.00"),
    entry("deallocation", "2026-03-25", "b", allocated="-12.00"),
    # Voided (dated on its issue date) after 40.00 was allocated on 4 March and taken back on the 9th.
    entry("invoice", "2026-03-03", "v", amount="40.00"),
    entry("invoice_void", "2026-03-03", "v", amount="-40.00"),
    entry("allocation", "2026-03-04", "v", allocated="40.00"),
    entry("deallocation", "2026-03-09", "v", allocated="-40.00"),
]


@pytest.mark.parametrize("day, owed", [
    ("2026-02-28", {}),
    ("2026-03-01", {"a": "100.00"}),
    ("2026-03-05", {"a": "70.00", "b": "40.00"}),
    ("2026-03-20", {"a": "70.00", "b": "28.00"}),
    ("2026-03-25", {"a": "70.00", "b": "40.00"}),
])
def test_owed_at_the_end_of_a_day_counts_only_what_was_dated_by_then(day, owed):
    assert owed_at(LEDGER, day) == {k: Decimal(v) for k, v in owed.items()}


def test_a_paid_invoice_owes_nothing_and_is_left_out():
    assert owed_at([entry("invoice", "2026-03-01", "a", amount="10.00"),
                    entry("allocation", "2026-03-01", "a", allocated="10.00")], "2026-03-01") == {}


@pytest.mark.parametrize("seen_on, bucket", [
    ("2026-03-09", "not_due"), ("2026-03-10", "not_due"), ("2026-03-11", "1_30"), ("2026-04-09", "1_30"),
    ("2026-04-10", "31_60"), ("2026-05-09", "31_60"), ("2026-05-10", "61_90"), ("2026-06-08", "61_90"),
    ("2026-06-09", "over_90")])
def test_days_past_due_on_the_day_choose_the_bucket(seen_on, bucket):
    # Due 10 March: 1 day late on the 11th, 30 on 9 April, 60 on 9 May, 90 on 8 June, 91 on 9 June.
    assert age_bucket(date(2026, 3, 10), date.fromisoformat(seen_on)) == bucket


# A whole account: every allocation's money came in as a payment or credit note first.
ACCOUNT = [
    entry("invoice", "2026-03-01", "a", amount="100.00"),
    entry("payment", "2026-03-02", None, amount="-150.00"),
    entry("allocation", "2026-03-02", "a", allocated="100.00"),
    entry("credit_note", "2026-03-03", None, amount="-20.00"),
    entry("refund", "2026-03-04", None, amount="30.00"),
    entry("invoice", "2026-03-05", "b", amount="60.00"),
    entry("allocation", "2026-03-06", "b", allocated="40.00"),
]


@pytest.mark.parametrize("day, credit", [
    ("2026-03-01", "0.00"),  # a owes 100.00, nothing came in
    ("2026-03-02", "50.00"),  # 150.00 paid, 100.00 of it to a
    ("2026-03-03", "70.00"),  # and a credit note of 20.00, unused
    ("2026-03-04", "40.00"),  # 30.00 of it refunded
    ("2026-03-05", "40.00"),  # b raised: owed, but the credit is not used by itself
    ("2026-03-06", "0.00"),  # 40.00 of it allocated to b
])
def test_credit_is_the_money_in_not_allocated_and_aged_debt_less_it_is_the_balance(day, credit):
    owed = owed_at(ACCOUNT, day)
    assert credit_at(ACCOUNT, day, owed) == Decimal(credit)
    balance = sum((e.amount for e in ACCOUNT if e.day <= day), Decimal(0))
    assert sum(owed.values(), Decimal(0)) - Decimal(credit) == balance
