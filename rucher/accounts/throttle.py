"""Login throttling per username (cache-backed: Redis when scaled out), audited."""

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from rucher.core.audit import audit_record


def _key(username: str) -> str:
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
    return f"rucher:login-failures:{digest}"


def login_retry_after(username: str) -> int:
    """Seconds until this username may try again; 0 when not locked."""
    state = cache.get(_key(username))
    if not state or state["count"] < settings.RUCHER_LOGIN_MAX_FAILURES:
        return 0
    return max(1, int(state["until"] - time.time()))


def login_failed(username: str, request: HttpRequest | None = None) -> None:
    window = settings.RUCHER_LOGIN_WINDOW_SECONDS
    key = _key(username)
    state = cache.get(key) or {"count": 0, "until": time.time() + window}
    state["count"] += 1
    cache.set(key, state, timeout=max(1, int(state["until"] - time.time())))
    if state["count"] == settings.RUCHER_LOGIN_MAX_FAILURES:
        # The username, not the password: secrets are never logged.
        audit_record(
            action="login.throttled",
            target=username[:150],
            request=request,
            data={"failures": state["count"]},
        )


def login_succeeded(username: str) -> None:
    cache.delete(_key(username))
