"""Signing in and out, login throttling, password reset and password hashing."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from rucher.accounts.models import User
from rucher.core.models import AuditEvent

LOGIN = "/accounts/login/"
WRONG_PASSWORDS = [f"wrong-secret-{i}" for i in range(20)]


def _fail(client, username, n, start=0):
    for i in range(start, start + n):
        response = client.post(LOGIN, {"username": username, "password": WRONG_PASSWORDS[i]})
        assert response.status_code == 400


def test_it_shows_the_login_page(client_for, db):
    response = client_for().get(LOGIN)
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_it_signs_in_and_redirects_home(client_for, member, password):
    client = client_for()
    response = client.post(LOGIN, {"username": "bob", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_it_redirects_to_a_local_next(client_for, member, password):
    response = client_for().post(
        LOGIN + "?next=/people/", {"username": "bob", "password": password}
    )
    assert response["Location"] == "/people/"


def test_it_ignores_an_external_next(client_for, member, password):
    response = client_for().post(
        LOGIN, {"username": "bob", "password": password, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_redirects_a_signed_in_person_away_from_login(client_for, member):
    response = client_for(member).get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_rejects_a_wrong_password_with_a_message(client_for, member):
    client = client_for()
    response = client.post(LOGIN, {"username": "bob", "password": "nope"})
    assert response.status_code == 400
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_rejects_an_inactive_person(client_for, departed, password):
    client = client_for()
    response = client.post(LOGIN, {"username": "dave", "password": password})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_it_throttles_a_username_after_too_many_failures(client_for, member, password):
    client = client_for()
    _fail(client, "bob", settings.RUCHER_LOGIN_MAX_FAILURES)
    response = client.post(LOGIN, {"username": "bob", "password": password})
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 0 < retry_after <= settings.RUCHER_LOGIN_WINDOW_SECONDS
    assert "Too many failed attempts for this username" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_throttles_even_from_another_client(client_for, member, password):
    _fail(client_for(), "bob", settings.RUCHER_LOGIN_MAX_FAILURES)
    response = client_for().post(LOGIN, {"username": "bob", "password": password})
    assert response.status_code == 429


def test_it_does_not_throttle_below_the_limit(client_for, member, password):
    client = client_for()
    _fail(client, "bob", settings.RUCHER_LOGIN_MAX_FAILURES - 1)
    response = client.post(LOGIN, {"username": "bob", "password": password})
    assert response.status_code == 302


def test_it_counts_failures_whatever_the_username_case(client_for, member, password):
    client = client_for()
    for i in range(settings.RUCHER_LOGIN_MAX_FAILURES):
        name = "BOB" if i % 2 else " Bob "
        client.post(LOGIN, {"username": name, "password": WRONG_PASSWORDS[i]})
    response = client.post(LOGIN, {"username": "bob", "password": password})
    assert response.status_code == 429


def test_it_audits_the_lockout_once_without_the_password(client_for, member, password):
    client = client_for()
    _fail(client, "bob", settings.RUCHER_LOGIN_MAX_FAILURES)
    client.post(LOGIN, {"username": "bob", "password": password})
    client.post(LOGIN, {"username": "bob", "password": WRONG_PASSWORDS[-1]})
    events = list(AuditEvent.objects.filter(action="login.throttled"))
    assert len(events) == 1
    event = events[0]
    assert event.target == "bob"
    assert event.data == {"failures": settings.RUCHER_LOGIN_MAX_FAILURES}
    assert event.ip_address == "127.0.0.1"
    stored = f"{event.target} {event.data} {event.action}"
    for secret in [password, *WRONG_PASSWORDS]:
        assert secret not in stored


def test_it_leaves_other_usernames_alone(client_for, member, colleague, password):
    _fail(client_for(), "bob", settings.RUCHER_LOGIN_MAX_FAILURES)
    response = client_for().post(LOGIN, {"username": "carol", "password": password})
    assert response.status_code == 302


def test_it_clears_the_failure_count_on_success(client_for, member, password):
    limit = settings.RUCHER_LOGIN_MAX_FAILURES
    _fail(client_for(), "bob", limit - 1)
    assert client_for().post(LOGIN, {"username": "bob", "password": password}).status_code == 302
    _fail(client_for(), "bob", limit - 1, start=limit)
    assert client_for().post(LOGIN, {"username": "bob", "password": password}).status_code == 302


def test_it_honours_a_smaller_configured_limit(client_for, member, password, settings):
    settings.RUCHER_LOGIN_MAX_FAILURES = 2
    _fail(client_for(), "bob", 2)
    assert client_for().post(LOGIN, {"username": "bob", "password": password}).status_code == 429


def test_it_logs_out_with_post(member_client):
    response = member_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    response = member_client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_does_not_log_out_with_get(member_client):
    assert member_client.get("/accounts/logout/").status_code == 405
    assert member_client.get("/").status_code == 200


def test_it_stores_passwords_with_argon2(member):
    assert member.password.startswith("argon2")


@pytest.mark.django_db
def test_it_hashes_new_passwords_with_argon2():
    person = User(username="zoe", email="zoe@example.org")
    person.set_password("another-long-passphrase")
    person.save()
    assert User.objects.get(username="zoe").password.startswith("argon2")


def _reset_link(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_it_emails_a_reset_link_that_sets_a_new_password(client_for, member, password):
    client = client_for()
    response = client.post("/accounts/password/reset/", {"email": "BOB@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.org"]
    assert message.subject
    html = message.alternatives[0][0]
    link = _reset_link(message)
    assert link in html

    response = client.get(link)
    assert response.status_code == 302
    set_password_url = response["Location"]
    response = client.get(set_password_url)
    assert response.status_code == 200
    assert response.context["validlink"]
    new_password = "Un-nouveau-mot-de-passe-2026"
    response = client.post(
        set_password_url, {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"

    member.refresh_from_db()
    assert member.check_password(new_password)
    assert not member.check_password(password)
    assert member.password.startswith("argon2")
    response = client_for().post(LOGIN, {"username": "bob", "password": new_password})
    assert response.status_code == 302


def test_it_refuses_a_used_reset_link(client_for, member):
    client = client_for()
    client.post("/accounts/password/reset/", {"email": "bob@example.org"})
    link = _reset_link(mail.outbox[0])
    set_password_url = client.get(link)["Location"]
    new_password = "Un-nouveau-mot-de-passe-2026"
    client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    response = Client().get(link)
    assert response.status_code == 200
    assert not response.context["validlink"]


def test_it_refuses_a_weak_new_password(client_for, member, password):
    client = client_for()
    client.post("/accounts/password/reset/", {"email": "bob@example.org"})
    set_password_url = client.get(_reset_link(mail.outbox[0]))["Location"]
    response = client.post(set_password_url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    member.refresh_from_db()
    assert member.check_password(password)


def test_it_sends_nothing_for_an_unknown_email_but_says_the_same(client_for, member):
    client = client_for()
    response = client.post(
        "/accounts/password/reset/", {"email": "nobody@example.org"}, follow=True
    )
    assert response.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    assert response.status_code == 200
    assert mail.outbox == []


def test_it_sends_nothing_to_a_departed_person(client_for, departed):
    response = client_for().post("/accounts/password/reset/", {"email": "dave@example.org"})
    assert response["Location"] == "/accounts/password/reset/sent/"
    assert mail.outbox == []
