"""Login throttling (F-AUTH), cache-backed (Redis when scaled out), lockouts audited.

Failures are counted in fixed windows of RUCHER_LOGIN_WINDOW_SECONDS:
- per (username, client address): RUCHER_LOGIN_MAX_FAILURES — password guessing;
- per client address, any username: RUCHER_LOGIN_MAX_FAILURES_PER_ADDRESS — password spraying;
- per username, any address: RUCHER_LOGIN_MAX_FAILURES_PER_USERNAME — guessing spread over
  many addresses.
Counting per username alone let anyone lock a colleague out. A browser where the person
signed in before carries a signed "known device" cookie naming them: there, only that device's
own failures count (RUCHER_LOGIN_MAX_FAILURES), so the owner still signs in while their
username or their office's address is locked by someone else. The client address comes from
`rucher.core.clients.client_address` (a trusted proxy header, else REMOTE_ADDR)."""

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from rucher.core.audit import audit_record
from rucher.core.clients import client_address

DEVICE_COOKIE = "rucher_device"
_DEVICE_SALT = "rucher.accounts.throttle.device"
DEVICE_MAX_AGE = 365 * 24 * 3600
# People remembered by one browser (a shared computer): the most recent ones.
DEVICE_MAX_PEOPLE = 5

USERNAME_ADDRESS = "username_address"
ADDRESS = "address"
USERNAME = "username"
DEVICE = "device"
# The first lockout keeps its historical audit action (and data), the others name their scope.
_AUDIT_ACTIONS = {
    USERNAME_ADDRESS: "login.throttled",
    ADDRESS: "login.address_throttled",
    USERNAME: "login.username_throttled",
    DEVICE: "login.device_throttled",
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _who(username: str) -> str:
    return _digest(username.strip().casefold())


def _limit(scope: str) -> int:
    if scope == ADDRESS:
        return int(getattr(settings, "RUCHER_LOGIN_MAX_FAILURES_PER_ADDRESS", 50))
    if scope == USERNAME:
        return int(getattr(settings, "RUCHER_LOGIN_MAX_FAILURES_PER_USERNAME", 20))
    return int(settings.RUCHER_LOGIN_MAX_FAILURES)


@dataclass(frozen=True)
class _Counter:
    scope: str
    key: str


def _known_device(request: HttpRequest | None, username: str) -> str | None:
    """The device id of a valid known-device cookie that names this username, else None."""
    if request is None or DEVICE_COOKIE not in request.COOKIES:
        return None
    try:
        state = signing.loads(
            request.COOKIES[DEVICE_COOKIE], salt=_DEVICE_SALT, max_age=DEVICE_MAX_AGE
        )
    except signing.BadSignature:
        return None
    if not isinstance(state, dict) or _who(username) not in state.get("people", []):
        return None
    device = state.get("device")
    return device if isinstance(device, str) else None


def _counters(username: str, request: HttpRequest | None) -> list[_Counter]:
    """The counters an attempt is checked against and adds to: its known device's alone, or
    those of an unknown client."""
    device = _known_device(request, username)
    if device is not None:
        return [_device_counter(username, device)]
    return _client_counters(username, request)


def _device_counter(username: str, device: str) -> _Counter:
    return _Counter(DEVICE, f"rucher:login-failures:device:{_digest(device)}:{_who(username)}")


def _client_counters(username: str, request: HttpRequest | None) -> list[_Counter]:
    who = _who(username)
    where = _digest(client_address(request) or "unknown")
    return [
        _Counter(USERNAME_ADDRESS, f"rucher:login-failures:{who}:{where}"),
        _Counter(ADDRESS, f"rucher:login-failures:address:{where}"),
        _Counter(USERNAME, f"rucher:login-failures:username:{who}"),
    ]


def login_lock(username: str, request: HttpRequest | None = None) -> tuple[int, str]:
    """(seconds until this attempt may be made, the scope that locks it); (0, "") when free."""
    longest, scope = 0, ""
    for counter in _counters(username, request):
        count = cache.get(counter.key) or 0
        if count < _limit(counter.scope):
            continue
        until = cache.get(f"{counter.key}:until") or time.time()
        wait = max(1, int(until - time.time()))
        if wait > longest:
            longest, scope = wait, counter.scope
    return longest, scope


def _bump(key: str) -> int:
    window = int(settings.RUCHER_LOGIN_WINDOW_SECONDS)
    # A fixed window from the first failure; add() and incr() are atomic in Redis.
    cache.add(f"{key}:until", time.time() + window, timeout=window)
    cache.add(key, 0, timeout=window)
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window)
        return 1


def login_failed(username: str, request: HttpRequest | None = None) -> None:
    for counter in _counters(username, request):
        count = _bump(counter.key)
        if count != _limit(counter.scope):
            continue
        # The username, not the password: secrets are never logged.
        data: dict[str, object] = {"failures": count}
        audit_record(
            action=_AUDIT_ACTIONS[counter.scope],
            target="" if counter.scope == ADDRESS else username[:150],
            request=request,
            data=data,
        )


def login_succeeded(username: str, request: HttpRequest | None = None) -> None:
    """Clears this person's counters (the device's and the client's). The address counter
    stays: a sprayer who owns one account must not reset it by signing in."""
    counters = _client_counters(username, request)
    device = _known_device(request, username)
    if device is not None:
        counters.append(_device_counter(username, device))
    keys = [c.key for c in counters if c.scope != ADDRESS]
    cache.delete_many(keys + [f"{key}:until" for key in keys])


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful sign-in: this browser becomes a known device for this person."""
    state: dict[str, object] = {}
    if DEVICE_COOKIE in request.COOKIES:
        try:
            loaded = signing.loads(
                request.COOKIES[DEVICE_COOKIE], salt=_DEVICE_SALT, max_age=DEVICE_MAX_AGE
            )
            state = loaded if isinstance(loaded, dict) else {}
        except signing.BadSignature:
            state = {}
    device = state.get("device")
    if not isinstance(device, str):
        device = secrets.token_urlsafe(16)
    people = [p for p in state.get("people", []) or [] if isinstance(p, str)]  # type: ignore[attr-defined]
    who = _who(username)
    people = [p for p in people if p != who][-(DEVICE_MAX_PEOPLE - 1) :] + [who]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps({"device": device, "people": people}, salt=_DEVICE_SALT),
        max_age=DEVICE_MAX_AGE,
        httponly=True,
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        samesite="Lax",
    )
