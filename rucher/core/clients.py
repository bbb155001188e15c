"""The client's network address: REMOTE_ADDR, or, behind reverse proxies that the operator
trusts, the address they report in RUCHER_TRUSTED_PROXY_HEADER (login throttling and the
audit log rely on it, so a header the client could write itself is never believed)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """With RUCHER_TRUSTED_PROXY_HEADER (e.g. `X-Forwarded-For`) and RUCHER_TRUSTED_PROXY_COUNT
    proxies in front (default 1), the client is the COUNT-th address from the right of that
    header: each proxy appends the address it received the request from, and what lies further
    left was written by the client. Without the setting, or when the header is missing or not an
    address, REMOTE_ADDR."""
    if request is None:
        return None
    remote = _valid(str(request.META.get("REMOTE_ADDR") or ""))
    header = str(getattr(settings, "RUCHER_TRUSTED_PROXY_HEADER", "") or "").strip()
    if not header:
        return remote
    value = str(request.META.get("HTTP_" + header.upper().replace("-", "_"), "") or "")
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    if not hops:
        return remote
    count = max(1, int(getattr(settings, "RUCHER_TRUSTED_PROXY_COUNT", 1)))
    # Fewer hops than proxies: the leftmost one is the farthest the proxies vouch for.
    return _valid(hops[-min(count, len(hops))]) or remote
