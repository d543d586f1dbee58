"""/portal/{token}...: the pages a tenant's customers open from their emails. No API key: the link's
token is the key. HTML, server-rendered, with the headers of api/portal_guard.py.

An unknown, expired or revoked token, or a document the link may not show, all get the same
neutral page with the same status: nothing tells them apart. Links inside a page are relative,
so they work under API Gateway's stage prefix too.
"""
import re
from functools import wraps
from urllib.parse import parse_qs

from chalice import Blueprint

from ..domain.errors import Conflict
from ..lazy import lazy, lazy_module
from ..observability import logger
from .portal_guard import FAILED_LOOKUPS, csrf_ok, csrf_token, html, redirect
from .routing import PUBLIC, ROUTES, RouteDoc

portal = Blueprint(__name__)
_LINKS = "chalicelib.services.portal_links"
_PAGES = "chalicelib.services.portal_pages"
open_link = lazy(_LINKS, "open_link")
record_use = lazy(_LINKS, "record_use")
shown_document = lazy(_PAGES, "shown_document")
customer_documents = lazy(_PAGES, "customer_documents")
answer_estimate = lazy(_PAGES, "answer")
answerable = lazy(_PAGES, "answerable")
refusal = lazy(_PAGES, "refusal")
statement_to_today = lazy(_PAGES, "statement_to_today")
statement_shown = lazy(_PAGES, "statement_shown")
logo_uri = lazy("chalicelib.services.portal_logos", "logo_uri")
FILTERS = ("all", "unpaid", "overdue", "paid", "estimates")
pdf_link = lazy("chalicelib.services.document_files", "pdf_link")
ubl_link = lazy("chalicelib.services.document_files", "ubl_link")
pages = lazy_module("chalicelib.render.portal_html")  # only the portal's own requests render pages

_ID = "[0-9a-z]{16}"
TOKEN = re.compile(rf"ten_{_ID}\.(inv|cn|est|cus)_{_ID}\.[A-Za-z0-9_-]{{32}}")
DOCUMENT_ID = re.compile(rf"(inv|cn|est)_{_ID}")
ONE = "/portal/{token}/documents/{document_id}"
MAX_FORM_BYTES = 8192
TAG = "Customer portal"


class _Unavailable(Exception):
    """Answered with the neutral page."""


class _TooMany(Exception):
    """Too many failed lookups from one address lately."""


def page_route(path: str, method: str, summary: str):
    """A public route answering HTML; described in /openapi.json like every route."""
    ROUTES.append(RouteDoc(method, path, summary, TAG, PUBLIC, 200, None, html=True))

    def decorator(view):
        @portal.route(path, methods=[method], content_types=["*/*"])
        @wraps(view)
        def chalice_view(**params):
            try:
                return view(**params)
            except _Unavailable:
                return html(404, pages.neutral_page())
            except _TooMany:
                return html(429, pages.message_page("Too many attempts", "Please try again in a few minutes."))
            except Exception:  # never expected: a plain page, and the log
                logger.exception("portal page failed")
                return html(500, pages.message_page("Something went wrong", "Please try again later."))
        return chalice_view
    return decorator


def _open(token: str, document_id: str = None):
    """The working link and what it shows, or _Unavailable; too many failures from one address
    are refused for a while (429) before any lookup."""
    address = (portal.current_request.context.get("identity") or {}).get("sourceIp") or "unknown"
    if FAILED_LOOKUPS.blocked(address):
        raise _TooMany()
    well_formed = TOKEN.fullmatch(token) and (document_id is None or DOCUMENT_ID.fullmatch(document_id))
    opened = open_link(token, document_id) if well_formed else None
    if opened is None:
        FAILED_LOOKUPS.failed(address)
        raise _Unavailable()
    return opened


def _open_customer(token: str):
    """A customer's link; a document's link has no statement."""
    opened = _open(token)
    if opened.target.kind != "CUSTOMER":
        raise _Unavailable()
    return opened


@page_route("/portal/{token}", "GET", "A portal link's page: its document, or the customer's documents")
def link_page(token):
    opened = _open(token)
    if opened.target.kind == "CUSTOMER":
        return _list_page(opened)
    record_use(opened)
    return _document_page(opened, f"{token}/documents/{opened.target.id}", None)


@page_route(ONE, "GET", "A document of the link's customer")
def document_page(token, document_id):
    opened = _open(token, document_id)
    record_use(opened)
    back = f"../../{token}" if opened.link.document_id is None else None
    return _document_page(opened, document_id, back)


@page_route(ONE + "/pdf", "GET", "The document's PDF (a redirect to a short-lived link)")
def document_pdf(token, document_id):
    opened = _open(token, document_id)
    url = pdf_link(opened.link.tenant_id, opened.target)["url"]
    record_use(opened, "pdf")
    return redirect(url)


@page_route(ONE + "/ubl", "GET", "The invoice or credit note as a UBL e-invoice (a redirect)")
def document_ubl(token, document_id):
    opened = _open(token, document_id)
    if opened.target.kind == "ESTIMATE":
        raise _Unavailable()
    try:
        url = ubl_link(opened.link.tenant_id, opened.target)["url"]
    except Conflict:  # the supplier's or customer's details cannot make an e-invoice yet (README)
        return html(409, pages.message_page("No e-invoice for this document yet",
                                            "Please download the PDF, or ask the supplier for the e-invoice."))
    record_use(opened, "ubl")
    return redirect(url)


@page_route("/portal/{token}/statement", "GET", "The customer's statement to today")
def statement_page(token):
    opened = _open_customer(token)
    supplier, shown = statement_shown(opened)
    record_use(opened)
    links = {"pdf": "statement/pdf", "back": f"../{token}"}
    return html(200, pages.statement_page(opened.target.data["name"], supplier, shown, links,
                                          logo_uri(opened.link.tenant_id)))


@page_route("/portal/{token}/statement/pdf", "GET", "The customer's statement to today as a PDF (a redirect)")
def statement_pdf(token):
    opened = _open_customer(token)
    url = statement_to_today(opened)
    record_use(opened, "statement")
    return redirect(url)


@page_route(ONE + "/accept", "POST", "Accept the estimate (name, optional comment; CSRF token)")
def accept(token, document_id):
    return _answer(token, document_id, accepted=True)


@page_route(ONE + "/decline", "POST", "Decline the estimate (optional reason; CSRF token)")
def decline(token, document_id):
    return _answer(token, document_id, accepted=False)


def _answer(token: str, document_id: str, accepted: bool):
    opened = _open(token, document_id)
    if opened.target.kind != "ESTIMATE":
        raise _Unavailable()
    form, request = _form(), portal.current_request
    link = opened.link
    if not csrf_ok(form.get("csrf", ""), link.form_secret, link.link_id, document_id,
                   request.headers.get("sec-fetch-site", "")):
        return html(403, pages.message_page("This form has expired", "Please reload the page and try again."))
    name, comment = form.get("name", ""), form.get("comment" if accepted else "reason", "")
    problem = ("Please give your name to accept the estimate." if accepted and not name else
               "Your name can be at most 100 characters." if len(name) > 100 else
               "Your text can be at most 500 characters." if len(comment) > 500 else None)
    if problem:
        return _document_page(opened, f"../{document_id}", None, error=problem, status=400)
    try:
        answer_estimate(opened, accepted, name, comment or None)
    except Conflict:
        return _document_page(_open(token, document_id), f"../{document_id}", None, status=409)
    return redirect(f"../{document_id}")


def _form() -> dict:
    request = portal.current_request
    raw = request.raw_body or b""
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if len(raw) > MAX_FORM_BYTES or content_type != "application/x-www-form-urlencoded":
        return {}
    fields = parse_qs(raw.decode("utf-8", "replace"), max_num_fields=10)
    return {name: " ".join(values[0].split()) for name, values in fields.items()}


def _document_page(opened, base: str, back, error: str = None, status: int = 200):
    """`base`: the document's path relative to the page, for its downloads and forms."""
    shown, kind = shown_document(opened), opened.target.kind
    links = {"pdf": f"{base}/pdf", "ubl": f"{base}/ubl" if kind != "ESTIMATE" else None, "back": back}
    forms, notice = "", ""
    if kind == "ESTIMATE":
        if answerable(shown):
            forms = pages.estimate_forms(base, csrf_token(opened.link.form_secret, opened.link.link_id,
                                                          opened.target.id), error)
        elif status == 409 or not pages.answered_notice(shown):
            notice = pages.notice(refusal(shown))
        else:
            notice = pages.answered_notice(shown)
    return html(status, pages.document_page(shown, kind, links, forms, notice, logo_uri(opened.link.tenant_id)))


def _list_page(opened):
    query = portal.current_request.query_params or {}
    status = query.get("status") if query.get("status") in FILTERS else "all"
    supplier, documents, balances = customer_documents(opened, status)
    token = portal.current_request.uri_params["token"]
    for document in documents:
        document["href"] = f"{token}/documents/{document['id']}"
    record_use(opened)
    return html(200, pages.list_page(opened.target.data["name"], supplier, balances, documents, status, FILTERS,
                                     f"{token}/statement", logo_uri(opened.link.tenant_id)))
