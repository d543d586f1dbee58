"""The Xero push over real HTTP, against a local server that answers like Xero's Accounting API.

The server checks every request body against Xero's own OpenAPI description
(tests/fixtures/xero/xero_accounting.yaml, with undeclared fields refused), checks
the line arithmetic Xero does, keeps the first answer to each Idempotency-Key, and
can be told to answer 429 or 401 first.
"""
import copy
import json
import threading
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from chalicelib.domain.errors import ValidationError
from chalicelib.services.xero_push import CREATED, FAILED, SKIPPED, push_documents
from tests.support.accounting import ARABIC, CHINESE_EMOJI, HYPERLINK, document, line

D = Decimal
SPEC = Path(__file__).resolve().parents[1] / "fixtures" / "xero" / "xero_accounting.yaml"
ID_FIELDS = {"Invoices": "InvoiceID", "CreditNotes": "CreditNoteID"}
NUMBER_FIELDS = {"Invoices": "InvoiceNumber", "CreditNotes": "CreditNoteNumber"}


def validators():
    """(strict request validators, response validators) per endpoint, $refs resolved in the spec."""
    with SPEC.open() as spec_file:
        spec = yaml.load(spec_file, Loader=yaml.CSafeLoader)
    strict = copy.deepcopy(spec)
    for schema in strict["components"]["schemas"].values():
        if "properties" in schema:
            schema.setdefault("additionalProperties", False)

    def built(document_, endpoint):
        registry = Registry().with_resource("urn:xero", Resource.from_contents(document_, DRAFT4))
        return Draft4Validator({"$ref": f"urn:xero#/components/schemas/{endpoint}"}, registry=registry)

    return ({endpoint: built(strict, endpoint) for endpoint in ID_FIELDS},
            {endpoint: built(spec, endpoint) for endpoint in ID_FIELDS})


REQUEST_SCHEMAS, RESPONSE_SCHEMAS = validators()


class FakeXero:
    def __init__(self):
        self.calls = []  # (endpoint, query, headers (case-insensitive), body)
        self.schema_errors = []
        self.answers = {}  # Idempotency-Key -> (status, body)
        self.created = {}  # (endpoint, number) -> the element as stored
        self.fail_first = []  # (status, body, headers) answered before anything else

    def handle(self, path, query, headers, raw):
        endpoint = path.rsplit("/", 1)[-1]
        body = json.loads(raw, parse_float=D)
        self.calls.append((endpoint, query, headers, body))
        if self.fail_first:
            return self.fail_first.pop(0)
        key = headers["Idempotency-Key"]
        if key not in self.answers:
            self.answers[key] = (200, self._create(endpoint, body), {})
        return self.answers[key]

    def _create(self, endpoint, body):
        self.schema_errors += [error.message for error in REQUEST_SCHEMAS[endpoint].iter_errors(body)]
        elements = [self._element(endpoint, item) for item in body[endpoint]]
        answer = {"Id": str(uuid.uuid4()), "Status": "OK", "ProviderName": "fake", "DateTimeUTC": "/Date(0)/",
                  endpoint: elements}
        assert not list(RESPONSE_SCHEMAS[endpoint].iter_errors(answer))
        return answer

    def _element(self, endpoint, item):
        number = item[NUMBER_FIELDS[endpoint]]
        problems = [f"{NUMBER_FIELDS[endpoint][:-6]} # must be unique."] if (endpoint, number) in self.created else []
        for line_item in item["LineItems"]:
            worked_out = line_item["Quantity"] * line_item["UnitAmount"] - line_item.get("DiscountAmount", 0)
            if worked_out != line_item["LineAmount"]:
                problems.append(f"Line amount {line_item['LineAmount']} is not {worked_out}")
        if problems:
            return {**item, "HasErrors": True, "StatusAttributeString": "ERROR",
                    "ValidationErrors": [{"Message": problem} for problem in problems]}
        stored = {**item, ID_FIELDS[endpoint]: str(uuid.uuid4()), "HasErrors": False, "StatusAttributeString": "OK"}
        self.created[(endpoint, number)] = stored
        return stored


@pytest.fixture
def xero():
    fake = FakeXero()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            status, body, headers = fake.handle(parts.path, parse_qs(parts.query), self.headers, raw)
            data = json.dumps(body, default=float).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/api.xro/2.0"
    yield fake
    server.shutdown()
    server.server_close()


def invoices(count, start=1):
    made = []
    for number in range(start, start + count):
        lines = [line("Consulting", "3", "95.00", product_id="prd_consulting"),
                 line("Setup", "2", "100.00", "reduced", "5", discount=("percent", "10")),
                 line("Licence", "3", "33.33", discount=("amount", "10.00")),
                 line("Books", "2", "12.50", "zero", "0")]
        if number % 3 == 0:
            made.append(document(f"INV-{number:04d}", lines, customer=ARABIC, currency="EUR", exchange_rate="0.85"))
        else:
            made.append(document(f"INV-{number:04d}", lines, customer=CHINESE_EMOJI, reference=HYPERLINK))
    return made


def push(xero, documents, **options):
    waits = []
    options.setdefault("base_url", xero.base_url)
    results = push_documents(documents, options.pop("mapping", None), "token-1", "org-1", sleep=waits.append,
                             **options)
    return results, waits


def test_invoices_and_credit_notes_go_in_batches_of_50_and_every_body_is_valid_xero(xero):
    credit_notes = [document("CN-0001", [line("Consulting", "1", "95.00")], credits="INV-0001"),
                    document("CN-0002", [line("Setup", "2", "10.00", "reduced", "5")], credits="INV-0002")]
    skipped = [document(None, [line("Draft", "1", "1.00")], status="draft"),
               document("INV-0999", [line("Void", "1", "1.00")], status="void")]
    documents = invoices(60) + [credit_notes[0], skipped[0]] + invoices(60, start=61) + [skipped[1], credit_notes[1]]

    results, _ = push(xero, documents)

    assert xero.schema_errors == []
    assert [(r.document_id, r.outcome) for r in results] == [
        (d["id"], SKIPPED if d["status"] in ("draft", "void") else CREATED) for d in documents]
    assert all(r.xero_id for r in results if r.outcome == CREATED)
    assert [(endpoint, len(body[endpoint])) for endpoint, _, _, body in xero.calls] == [
        ("Invoices", 50), ("Invoices", 50), ("Invoices", 20), ("CreditNotes", 2)]
    for _, query, headers, _ in xero.calls:
        assert query == {"summarizeErrors": ["false"], "unitdp": ["4"]}
        assert (headers["Authorization"], headers["Xero-tenant-id"]) == ("Bearer token-1", "org-1")
        assert 0 < len(headers["Idempotency-Key"]) <= 128
    assert len({headers["Idempotency-Key"] for _, _, headers, _ in xero.calls}) == 4


def test_what_xero_holds_adds_up_to_our_totals(xero):
    documents = invoices(6) + [document("CN-0001", [line("Consulting", "1", "95.00")], credits="INV-0001")]
    push(xero, documents)
    for source in documents:
        endpoint = "CreditNotes" if source["id"].startswith("cn_") else "Invoices"
        held = xero.created[(endpoint, source["number"])]
        net = sum(item["LineAmount"] for item in held["LineItems"])
        vat = sum(item["TaxAmount"] for item in held["LineItems"])
        assert (net, vat, net + vat) == tuple(D(source["totals"][name]) for name in ("net", "vat", "gross"))
        assert held["Contact"]["Name"] == source["customer"]["name"]
    euro = xero.created[("Invoices", "INV-0003")]
    assert (euro["CurrencyCode"], euro["CurrencyRate"]) == ("EUR", D("1.176471"))
    assert [item["TaxType"] for item in euro["LineItems"]] == ["OUTPUT2", "RROUTPUT", "OUTPUT2", "ZERORATEDOUTPUT"]
    assert xero.created[("Invoices", "INV-0001")]["Reference"] == HYPERLINK  # an API field, not a spreadsheet cell
    discounted = [(item["Quantity"], item["UnitAmount"], item.get("DiscountAmount"))
                  for item in euro["LineItems"] if item["Description"] in ("Setup", "Licence")]
    assert discounted == [(D("2"), D("100.00"), D("20.00")), (D("3"), D("33.33"), D("10.00"))]


def test_a_repeated_push_gets_xeros_first_answer_and_creates_nothing_twice(xero):
    documents = invoices(3)
    first, _ = push(xero, documents)
    again, _ = push(xero, documents)
    assert again == first and {r.outcome for r in first} == {CREATED}
    assert len(xero.created) == 3
    assert xero.calls[0][2]["Idempotency-Key"] == xero.calls[1][2]["Idempotency-Key"]


def test_a_rate_limited_call_is_sent_again_with_the_same_key_after_retry_after(xero):
    xero.fail_first.append((429, {"Title": "Too Many Requests"}, {"Retry-After": "3"}))
    results, waits = push(xero, invoices(2))
    assert [r.outcome for r in results] == [CREATED, CREATED]
    assert waits == [3.0]
    assert len(xero.calls) == 2 and xero.calls[0][2]["Idempotency-Key"] == xero.calls[1][2]["Idempotency-Key"]
    assert xero.calls[0][3] == xero.calls[1][3]


def test_xeros_refusal_of_one_document_is_reported_for_that_document_only(xero):
    push(xero, invoices(1, start=2))
    results, _ = push(xero, invoices(3))
    assert [(r.number, r.outcome, r.errors) for r in results] == [
        ("INV-0001", CREATED, ()), ("INV-0002", FAILED, ("Invoice # must be unique.",)), ("INV-0003", CREATED, ())]


def test_an_expired_token_fails_every_document_with_xeros_reason_and_is_not_retried(xero):
    xero.fail_first.append((401, {"Title": "Unauthorized", "Detail": "TokenExpired: token expired"}, {}))
    results, waits = push(xero, invoices(2))
    assert {(r.outcome, r.errors) for r in results} == {
        (FAILED, ("Xero answered HTTP 401: TokenExpired: token expired",))}
    assert waits == [] and len(xero.calls) == 1


def test_no_answer_is_tried_three_times_then_reported(xero):
    closed = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    address = f"http://127.0.0.1:{closed.server_address[1]}/api.xro/2.0"
    closed.server_close()
    results, waits = push(xero, invoices(1), base_url=address)
    assert results[0].outcome == FAILED and results[0].errors[0].startswith("no answer from Xero")
    assert waits == [2.0, 4.0]


def test_the_tenants_tax_types_and_accounts_go_to_xero(xero):
    mapping = {"tax_codes": {"xero_api": {"standard": "TAX001"}},
               "accounts": {"xero": {"default": "201", "products": {"prd_consulting": "210"}}}}
    push(xero, invoices(1), mapping=mapping)
    items = xero.created[("Invoices", "INV-0001")]["LineItems"]
    assert [(item["AccountCode"], item["TaxType"]) for item in items] == [
        ("210", "TAX001"), ("201", "RROUTPUT"), ("201", "TAX001"), ("201", "ZERORATEDOUTPUT")]


def test_a_push_without_credentials_is_refused_before_any_call(xero):
    with pytest.raises(ValidationError):
        push_documents(invoices(1), None, "", "org-1", base_url=xero.base_url)
    assert xero.calls == []
