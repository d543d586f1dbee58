"""Running a use case again when a concurrent change made its transaction fail."""
import random
import time
from typing import Callable, TypeVar

from ..domain.errors import ConcurrentUpdate, DomainError

T = TypeVar("T")
ATTEMPTS = 60


def retry_on_conflict(attempt: Callable[[bool], T], attempts: int = ATTEMPTS) -> T:
    """Call `attempt(use_cache)`: first with cached reads allowed, then from fresh reads,
    with jittered backoff, while the transaction is refused for a concurrent change.

    A refusal is never based on a cached read: any error from the cached attempt
    is checked again from fresh reads before it reaches the caller."""
    for number in range(attempts):
        use_cache = number == 0
        try:
            return attempt(use_cache)
        except ConcurrentUpdate:
            if number == attempts - 1:
                raise
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** min(number, 6))))
        except DomainError:
            if not use_cache:
                raise
    raise AssertionError("unreachable")
