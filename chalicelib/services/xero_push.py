"""Push issued invoices and credit notes into a Xero organisation through its Accounting API.

Invoices go to POST {base}/Invoices, credit notes to POST {base}/CreditNotes
(bodies: render/accounting/xero_payloads.py), at most 50 documents a call as
Xero advises for batch creates, with summarizeErrors=false so that Xero answers
200 with each document's own errors instead of refusing the whole call, and
unitdp=4 for four-decimal unit amounts. Each call carries the Xero-tenant-id of
the organisation and an Idempotency-Key (Xero keeps the first answer to a key:
128 characters at most): the SHA-256 of the organisation, the endpoint and the
exact body. A retry of the same call, ours after a timeout, a 429 or a 5xx,
or a repeated push of unchanged documents, gets Xero's first answer back
instead of creating the documents twice.

Drafts and void documents are not pushed (render/accounting/documents.py says
why). Only the standard library is used (urllib): no HTTP client at runtime.
"""
import hashlib
import json
import time
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, List, NamedTuple, Optional, Tuple

from ..domain.errors import invalid
from ..render.accounting import exact_json
from ..render.accounting.documents import NOT_EXPORTED, Document
from ..render.accounting.mapping import codes_for
from ..render.accounting.xero_payloads import CREDIT_NOTES, INVOICES, xero_body

DEFAULT_BASE_URL = "https://api.xero.com/api.xro/2.0"
BATCH_SIZE = 50
ATTEMPTS = 3
RETRIED_STATUSES = (429, 500, 502, 503, 504)
LONGEST_WAIT = 60.0  # seconds; a longer Retry-After fails the batch instead of holding the caller
CREATED, FAILED, SKIPPED = "created", "failed", "skipped"
_ID_FIELD = {INVOICES: "InvoiceID", CREDIT_NOTES: "CreditNoteID"}


class PushResult(NamedTuple):
    document_id: str
    number: Optional[str]
    outcome: str  # CREATED, FAILED or SKIPPED
    xero_id: Optional[str] = None
    errors: Tuple[str, ...] = ()


class _Answer(NamedTuple):
    status: int  # 0 when no HTTP answer came back
    body: Dict[str, Any]
    retry_after: Optional[float] = None


Batch = List[Tuple[int, Document, Dict[str, Any]]]  # (position in the input, document, its body)


def push_documents(documents: Iterable[Document], mapping: Optional[Dict[str, Any]], access_token: str,
                   xero_tenant_id: str, base_url: str = DEFAULT_BASE_URL, timeout: float = 30.0,
                   sleep: Callable[[float], None] = time.sleep) -> List[PushResult]:
    """Create the documents in Xero; one result per document, in the order given."""
    if not access_token:
        raise invalid("access_token", "is required")
    if not xero_tenant_id:
        raise invalid("xero_tenant_id", "is required")
    codes = codes_for(mapping, "xero_api")
    client = _Client(base_url.rstrip("/"), access_token, xero_tenant_id, timeout, sleep)
    results: Dict[int, PushResult] = {}
    pending: Dict[str, Batch] = {INVOICES: [], CREDIT_NOTES: []}
    for position, document in enumerate(documents):
        if document["status"] in NOT_EXPORTED:
            results[position] = PushResult(document["id"], document.get("number"), SKIPPED,
                                           errors=(f"{document['status']} documents are not pushed",))
            continue
        endpoint, body = xero_body(document, codes)
        pending[endpoint].append((position, document, body))
        if len(pending[endpoint]) == BATCH_SIZE:
            results.update(client.send(endpoint, pending[endpoint]))
            pending[endpoint] = []
    for endpoint, batch in pending.items():
        if batch:
            results.update(client.send(endpoint, batch))
    return [results[position] for position in range(len(results))]


class _Client:
    def __init__(self, base_url: str, access_token: str, xero_tenant_id: str, timeout: float,
                 sleep: Callable[[float], None]):
        self.base_url, self.xero_tenant_id, self.timeout, self.sleep = base_url, xero_tenant_id, timeout, sleep
        self.headers = {"Authorization": f"Bearer {access_token}", "Xero-tenant-id": xero_tenant_id,
                        "Content-Type": "application/json", "Accept": "application/json"}

    def send(self, endpoint: str, batch: Batch) -> Dict[int, PushResult]:
        """The result of each document of the batch, by its position in the input."""
        data = exact_json.dumps({endpoint: [body for _, _, body in batch]}).encode("utf-8")
        answer = self._post(endpoint, data, _idempotency_key(self.xero_tenant_id, endpoint, data))
        elements = answer.body.get(endpoint if answer.status == 200 else "Elements")
        if not isinstance(elements, list) or len(elements) != len(batch):
            elements = [{}] * len(batch)
        return {position: _result(doc, element, _ID_FIELD[endpoint], answer)
                for (position, doc, _), element in zip(batch, elements)}

    def _post(self, endpoint: str, data: bytes, key: str) -> _Answer:
        url = f"{self.base_url}/{endpoint}?summarizeErrors=false&unitdp=4"
        for attempt in range(1, ATTEMPTS + 1):
            answer = _http_post(url, data, {**self.headers, "Idempotency-Key": key}, self.timeout)
            retryable = answer.status == 0 or answer.status in RETRIED_STATUSES
            wait = answer.retry_after if answer.retry_after is not None else float(2 ** attempt)
            if not retryable or attempt == ATTEMPTS or wait > LONGEST_WAIT:
                return answer
            self.sleep(wait)
        raise AssertionError("unreachable")


def _http_post(url: str, data: bytes, headers: Dict[str, str], timeout: float) -> _Answer:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _Answer(response.status, _parsed(response.read()))
    except urllib.error.HTTPError as error:
        with error:
            return _Answer(error.code, _parsed(error.read()), _seconds(error.headers.get("Retry-After")))
    except (urllib.error.URLError, OSError) as error:
        return _Answer(0, {"Message": f"no answer from Xero: {getattr(error, 'reason', error)}"})


def _parsed(raw: bytes) -> Dict[str, Any]:
    try:
        body = json.loads(raw, parse_float=Decimal)
    except ValueError:
        return {"Message": raw[:300].decode("utf-8", "replace")}
    return body if isinstance(body, dict) else {"Message": str(body)[:300]}


def _seconds(header: Optional[str]) -> Optional[float]:
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


def _idempotency_key(xero_tenant_id: str, endpoint: str, data: bytes) -> str:
    return hashlib.sha256(f"{xero_tenant_id}\n{endpoint}\n".encode("utf-8") + data).hexdigest()


def _result(document: Document, element: Dict[str, Any], id_field: str, answer: _Answer) -> PushResult:
    """Created only when Xero answered 200 with the document's id and no error of its own."""
    messages = tuple(str(error.get("Message", error)) for error in element.get("ValidationErrors") or [])
    xero_id = element.get(id_field)
    if answer.status != 200 or messages or element.get("HasErrors") or not xero_id:
        return PushResult(document["id"], document["number"], FAILED, errors=messages or (_problem(answer),))
    return PushResult(document["id"], document["number"], CREATED, xero_id=xero_id)


def _problem(answer: _Answer) -> str:
    body = answer.body
    detail = body.get("Message") or body.get("Detail") or body.get("Title") or "no result for this document"
    return detail if answer.status == 0 else f"Xero answered HTTP {answer.status}: {detail}"
