"""The upload path and the request schemas give the very answers they gave before their speed-up:
500 generated documents of every kind and layout (good, and with bad cells planted) and 1,000
generated request bodies, each with the document or every problem (line, column, message, in
order) that the earlier code gave, stored in tests/fixtures/parse_equivalence.json by
tests/support/parse_cases.py."""
import json

import pytest

from tests.support.parse_cases import FIXTURE, body_outcome, upload_outcome

CASES = json.loads(FIXTURE.read_text())


def _chunks(cases, size=50):
    return [cases[i:i + size] for i in range(0, len(cases), size)]


@pytest.mark.parametrize("cases", _chunks(CASES["uploads"]), ids=lambda cases: f"{len(cases)} documents")
def test_upload_rows_give_the_known_documents_and_problems(cases):
    for case in cases:
        assert upload_outcome(case) == case["expect"], case["rows"]


@pytest.mark.parametrize("cases", _chunks(CASES["bodies"], 100), ids=lambda cases: f"{len(cases)} bodies")
def test_request_bodies_give_the_known_values_and_problems(cases):
    for case in cases:
        assert body_outcome(case) == case["expect"], case["body"]


def test_the_cases_cover_good_and_bad_documents_of_every_kind():
    outcomes = {(case["kind"], next(iter(case["expect"]))) for case in CASES["uploads"]}
    for kind in ("invoices", "credit_notes", "customers", "products"):
        assert {(kind, "prepared"), (kind, "rejected")} <= outcomes
    messages = {problem[2] for case in CASES["uploads"] for problem in case["expect"].get("rejected", [])}
    assert len(messages) > 40
