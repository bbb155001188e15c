"""The guarded outbound client against a real local HTTP server (allowed through
RUCHER_OUTBOUND_ALLOWED_HOSTS) and its refusals."""

import socket
import time

import pytest
from django.test import override_settings

from rucher.core.outbound import OutboundError, address_refused, fetch
from tests.httpserver import local_server


@pytest.fixture
def server():
    with local_server() as state:
        yield state


def _ok(body=b"hello"):
    return lambda request: (200, {"Content-Type": "text/plain"}, body)


def test_it_fetches_from_an_allowed_local_server(server):
    server.routes["/ok"] = _ok()
    with override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port):
        response = fetch(server.url("/ok"))
    assert response.status == 200
    assert response.body == b"hello"
    assert response.address == "127.0.0.1"


def test_it_refuses_the_local_server_without_the_allow_list(server):
    server.routes["/ok"] = _ok()
    with pytest.raises(OutboundError) as error:
        fetch(server.url("/ok"))
    assert error.value.code == "address_not_allowed"
    assert "RUCHER_OUTBOUND_ALLOWED_HOSTS" in error.value.message
    assert server.received == []


def test_an_allowed_host_on_another_port_is_still_refused(server):
    with (
        override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=f"127.0.0.1:{server.port + 1}"),
        pytest.raises(OutboundError) as error,
    ):
        fetch(server.url("/ok"))
    assert error.value.code == "address_not_allowed"


def test_a_bare_host_entry_allows_every_port(server):
    server.routes["/ok"] = _ok()
    with override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS="other.example, 127.0.0.1"):
        assert fetch(server.url("/ok")).status == 200


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/x", "file:///etc/passwd", "gopher://example.com/", "javascript:alert(1)"],
)
def test_it_refuses_schemes_other_than_http(url):
    with pytest.raises(OutboundError) as error:
        fetch(url)
    assert error.value.code == "scheme_not_allowed"


@pytest.mark.parametrize(
    "url", ["http://", "http://user:pw@example.com/", "http://example.com:99999/"]
)
def test_it_refuses_malformed_urls(url):
    with pytest.raises(OutboundError) as error:
        fetch(url)
    assert error.value.code == "invalid_url"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:8.8.8.8",  # IPv4-mapped, even of a public address
        "2002:a00:1::1",  # 6to4
    ],
)
def test_it_refuses_non_public_addresses(address):
    assert address_refused(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2606:4700:4700::1111", "93.184.216.34"])
def test_it_accepts_public_addresses(address):
    assert not address_refused(address)


def test_it_refuses_ip_literals_of_private_networks():
    for url in ["http://10.0.0.1/", "http://[::1]/", "http://169.254.169.254/latest/meta-data/"]:
        with pytest.raises(OutboundError) as error:
            fetch(url)
        assert error.value.code == "address_not_allowed"


def test_it_refuses_a_name_that_does_not_resolve():
    with pytest.raises(OutboundError) as error:
        fetch("http://no-such-host.invalid/")
    assert error.value.code == "host_not_resolved"


def test_it_follows_redirects_within_allowed_hosts(server):
    server.routes["/start"] = lambda r: (302, {"Location": "/end"}, b"")
    server.routes["/end"] = _ok(b"arrived")
    with override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port):
        response = fetch(server.url("/start"))
    assert response.body == b"arrived"
    assert response.redirects == [server.url("/start")]


def test_it_refuses_a_redirect_to_a_private_address(server):
    with local_server() as private:
        private.routes["/secret"] = _ok(b"secret")
        server.routes["/start"] = lambda r: (302, {"Location": private.url("/secret")}, b"")
        with (
            override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port),
            pytest.raises(OutboundError) as error,
        ):
            fetch(server.url("/start"))
        assert error.value.code == "address_not_allowed"
        assert private.received == []


def test_it_refuses_a_redirect_to_another_scheme(server):
    server.routes["/start"] = lambda r: (301, {"Location": "file:///etc/passwd"}, b"")
    with (
        override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port),
        pytest.raises(OutboundError) as error,
    ):
        fetch(server.url("/start"))
    assert error.value.code == "scheme_not_allowed"


def test_it_stops_after_five_redirects(server):
    server.routes["/loop"] = lambda r: (302, {"Location": "/loop"}, b"")
    with (
        override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port),
        pytest.raises(OutboundError) as error,
    ):
        fetch(server.url("/loop"))
    assert error.value.code == "too_many_redirects"
    assert len(server.received) == 6  # the first request and five redirects


def test_redirects_are_not_followed_when_not_asked(server):
    server.routes["/start"] = lambda r: (302, {"Location": "/end"}, b"")
    with override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port):
        response = fetch(server.url("/start"), follow_redirects=False)
    assert response.status == 302
    assert len(server.received) == 1


def test_it_caps_the_body_size(server):
    server.routes["/big"] = _ok(b"x" * 5000)
    with (
        override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port),
        pytest.raises(OutboundError) as error,
    ):
        fetch(server.url("/big"), max_bytes=1000)
        assert error.value.code == "too_large"
        assert fetch(server.url("/big"), max_bytes=5000).body == b"x" * 5000


def test_it_gives_up_on_a_slow_server(server):
    def slow(request):
        time.sleep(1.5)
        return 200, {}, b"late"

    server.routes["/slow"] = slow
    with (
        override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port),
        pytest.raises(OutboundError) as error,
    ):
        fetch(server.url("/slow"), timeout=0.3)
    assert error.value.code == "timeout"


def test_it_connects_to_the_address_it_checked(server, monkeypatch):
    """No DNS rebinding: the name is resolved once per hop, and the socket is opened on that
    address while the Host header keeps the name."""
    server.routes["/ok"] = _ok()
    calls = []
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        if host == "intranet.example":
            # The first answer is the one checked; a rebinding resolver would answer
            # something else the second time, but there is no second time.
            return real("127.0.0.1", port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=f"intranet.example:{server.port}"):
        response = fetch(f"http://intranet.example:{server.port}/ok")
    assert response.status == 200
    # The other lookup is of the checked IP literal itself (the socket opening on it).
    assert [host for host in calls if host != "127.0.0.1"] == ["intranet.example"]
    assert server.received[0].headers["host"] == f"intranet.example:{server.port}"


def test_a_name_resolving_to_a_private_address_is_refused(monkeypatch):
    real = socket.getaddrinfo

    def fake_getaddrinfo(host, port, *args, **kwargs):
        return real("10.0.0.5", port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(OutboundError) as error:
        fetch("https://looks-public.example/")
    assert error.value.code == "address_not_allowed"


def test_it_reports_a_refused_connection(server):
    port = server.port
    with (
        override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=f"127.0.0.1:{port + 7}"),
        pytest.raises(OutboundError) as error,
    ):
        fetch(f"http://127.0.0.1:{port + 7}/")
    assert error.value.code == "connection_failed"


def test_it_posts_a_body(server):
    server.routes["/hook"] = lambda r: (204, {}, b"")
    with override_settings(RUCHER_OUTBOUND_ALLOWED_HOSTS=server.host_port):
        response = fetch(
            server.url("/hook"),
            method="POST",
            body=b'{"a": 1}',
            headers={"Content-Type": "application/json"},
        )
    assert response.status == 204
    assert server.received[0].body == b'{"a": 1}'
    assert server.received[0].headers["content-type"] == "application/json"
