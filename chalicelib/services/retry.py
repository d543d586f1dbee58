"""Running a use case again when a concurrent change made its transaction fail."""
import random
import time
from typing import Callable, TypeVar

from ..domain.errors import ConcurrentUpdate

T = TypeVar("T")
ATTEMPTS = 60


def retry_on_conflict(attempt: Callable[[bool], T], attempts: int = ATTEMPTS) -> T:
    """Call `attempt(use_cache)`: first with cached reads allowed, then from fresh reads,
    with jittered backoff, while the transaction is refused for a concurrent change."""
    for number in range(attempts):
        try:
            return attempt(number == 0)
        except ConcurrentUpdate:
            if number == attempts - 1:
                raise
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** min(number, 6))))
    raise AssertionError("unreachable")
