"""Customer and product lists of other systems recognised by their published headers (the
fixtures' header rows, tests/fixtures/imports), and a header row that mixes two of them refused."""
import csv
from pathlib import Path

import pytest

from chalicelib.imports.kinds import HeaderError, map_header

FIXTURES = Path(__file__).parents[1] / "fixtures/imports"


def header(name, encoding="utf-8"):
    with open(FIXTURES / name, encoding=encoding, newline="") as f:
        return next(csv.reader(f))


@pytest.mark.parametrize("kind, name, layout", [
    ("customers", "sage50_customers.csv", "sage50"), ("customers", "clearbooks_customers.csv", "clearbooks"),
    ("customers", "freshbooks_clients.csv", "freshbooks"), ("customers", "xero_contacts.csv", "xero"),
    ("customers", "quickbooks_customers.csv", "quickbooks"), ("products", "quickbooks_products.csv", "quickbooks"),
    ("products", "xero_items.csv", "xero"), ("products", "sage50_products.csv", "sage50"),
])
def test_each_published_list_is_recognised_by_its_headers(kind, name, layout):
    assert map_header(kind, header(name, "cp1252")).layout == layout


def test_a_header_row_mixing_two_lists_is_refused_naming_both():
    mixed = header("sage50_customers.csv", "cp1252") + ["First Name", "Last Name", "Company Name"]
    with pytest.raises(HeaderError) as refused:
        map_header("customers", mixed)
    assert str(refused.value).startswith("The header row mixes the Sage 50 layout and the FreshBooks layout")


def test_a_stray_column_of_another_list_is_named_as_such():
    with pytest.raises(HeaderError) as refused:
        map_header("products", header("xero_items.csv") + ["Stock Code"])
    assert "unknown column 'Stock Code' (a column of the Sage 50 layout: a file holds one layout)" in str(
        refused.value)
