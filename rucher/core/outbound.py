"""The guarded outbound HTTP client: every request Rucher makes to a URL someone typed (webhooks,
watch feeds) goes through `fetch`, so that nobody can make the server reach its own network.

The guard (ARCHITECTURE.md, issue 19 "Fetch guard"):
- http and https only, no credentials in the URL;
- the host is resolved once per hop and every address it resolves to must be public
  (loopback, private, link-local, multicast, reserved, unspecified, shared, IPv4-mapped and
  other non-global addresses are refused), unless the host (or host:port) is listed in
  RUCHER_OUTBOUND_ALLOWED_HOSTS;
- the connection goes to the address that was checked (the socket is opened on that IP, TLS
  still verifies the certificate for the host name), so a second DNS answer cannot point the
  request elsewhere (DNS rebinding);
- each redirect is checked the same way, at most `max_redirects` (5) of them;
- one deadline for the whole exchange (10 s) and a cap on the body (5 MB).
Failures raise `OutboundError` with a stable `code` and a message fit to show to the person
who typed the URL.
"""

import http.client
import ipaddress
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


class OutboundError(Exception):
    """A refused or failed outbound request; `code` is stable, the message is for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class OutboundResponse:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    url: str  # the final URL, after redirects
    address: str  # the IP address the final request went to
    redirects: list[str] = field(default_factory=list)


def allowed_hosts() -> frozenset[str]:
    """RUCHER_OUTBOUND_ALLOWED_HOSTS as lower-case `host` and `host:port` entries."""
    raw = getattr(settings, "RUCHER_OUTBOUND_ALLOWED_HOSTS", "") or ""
    if isinstance(raw, str):
        raw = raw.split(",")
    return frozenset(entry.strip().lower() for entry in raw if entry.strip())


def address_refused(address: str) -> bool:
    """True for any address a request from the server must not reach by default."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    # ::ffff:10.0.0.1 and friends reach IPv4 hosts: refuse them outright rather than judging
    # the embedded address (a classic way round naive filters).
    if isinstance(ip, ipaddress.IPv6Address) and (
        ip.ipv4_mapped is not None or ip.sixtofour is not None or ip.teredo is not None
    ):
        return True
    return bool(
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global  # shared address space (100.64/10), documentation ranges…
    )


def _host_allowed(host: str, port: int, allow: frozenset[str]) -> bool:
    host = host.lower().strip("[]")
    return host in allow or f"{host}:{port}" in allow or f"[{host}]:{port}" in allow


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent on the request line


def _parse(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise OutboundError("invalid_url", _("This address is not a valid URL.")) from error
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise OutboundError(
            "scheme_not_allowed", _("Only http:// and https:// addresses are allowed.")
        )
    if not parts.hostname:
        raise OutboundError("invalid_url", _("This address has no host name."))
    if parts.username is not None or parts.password is not None:
        raise OutboundError(
            "invalid_url", _("Addresses with a user name or password are not allowed.")
        )
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    if any(ch in path for ch in "\r\n \t"):
        raise OutboundError("invalid_url", _("This address is not a valid URL."))
    return _Target(
        scheme=scheme,
        host=parts.hostname,
        port=port or (443 if scheme == "https" else 80),
        path=path,
    )


def resolve_checked(host: str, port: int) -> str:
    """The address to connect to for host:port, after the guard; raises OutboundError."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OutboundError(
            "host_not_resolved", _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from error
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise OutboundError(
            "host_not_resolved", _("The host name %(host)s could not be resolved.") % {"host": host}
        )
    # Every answer must be public: a name resolving to one public and one private address
    # could otherwise be steered to the private one.
    if not _host_allowed(host, port, allowed_hosts()) and any(
        address_refused(address) for address in addresses
    ):
        raise OutboundError(
            "address_not_allowed",
            _(
                "%(host)s points to a private or reserved network address; ask an "
                "administrator to allow it (RUCHER_OUTBOUND_ALLOWED_HOSTS)."
            )
            % {"host": host},
        )
    return addresses[0]


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Speaks to `host` (Host header) but connects to the address that was checked."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._address = address
        self._ssl_context = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        # The certificate is still checked against the host name (SNI and verification).
        self.sock = self._ssl_context.wrap_socket(sock, server_hostname=self.host)


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise OutboundError("timeout", _("The server took too long to answer."))
    return left


def fetch(
    url: str,
    *,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    body: bytes | None = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    max_redirects: int = 5,
    follow_redirects: bool = True,
) -> OutboundResponse:
    """One guarded HTTP exchange; redirects are followed (and re-checked) when asked."""
    timeout = timeout if timeout is not None else settings.RUCHER_OUTBOUND_TIMEOUT
    max_bytes = max_bytes if max_bytes is not None else settings.RUCHER_OUTBOUND_MAX_BYTES
    deadline = time.monotonic() + timeout
    redirects: list[str] = []
    current = url
    while True:
        target = _parse(current)
        address = resolve_checked(target.host, target.port)
        status, response_headers, content = _exchange(
            target,
            address,
            method=method,
            headers=headers or {},
            body=body,
            deadline=deadline,
            max_bytes=max_bytes,
        )
        if not (
            follow_redirects and status in REDIRECT_STATUSES and "location" in response_headers
        ):
            return OutboundResponse(
                status=status,
                headers=response_headers,
                body=content,
                url=current,
                address=address,
                redirects=redirects,
            )
        if len(redirects) >= max_redirects:
            raise OutboundError(
                "too_many_redirects",
                _("Too many redirects (more than %(count)d).") % {"count": max_redirects},
            )
        redirects.append(current)
        current = urljoin(current, response_headers["location"])
        if status == 303 or (status in (301, 302) and method == "POST"):
            method, body = "GET", None


def _exchange(
    target: _Target,
    address: str,
    *,
    method: str,
    headers: Mapping[str, str],
    body: bytes | None,
    deadline: float,
    max_bytes: int,
) -> tuple[int, dict[str, str], bytes]:
    connection: http.client.HTTPConnection
    if target.scheme == "https":
        connection = _PinnedHTTPSConnection(
            target.host,
            target.port,
            address=address,
            timeout=_remaining(deadline),
            context=ssl.create_default_context(),
        )
    else:
        connection = _PinnedHTTPConnection(
            target.host, target.port, address=address, timeout=_remaining(deadline)
        )
    try:
        all_headers = {"User-Agent": "Rucher", "Accept-Encoding": "identity", **headers}
        connection.request(method, target.path, body=body, headers=all_headers)
        response = connection.getresponse()
        response_headers = {name.lower(): value for name, value in response.getheaders()}
        length = response_headers.get("content-length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise _too_large(max_bytes)
        chunks: list[bytes] = []
        size = 0
        while True:
            if connection.sock is not None:
                connection.sock.settimeout(_remaining(deadline))
            chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
            _remaining(deadline)
        return response.status, response_headers, b"".join(chunks)
    except OutboundError:
        raise
    except TimeoutError as error:
        raise OutboundError("timeout", _("The server took too long to answer.")) from error
    except ssl.SSLError as error:
        raise OutboundError(
            "tls_error", _("Secure connection failed: %(error)s") % {"error": error}
        ) from error
    except (OSError, http.client.HTTPException) as error:
        raise OutboundError(
            "connection_failed",
            _("Could not reach %(host)s: %(error)s") % {"host": target.host, "error": error},
        ) from error
    finally:
        connection.close()


def _too_large(max_bytes: int) -> OutboundError:
    return OutboundError(
        "too_large",
        _("The answer is larger than %(size)d MB.") % {"size": max(1, max_bytes // 1_000_000)},
    )
