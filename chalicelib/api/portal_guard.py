"""What keeps the portal's pages safe: their headers, their forms' CSRF tokens, and a limit on
how many tokens one address may try.

No token ever leaves the page it is in (Referrer-Policy), no page can be framed, and the one
inline style is allowed by its hash, so nothing else can run or style the page.
"""
import hashlib
import hmac
import threading
import time
from collections import OrderedDict, deque

from chalice import Response

from ..render.portal_css import CSS_HASH

HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": (f"default-src 'none'; style-src '{CSS_HASH}'; img-src 'self' data:; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
# Unknown, expired or revoked tokens one source address may present in a window; past it, every
# lookup from there is refused until the window has moved on. Per warm Lambda: a brake on guessing
# (192-bit secrets cannot be guessed anyway), not an accounting.
FAILED_LOOKUPS_ALLOWED = 30
WINDOW_SECONDS = 600
_ADDRESSES_KEPT = 10000


def html(status: int, body: str) -> Response:
    return Response(body=body, status_code=status, headers=dict(HEADERS))


def redirect(location: str) -> Response:
    return Response(body="", status_code=303, headers={**HEADERS, "Location": location})


def csrf_token(form_secret: str, link_id: str, document_id: str) -> str:
    """Bound to the link and the document: a token from one page works on no other."""
    message = f"{link_id}:{document_id}".encode()
    return hmac.new(bytes.fromhex(form_secret), message, hashlib.sha256).hexdigest()


def csrf_ok(given: str, form_secret: str, link_id: str, document_id: str, fetch_site: str) -> bool:
    """The form's token matches, and the browser (if it says) posts from our own pages."""
    if fetch_site and fetch_site not in ("same-origin", "none"):
        return False
    return hmac.compare_digest(given.encode(), csrf_token(form_secret, link_id, document_id).encode())


class FailedLookups:
    """Failure times per source address, the least recently failing addresses dropped first."""

    def __init__(self, allowed: int = FAILED_LOOKUPS_ALLOWED, window: float = WINDOW_SECONDS):
        self.allowed, self.window = allowed, window
        self._failures: "OrderedDict[str, deque]" = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, address: str) -> bool:
        with self._lock:
            times = self._failures.get(address)
            if not times:
                return False
            self._expire(times)
            return len(times) >= self.allowed

    def failed(self, address: str) -> None:
        with self._lock:
            times = self._failures.setdefault(address, deque())
            self._failures.move_to_end(address)
            times.append(time.monotonic())
            self._expire(times)
            while len(self._failures) > _ADDRESSES_KEPT:
                self._failures.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()

    def _expire(self, times: deque) -> None:
        oldest = time.monotonic() - self.window
        while times and times[0] <= oldest:
            times.popleft()


FAILED_LOOKUPS = FailedLookups()
