"""A memo that lives for one request: reads asked many times while building one page.

The access functions ask "which communities may this person read?" five to ten times per page
(feed, questions, unread badge, prefetches…). Reading the answer once per request instead of
compiling it into every query is the largest saving measured by `make bench`
(docs/performance.md). The memo exists only inside `request_memo()` — the middleware below opens
one per request — so a background job, a management command or a test calling a selector
directly always reads fresh data. Writes that change an answer (a membership, a community's
visibility) call `memo_clear()`, so a request that changes them and then reads again sees the
change, and the next request always starts empty.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_memo: ContextVar[dict[Hashable, Any] | None] = ContextVar("rucher_request_memo", default=None)


@contextmanager
def request_memo() -> Iterator[None]:
    """Opens an empty memo for the duration of the block (nested blocks share the outer one)."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def memoized[T](key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per open memo; without one, every call computes."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def memo_clear() -> None:
    """Forgets everything memoised in the current request (after a write that changes it)."""
    memo = _memo.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    """One memo per request, web pages and API alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)
