"""Who may call the API: tokens, the session with CSRF, and nobody else."""

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from rucher.accounts.models import User

pytestmark = pytest.mark.django_db


def test_it_requires_credentials(anon_api):
    response = anon_api.call("GET", "/me")
    assert response.status_code == 401
    assert response.json() == {
        "detail": response.json()["detail"],
        "code": "not_authenticated",
    }
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_it_refuses_an_anonymous_write_with_401(anon_api):
    response = anon_api.call("PATCH", "/me", {"bio": "x"})
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Bearer rch_not-a-real-token", "Bearer ", "Bearer x" * 50])
def test_it_refuses_a_bad_token(db, header):
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_bearer_token_authenticates(api):
    response = api.call("GET", "/me")
    assert response.status_code == 200
    assert response.json()["username"] == "bob"


def test_a_bad_token_does_not_fall_back_to_the_session(member):
    client = Client(HTTP_AUTHORIZATION="Bearer rch_revoked")
    client.force_login(member)
    assert client.get("/api/v1/me").status_code == 401


def test_a_departed_persons_token_stops_working(member, client_for):
    client = client_for(member)
    assert client.call("GET", "/me").status_code == 200
    User.objects.filter(pk=member.pk).update(is_active=False)
    response = client.call("GET", "/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_session_authenticates_reads(member_client):
    response = member_client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["username"] == "bob"


def test_a_departed_persons_session_stops_working(member, member_client):
    User.objects.filter(pk=member.pk).update(is_active=False)
    assert member_client.get("/api/v1/me").status_code == 401


def test_session_writes_require_the_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.patch("/api/v1/me", {"bio": "Hello"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    member.refresh_from_db()
    assert member.bio == ""

    token = _get_new_csrf_string()  # what any page of the web UI sets in the cookie
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    response = client.patch(
        "/api/v1/me", {"bio": "Hello"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.bio == "Hello"


def test_token_writes_need_no_csrf_token(member, token_for):
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token_for(member)}")
    response = client.patch("/api/v1/me", {"bio": "Hi"}, content_type="application/json")
    assert response.status_code == 200


def test_the_openapi_schema_is_for_members_only(anon_api, api):
    response = anon_api.get("/api/v1/openapi.json")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/people/{username}/follow" in paths
    assert "/api/v1/auth/token" in paths


def test_the_docs_are_for_members_only(db, member_client):
    response = Client().get("/api/v1/docs", HTTP_ACCEPT="text/html")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Client().get("/api/v1/docs").status_code == 401
    assert member_client.get("/api/v1/docs").status_code == 200
