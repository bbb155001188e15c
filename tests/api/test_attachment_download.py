"""Files through the API (issue 14, item 2): the `url` the API gives for an attachment accepts
the caller's Bearer token, with the same access check and the same safe headers as for a
browser's session."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rucher.accounts import services as accounts
from tests.communities.personas import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_world(admin_user)


def _bearer(person):
    _token, raw = accounts.token_create(person=person, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def secret_file(world):
    api = _bearer(world.people["member"])
    upload = SimpleUploadedFile("notes.txt", b"secret minutes", content_type="text/plain")
    body = api.post("/api/v1/attachments", {"file": upload}).json()
    post = api.post(
        "/api/v1/posts",
        {"communities": ["secret-club"], "body": "minutes", "attachments": [body["id"]]},
        content_type="application/json",
    )
    assert post.status_code == 201
    return body["url"]


def test_a_member_downloads_with_the_token(world, secret_file):
    response = _bearer(world.people["manager"]).get(secret_file)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"secret minutes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Disposition"].startswith("attachment")
    assert "sessionid" not in response.cookies  # a token call opens no session


def test_an_outsider_token_gets_404(world, secret_file):
    assert _bearer(world.people["outsider"]).get(secret_file).status_code == 404


def test_a_bad_token_is_401_in_the_error_shape(world, secret_file):
    response = Client(HTTP_AUTHORIZATION="Bearer rch_nope").get(secret_file)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_browser_without_a_session_goes_to_the_login_page(world, secret_file):
    response = Client().get(secret_file, HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_session_still_works(world, secret_file):
    client = Client()
    client.force_login(world.people["member"])
    assert client.get(secret_file).status_code == 200
