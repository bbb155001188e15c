"""The settings page: preferences and personal access tokens."""

import hashlib

import pytest

from rucher.accounts import services
from rucher.accounts.models import AccessToken
from rucher.core.models import AuditEvent

URL = "/settings/"


@pytest.fixture
def client(client_for, member):
    return client_for(member)


def _create_token(client, name="CI"):
    response = client.post(URL, {"form": "token", "name": name})
    assert response.status_code == 200
    return response, response.context["new_token"]


def test_it_shows_the_settings(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["new_token"] is None


def test_it_requires_sign_in(client_for, db):
    assert client_for().get(URL)["Location"] == "/accounts/login/?next=/settings/"


def test_it_saves_meet_opt_out_and_language(client, member):
    response = client.post(URL, {"form": "preferences", "language": "en", "meet_opt_out": "on"})
    assert response.status_code == 302
    assert response["Location"] == URL
    member.refresh_from_db()
    assert member.meet_opt_out is True
    assert member.language == "en"
    assert response.cookies["rucher_language"].value == "en"


def test_it_clears_meet_opt_out_and_follows_the_browser_again(client, member):
    member.meet_opt_out = True
    member.language = "fr"
    member.save()
    response = client.post(URL, {"form": "preferences", "language": ""})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.meet_opt_out is False
    assert member.language == ""


def test_it_saves_the_grammatical_gender_and_neutral_is_the_default(client, member):
    assert member.grammatical_gender == ""
    body = client.get(URL).content.decode()
    assert 'name="grammatical_gender"' in body
    response = client.post(URL, {"form": "preferences", "grammatical_gender": "m"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.grammatical_gender == "m"
    response = client.post(URL, {"form": "preferences", "grammatical_gender": "x"})
    assert response.context["form"].errors["grammatical_gender"]
    member.refresh_from_db()
    assert member.grammatical_gender == "m"


def test_it_rejects_an_unknown_language(client, member):
    response = client.post(URL, {"form": "preferences", "language": "de"})
    assert response.context["form"].errors["language"]
    member.refresh_from_db()
    assert member.language == ""


def test_it_shows_a_new_token_once(client, member):
    response, raw = _create_token(client)
    assert raw.startswith("rch_")
    assert raw in response.content.decode()
    assert raw not in client.get(URL).content.decode()
    token = AccessToken.objects.get(person=member)
    assert token.name == "CI"
    assert token.prefix == raw[:10]


def test_it_stores_only_the_hash_of_a_token(client, member):
    _, raw = _create_token(client)
    token = AccessToken.objects.get()
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    for row in AccessToken.objects.values():
        assert raw not in " ".join(str(value) for value in row.values())
    audit = " ".join(str(e.data) + e.target for e in AuditEvent.objects.all())
    assert raw not in audit


def test_it_authenticates_with_a_token_until_revoked(client, member):
    _, raw = _create_token(client)
    assert services.token_authenticate(raw) == member
    token = AccessToken.objects.get()
    response = client.post(URL, {"form": "revoke", "token": str(token.pk)})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert not AccessToken.objects.exists()
    assert services.token_authenticate(raw) is None
    assert AuditEvent.objects.filter(action="token.revoke", actor=member).exists()


def test_it_gives_404_when_revoking_someone_elses_token(client, colleague):
    token, raw = services.token_create(person=colleague, name="theirs")
    response = client.post(URL, {"form": "revoke", "token": str(token.pk)})
    assert response.status_code == 404
    assert AccessToken.objects.filter(pk=token.pk).exists()
    assert services.token_authenticate(raw) == colleague


@pytest.mark.parametrize("token_id", ["999999", "abc", ""])
def test_it_gives_404_for_a_bogus_token_id(client, token_id):
    assert client.post(URL, {"form": "revoke", "token": token_id}).status_code == 404


def test_it_requires_a_token_name(client):
    response = client.post(URL, {"form": "token", "name": ""})
    assert response.context["token_form"].errors["name"]
    assert not AccessToken.objects.exists()


def test_it_refuses_tokens_of_departed_people(departed):
    _, raw = services.token_create(person=departed, name="old")
    assert services.token_authenticate(raw) is None


@pytest.mark.parametrize("raw", ["", "rch_unknown", "Bearer rch_x", "rch_" + "x" * 200])
def test_it_refuses_unknown_tokens(db, raw):
    assert services.token_authenticate(raw) is None


def test_it_touches_last_used_at_at_most_once_a_minute(member):
    token, raw = services.token_create(person=member, name="t")
    services.token_authenticate(raw)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    services.token_authenticate(raw)
    token.refresh_from_db()
    assert token.last_used_at == first
