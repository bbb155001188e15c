"""POST /auth/token, GET /me/tokens, DELETE /me/tokens/{id}."""

import hashlib

import pytest

from rucher.accounts.models import AccessToken
from rucher.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_it_creates_a_token_with_the_password(anon_api, member, password):
    response = anon_api.call(
        "POST", "/auth/token", {"username": "bob", "password": password, "name": "laptop"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "laptop"
    assert body["token"].startswith("rch_")
    token = AccessToken.objects.get(pk=body["id"])
    assert token.person == member
    me = anon_api.call("GET", "/me", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json()["username"] == "bob"


def test_it_names_the_token_api_by_default(anon_api, member, password):
    response = anon_api.call("POST", "/auth/token", {"username": "bob", "password": password})
    assert response.status_code == 201
    assert response.json()["name"] == "API"


def test_it_stores_only_a_hash_of_the_token(anon_api, member, password):
    raw = anon_api.call("POST", "/auth/token", {"username": "bob", "password": password}).json()[
        "token"
    ]
    token = AccessToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [str(v) for v in AccessToken.objects.values_list(flat=False).get()]
    assert raw not in stored
    assert all(raw not in str(e.data) and raw not in e.target for e in AuditEvent.objects.all())


def test_it_rejects_a_wrong_password(anon_api, member):
    response = anon_api.call("POST", "/auth/token", {"username": "bob", "password": "nope"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"
    assert not AccessToken.objects.exists()


def test_it_rejects_an_unknown_username(anon_api, db):
    response = anon_api.call("POST", "/auth/token", {"username": "nobody", "password": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "invalid_credentials"


def test_it_refuses_a_departed_person_even_with_the_right_password(anon_api, departed, password):
    response = anon_api.call("POST", "/auth/token", {"username": "dave", "password": password})
    assert response.status_code == 401
    assert not AccessToken.objects.exists()


def test_it_throttles_repeated_failures(anon_api, member, password, settings):
    settings.RUCHER_LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        response = anon_api.call("POST", "/auth/token", {"username": "bob", "password": "bad"})
        assert response.status_code == 401
    # Locked: even the right password is refused until the window ends.
    response = anon_api.call("POST", "/auth/token", {"username": "bob", "password": password})
    assert response.status_code == 429
    assert response.json()["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert not AccessToken.objects.exists()
    assert AuditEvent.objects.filter(action="login.throttled").exists()


def test_it_resets_the_failure_count_after_a_success(anon_api, member, password, settings):
    settings.RUCHER_LOGIN_MAX_FAILURES = 2
    anon_api.call("POST", "/auth/token", {"username": "bob", "password": "bad"})
    assert (
        anon_api.call("POST", "/auth/token", {"username": "bob", "password": password}).status_code
        == 201
    )
    anon_api.call("POST", "/auth/token", {"username": "bob", "password": "bad"})
    assert (
        anon_api.call("POST", "/auth/token", {"username": "bob", "password": password}).status_code
        == 201
    )


def test_it_requires_username_and_password(anon_api, db):
    response = anon_api.call("POST", "/auth/token", {"username": "bob"})
    assert response.status_code == 422
    assert response.json()["fields"] == {"password": ["This field is required."]}


def test_it_lists_my_tokens_without_their_secret(api, member, colleague, token_for):
    token_for(colleague)
    response = api.call("GET", "/me/tokens")
    assert response.status_code == 200
    body = response.json()
    assert body["next"] is None
    assert len(body["items"]) == 1
    item = body["items"][0]
    assert set(item) == {
        "id",
        "name",
        "prefix",
        "created_at",
        "last_used_at",
        "scopes",
        "expires_at",
    }
    assert item["prefix"].startswith("rch_")
    assert item["last_used_at"] is not None  # this very request used it


def test_a_revoked_token_stops_working(api, member):
    token_id = AccessToken.objects.get(person=member).pk
    response = api.call("DELETE", f"/me/tokens/{token_id}")
    assert response.status_code == 204
    assert not AccessToken.objects.filter(pk=token_id).exists()
    response = api.call("GET", "/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_it_cannot_revoke_someone_elses_token(api, colleague, token_for):
    token_for(colleague)
    theirs = AccessToken.objects.get(person=colleague)
    response = api.call("DELETE", f"/me/tokens/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert AccessToken.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("token_id", ["0", "abc", str(2**70)])
def test_it_rejects_impossible_token_ids(api, token_id):
    response = api.call("DELETE", f"/me/tokens/{token_id}")
    assert response.status_code in (404, 422)
    assert "code" in response.json()


def test_reading_me_writes_the_token_at_most_once_a_minute(anon_api, member):
    """GET /me with a token: the first use writes last_used_at, a second within the minute
    writes nothing (reads never need the write lock), a use a minute later writes again."""
    from datetime import timedelta
    from unittest import mock

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from rucher.accounts import services

    token, raw = services.token_create(person=member, name="hot")
    start = timezone.now()

    def writes_of(at):
        with (
            mock.patch("django.utils.timezone.now", return_value=at),
            CaptureQueriesContext(connection) as queries,
        ):
            response = anon_api.call("GET", "/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 200
        # The day's activity fact (analytics) is its own once-a-day write, behind a cache guard.
        return [
            q["sql"]
            for q in queries.captured_queries
            if not q["sql"].startswith("SELECT")
            and "SAVEPOINT" not in q["sql"]
            and "analytics_activityday" not in q["sql"]
        ]

    assert len(writes_of(start)) == 1
    assert writes_of(start + timedelta(seconds=30)) == []
    assert writes_of(start + timedelta(seconds=59)) == []
    later = writes_of(start + timedelta(seconds=61))
    assert len(later) == 1 and "last_used_at" in later[0]
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_a_read_only_token_reads_but_may_not_write(member, password):
    from tests.api.conftest import ApiClient

    created = ApiClient().call(
        "POST",
        "/auth/token",
        {"username": member.username, "password": password, "scopes": ["read"]},
    )
    assert created.status_code == 201
    assert created.json()["scopes"] == ["read"]
    client = ApiClient(HTTP_AUTHORIZATION=f"Bearer {created.json()['token']}")
    assert client.call("GET", "/me").status_code == 200
    response = client.call("PATCH", "/me", {"job_title": "Writer"})
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"
    member.refresh_from_db()
    assert member.job_title != "Writer"


def test_an_expired_token_is_refused(member):
    from datetime import timedelta

    from django.utils import timezone

    from rucher.accounts import services
    from rucher.accounts.models import AccessToken
    from tests.api.conftest import ApiClient

    token, raw = services.token_create(person=member, name="short", expires_in_days=1)
    assert token.expires_at is not None
    client = ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert client.call("GET", "/me").status_code == 200
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.call("GET", "/me").status_code == 401


@pytest.mark.parametrize(
    "extra",
    [{"scopes": ["admin"]}, {"scopes": []}, {"expires_in_days": 0}, {"expires_in_days": 9999}],
)
def test_bad_scopes_or_expiry_are_refused(member, password, extra):
    from rucher.accounts.models import AccessToken
    from tests.api.conftest import ApiClient

    response = ApiClient().call(
        "POST", "/auth/token", {"username": member.username, "password": password, **extra}
    )
    assert response.status_code in (400, 422)
    assert not AccessToken.objects.filter(person=member).exists()


def test_administrators_list_and_revoke_every_token(admin_api, member, token_for, api):
    from rucher.accounts.models import AccessToken

    token_for(member)
    listed = admin_api.call("GET", "/tokens?limit=100").json()
    assert member.username in {t["person"] for t in listed["items"]}
    mine = AccessToken.objects.filter(person=member).first()
    assert admin_api.call("DELETE", f"/tokens/{mine.pk}").status_code == 204
    assert not AccessToken.objects.filter(pk=mine.pk).exists()
    assert api.call("GET", "/tokens").status_code in (401, 403)


def test_a_member_may_not_list_every_token(api):
    response = api.call("GET", "/tokens")
    assert response.status_code == 403


def test_the_token_lookup_is_the_orms_with_its_person_in_one_query(member):
    """token_lookup runs a query compiled once per process (rucher.core.prepared, a string
    value and a select_related): the same token and person as the ORM, or none."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rucher.accounts import services

    token, raw = services.token_create(person=member, name="t")
    services.token_lookup(raw)  # the once-a-minute touch out of the way
    with CaptureQueriesContext(connection) as ctx:
        found = services.token_lookup(raw)
        assert found is not None and found.pk == token.pk
        person = found.person
    assert len(ctx.captured_queries) == 1
    expected = AccessToken.objects.select_related("person").get(pk=token.pk)
    for field in AccessToken._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname)
    for field in type(member)._meta.concrete_fields:
        assert getattr(person, field.attname) == getattr(expected.person, field.attname)
    assert found.can_write and not found._state.adding and not person._state.adding
    assert services.token_lookup(raw[:-1] + ("x" if raw[-1] != "x" else "y")) is None
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    assert services.token_lookup(raw) is None
