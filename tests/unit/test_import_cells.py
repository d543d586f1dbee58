"""Cells read as the values the API expects, or refused with a reason."""
import pytest
from hypothesis import given, strategies as st

from chalicelib.imports.cells import READERS, CellError, column_reader, looks_like_formula, read_cell


@pytest.mark.parametrize("text, expected", [
    ("1234.50", "1234.50"), ("1,234.50", "1234.50"), ("12,345,678", "12345678"), ("-7", "-7"), ("0.0125", "0.0125"),
])
def test_amounts_with_or_without_thousands_commas(text, expected):
    assert read_cell("amount", text) == expected


@pytest.mark.parametrize("text, reason", [
    ("12,5", "comma as the decimal mark"), ("1.234,50", "comma as the decimal mark"),
    ("£12.00", "without a currency sign"), ("1,23,456", "must be a number"), ("12e3", "must be a number"),
    ("(12.00)", "must be a number"),
])
def test_ambiguous_or_decorated_amounts_are_refused(text, reason):
    with pytest.raises(CellError, match=reason.replace("(", r"\(")):
        read_cell("amount", text)


@pytest.mark.parametrize("text, expected", [
    ("2026-03-31", "2026-03-31"), ("31/03/2026", "2026-03-31"), ("1/3/2026", "2026-03-01"),
])
def test_iso_and_uk_dates(text, expected):
    assert read_cell("date", text) == expected


@pytest.mark.parametrize("text", ["31/02/2026", "2026-13-01", "03/31/2026", "31.03.2026", "yesterday"])
def test_impossible_or_foreign_dates_are_refused(text):
    with pytest.raises(CellError):
        read_cell("date", text)


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "=SUM(A1:A2)", "@SUM(A1)", "+cmd|x", "-2+3+cmd|' /C calc'!A0"])
def test_formulas_are_never_taken(text):
    assert looks_like_formula(text)
    with pytest.raises(CellError, match="looks like a spreadsheet formula"):
        read_cell("text", text)


@pytest.mark.parametrize("text", ["-12.50", "+44 20 7946 0000", "-1,234.50", "plain text", ""])
def test_signed_numbers_and_phone_numbers_are_data(text):
    assert not looks_like_formula(text)


def test_booleans_integers_lists_and_xero_tax_types():
    assert read_cell("boolean", "Yes") is True and read_cell("boolean", "0") is False
    assert read_cell("integer", "14") == 14
    assert read_cell("list", "a@x.example; b@x.example, c@x.example") == ["a@x.example", "b@x.example",
                                                                           "c@x.example"]
    assert read_cell("tax_type", "20% (VAT on Income)") == ("standard", "20")
    assert read_cell("tax_type", "5% (VAT on Income)") == ("reduced", "5")
    assert read_cell("tax_type", "Zero Rated Income") == ("zero", "0")
    assert read_cell("tax_type", "No VAT") == ("outside_scope", "0")
    for kind, text in (("boolean", "maybe"), ("integer", "14.5"), ("tax_type", "Special rate")):
        with pytest.raises(CellError):
            read_cell(kind, text)


_CELLS = ["1,007.25", "12.5", "12,50", "£3", "=1+2", "-2+3+cmd|x", "+44 20", "31/03/2026", "2026-02-30", "Yes",
          "maybe", "14", "a@x.example; b@x.example", "20% (VAT on Income)", "No VAT", "United Kingdom", "plain", "@x"]


def _answer(read, text):
    try:
        return "value", read(text)
    except CellError as error:
        return "refused", str(error)


@given(st.sampled_from(sorted(READERS)), st.lists(st.sampled_from(_CELLS), min_size=1, max_size=12))
def test_a_column_reader_answers_as_read_cell_for_every_cell_repeated_or_not(kind, texts):
    read = column_reader(kind)
    for text in texts:
        assert _answer(read, text) == _answer(lambda t: read_cell(kind, t), text)
