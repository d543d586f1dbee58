"""Credit notes against the VAT charged (reg. 38): random invoices, random sets of credit notes."""
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from chalicelib.domain import credits
from chalicelib.domain import documents as docs
from chalicelib.domain.errors import Conflict, ValidationError
from chalicelib.domain.money import exponent
from chalicelib.domain.pricing import Policy
from tests.support.vat_rules import charged_per_rate, exact

D = Decimal
RATES = st.sampled_from([("standard", D(20)), ("reduced", D(5)), ("standard", D("17.5")), ("zero", D(0)),
                         ("exempt", D(0))])
POLICIES = st.builds(Policy, vat_level=st.sampled_from(["line", "invoice"]),
                     mode=st.sampled_from(["half_up", "down"]), prices_include_vat=st.booleans())


@st.composite
def invoice_lines(draw):
    category, rate = draw(RATES)
    discount = draw(st.sampled_from([None, {"type": "percent", "value": D(draw(st.integers(0, 100)))}]))
    return {"description": "x", "quantity": draw(st.decimals(min_value=D("0.01"), max_value=D(50), places=2)),
            "unit_price": draw(st.decimals(min_value=D(0), max_value=D(500), places=3)),
            "vat_category": category, "vat_rate": rate, **({"discount": discount} if discount else {})}


INVOICES = st.tuples(st.lists(invoice_lines(), min_size=1, max_size=6), st.sampled_from(["GBP", "JPY", "KWD"]),
                     POLICIES)


def priced(lines, currency, policy):
    totals = docs.price(lines, currency, policy)
    return {"lines": docs.priced_lines(lines, totals), "totals": docs.totals_record(totals), "credited": {}}


def presented(document, currency):
    return {"totals": docs.present_totals(document["totals"], currency)}


def credit(invoice, note_lines, currency, policy, note_id):
    """Price a credit note under the invoice's policy and record it if the rule lets it through."""
    note = priced(note_lines, currency, Policy(policy.vat_level, policy.mode, policy.prices_include_vat))
    credited = {**invoice["credited"], note_id: note["totals"]["rates"]}
    try:
        credits.check_within(invoice["totals"]["rates"], credited, currency)
    except Conflict:
        return None
    invoice["credited"] = credited
    return note


def left(invoice):
    return credits.left_to_credit(invoice["totals"]["rates"], invoice["credited"])


def credited_per_rate(notes, currency):
    """The oracle's own sum of what the issued notes credit, per rate, in exact fractions."""
    sums = {}
    for note in notes:
        for key, (net, vat) in charged_per_rate(presented(note, currency)).items():
            before = sums.get(key, (0, 0))
            sums[key] = (before[0] + net, before[1] + vat)
    return sums


ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("lines"), st.lists(st.integers(0, 5), min_size=1, max_size=6)),
    st.tuples(st.just("amount"), st.fractions(min_value=0, max_value=1)),
    st.tuples(st.just("hand"), st.lists(invoice_lines(), min_size=1, max_size=2))), min_size=1, max_size=6)


@settings(max_examples=500, deadline=None)
@given(INVOICES, ACTIONS)
def test_credit_notes_never_take_back_more_net_or_vat_per_rate_than_charged(invoice_input, actions):
    """(a) Whatever set of credit notes is attempted, what gets through stays within each rate."""
    lines, currency, policy = invoice_input
    invoice = priced(lines, currency, policy)
    notes = []
    for n, (kind, what) in enumerate(actions):
        if kind == "lines":
            chosen = sorted({i for i in what if i < len(lines)}) or [0]
            note_lines = [credits.line_credit(invoice["lines"][i]) for i in chosen]
        elif kind == "hand":
            note_lines = what
        else:
            remaining = sum((r.gross for r in left(invoice)), D(0))
            amount = (remaining * D(what.numerator) / D(what.denominator)).quantize(exponent(currency))
            if amount <= 0:
                continue
            note_lines = credits.credit_lines(credits.amount_shares(left(invoice), amount, currency), currency, "c")
        note = credit(invoice, note_lines, currency, policy, f"cn{n}")
        if note:
            notes.append(note)
    charged = charged_per_rate(presented(invoice, currency))
    for key, (net, vat) in credited_per_rate(notes, currency).items():
        assert key in charged
        assert net <= charged[key][0] and vat <= charged[key][1]


@settings(max_examples=500, deadline=None)
@given(INVOICES, st.sampled_from(["whole", "line_by_line", "amount", "part_then_amount"]),
       st.fractions(min_value=0, max_value=1))
def test_a_full_credit_takes_back_exactly_what_was_charged(invoice_input, way, part):
    """(b) All lines at once, line by line, the gross as an amount, or a part and then the rest:
    the credit notes add up to the invoice rate by rate, so nothing is left outstanding."""
    lines, currency, policy = invoice_input
    invoice = priced(lines, currency, policy)
    gross = invoice["totals"]["gross"]
    every_line = [credits.line_credit(line) for line in invoice["lines"]]
    if way == "whole":
        attempts = [every_line]
    elif way == "line_by_line":
        attempts = [[line] for line in every_line]
    else:
        first = gross if way == "amount" else (gross * D(part.numerator) / D(part.denominator)).quantize(
            exponent(currency))
        attempts = [first, None]  # None: the amount still left once the first is issued
    notes = []
    for n, attempt in enumerate(attempts):
        if not isinstance(attempt, list):
            amount = attempt if attempt is not None else sum((r.gross for r in left(invoice)), D(0))
            if amount <= 0:
                continue
            attempt = credits.credit_lines(credits.amount_shares(left(invoice), amount, currency), currency, "c")
        note = credit(invoice, attempt, currency, policy, f"cn{n}")
        assert note is not None
        notes.append(note)
    assert sum(exact(note["totals"]["gross"]) for note in notes) == exact(gross)
    charged = {k: v for k, v in charged_per_rate(presented(invoice, currency)).items() if v != (0, 0)}
    assert {k: v for k, v in credited_per_rate(notes, currency).items() if v != (0, 0)} == charged


def test_an_amount_beyond_what_is_left_names_the_field():
    rates = [credits.RateLeft("standard", D(20), D("10.00"), D("2.00"))]
    try:
        credits.amount_shares(rates, D("12.01"), "GBP")
    except ValidationError as refused:
        assert refused.details[0][0] == "amount"
    else:
        raise AssertionError("12.01 of 12.00 was accepted")
