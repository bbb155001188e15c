"""Login throttling per (username, address), per address and per username, known devices,
and the client address behind trusted proxies (issue 13, item 3)."""

import pytest
from django.test import Client, RequestFactory

from rucher.accounts import throttle
from rucher.core.clients import client_address
from rucher.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"


def attempt(client, username, password, address="10.0.0.1", **extra):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def fail(client, username, n, address="10.0.0.1"):
    for i in range(n):
        assert attempt(client, username, f"wrong-{i}", address).status_code == 400


@pytest.fixture
def limits(settings):
    settings.RUCHER_LOGIN_MAX_FAILURES = 3
    settings.RUCHER_LOGIN_MAX_FAILURES_PER_ADDRESS = 5
    settings.RUCHER_LOGIN_MAX_FAILURES_PER_USERNAME = 4
    return settings


def test_a_colleague_elsewhere_cannot_lock_me_out(client_for, member, password, limits):
    fail(client_for(), "bob", 3, address="10.0.0.66")
    assert attempt(client_for(), "bob", password, "10.0.0.66").status_code == 429
    assert attempt(client_for(), "bob", password, "10.0.0.7").status_code == 302


def test_password_spraying_from_one_address_is_stopped(
    client_for, member, colleague, password, limits
):
    client = client_for()
    for i, username in enumerate(["ann", "ben", "cid", "dan", "eve"]):
        assert attempt(client, username, f"Spring2026-{i}", "10.0.0.66").status_code == 400
    response = attempt(client, "carol", password, "10.0.0.66")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts from your network" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    event = AuditEvent.objects.get(action="login.address_throttled")
    assert (event.ip_address, event.target, event.data) == ("10.0.0.66", "", {"failures": 5})
    # Another address is not concerned.
    assert attempt(client_for(), "carol", password, "10.0.0.8").status_code == 302


def test_a_success_does_not_reset_the_address_counter(client_for, member, password, limits):
    client = client_for()
    for username in ["ann", "ben", "cid", "dan"]:
        attempt(client, username, "guess", "10.0.0.66")
    assert attempt(client_for(), "bob", password, "10.0.0.66").status_code == 302
    attempt(client_for(), "eve", "guess", "10.0.0.66")
    assert attempt(client_for(), "carol", "guess", "10.0.0.66").status_code == 429


def test_guessing_one_username_from_many_addresses_is_stopped(client_for, member, password, limits):
    for i in range(4):
        attempt(client_for(), "bob", "guess", f"10.0.1.{i}")
    assert attempt(client_for(), "bob", password, "10.0.1.99").status_code == 429
    event = AuditEvent.objects.get(action="login.username_throttled")
    assert (event.target, event.data) == ("bob", {"failures": 4})


def test_a_known_device_still_signs_in_during_a_lockout(client_for, member, password, limits):
    laptop = client_for()
    assert attempt(laptop, "bob", password, "10.0.0.1").status_code == 302
    assert throttle.DEVICE_COOKIE in laptop.cookies
    laptop.post("/accounts/logout/")
    # Someone locks bob's username from everywhere, and the office's shared address.
    for i in range(4):
        attempt(client_for(), "bob", "guess", f"10.0.2.{i}")
    for username in ["ann", "ben", "cid", "dan", "eve"]:
        attempt(client_for(), username, "guess", "10.0.0.1")
    assert attempt(client_for(), "bob", password, "10.0.0.1").status_code == 429
    assert attempt(laptop, "bob", password, "10.0.0.1").status_code == 302


def test_a_known_device_is_limited_to_its_own_failures(client_for, member, password, limits):
    laptop = client_for()
    attempt(laptop, "bob", password)
    laptop.post("/accounts/logout/")
    fail(laptop, "bob", 3)
    assert attempt(laptop, "bob", password).status_code == 429
    assert AuditEvent.objects.filter(action="login.device_throttled", target="bob").exists()
    # The device is known for bob only: carol from the same browser is an unknown client.
    assert throttle.login_lock("carol", _request_with(laptop))[0] == 0


def test_a_forged_or_foreign_device_cookie_is_an_unknown_client(
    client_for, member, colleague, password, limits
):
    carols = client_for()
    attempt(carols, "carol", password, "10.0.0.9")
    carols.post("/accounts/logout/")
    fail(client_for(), "bob", 3)
    assert attempt(carols, "bob", password, "10.0.0.1").status_code == 429  # names carol only
    forged = client_for()
    forged.cookies[throttle.DEVICE_COOKIE] = carols.cookies[throttle.DEVICE_COOKIE].value + "x"
    assert attempt(forged, "bob", password, "10.0.0.1").status_code == 429


def _request_with(client: Client):
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="10.0.0.1")
    request.COOKIES = {name: morsel.value for name, morsel in client.cookies.items()}
    return request


# --- the API token endpoint --------------------------------------------------------------------


def test_the_token_endpoint_throttles_per_address_too(member, colleague, password, limits):
    api = Client(HTTP_ACCEPT_LANGUAGE="en")

    def token(username, secret, address):
        return api.post(
            TOKEN,
            {"username": username, "password": secret},
            content_type="application/json",
            REMOTE_ADDR=address,
        )

    for _ in range(3):
        assert token("bob", "guess", "10.0.0.66").status_code == 401
    assert token("bob", password, "10.0.0.66").status_code == 429
    assert token("bob", password, "10.0.0.5").status_code == 201
    for username in ["ann", "ben"]:
        token(username, "guess", "10.0.0.66")
    response = token("carol", password, "10.0.0.66")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited"
    assert "from your network" in body["detail"]
    assert int(response["Retry-After"]) > 0


# --- the client address ------------------------------------------------------------------------


def _meta(**meta):
    return RequestFactory().get("/", **meta)


def test_the_address_is_remote_addr_unless_a_proxy_header_is_configured(settings):
    request = _meta(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_address(request) == "10.0.0.1"
    settings.RUCHER_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    assert client_address(request) == "203.0.113.9"


def test_only_the_addresses_the_trusted_proxies_wrote_are_believed(settings):
    settings.RUCHER_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    # The client wrote "1.2.3.4" itself; the one proxy appended the address it saw.
    request = _meta(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_address(request) == "203.0.113.9"
    settings.RUCHER_TRUSTED_PROXY_COUNT = 2
    request = _meta(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9, 10.0.0.2")
    assert client_address(request) == "203.0.113.9"
    for bad in ("", "not-an-address", " , "):
        assert client_address(_meta(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=bad)) == (
            "10.0.0.1"
        )
    settings.RUCHER_TRUSTED_PROXY_HEADER = "X-Real-IP"
    assert client_address(_meta(REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="2001:db8::1")) == (
        "2001:db8::1"
    )


def test_behind_a_proxy_throttling_and_audit_use_the_forwarded_address(
    client_for, member, password, limits
):
    limits.RUCHER_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    for i in range(3):
        attempt(client_for(), "bob", f"wrong-{i}", "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    event = AuditEvent.objects.get(action="login.throttled")
    assert event.ip_address == "198.51.100.7"
    # The same proxy, another client: not locked.
    response = attempt(
        client_for(), "bob", password, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert response.status_code == 302
