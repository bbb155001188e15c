"""Incoming webhooks: a community's managers create a token; an integration posts with it as a
named bot (no points, not in the directory); bad or revoked tokens get 401, big bodies 413."""

import pytest

from rucher.accounts.models import User
from rucher.actions import likes as like_actions
from rucher.content.models import Post
from rucher.integrations.models import IncomingToken
from rucher.recognition.models import PointsEntry
from tests.api.conftest import ApiClient


def _token(client, slug, name="CI bot"):
    return client.call("POST", f"/communities/{slug}/incoming-tokens", {"name": name})


def _incoming(slug, token, data):
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {token}").call(
        "POST", f"/communities/{slug}/incoming", data
    )


@pytest.fixture
def open_token(world, client_for):
    response = _token(client_for(world.people["manager"]), world.communities["open"].slug)
    assert response.status_code == 201, response.json()
    return response.json()


def test_a_manager_creates_a_token_and_the_integration_posts_as_its_bot(world, open_token):
    slug = world.communities["open"].slug
    assert open_token["token"].startswith("rin_")
    assert open_token["name"] == "CI bot"
    response = _incoming(
        slug, open_token["token"], {"title": "Build #12", "body": "Green **build**"}
    )
    assert response.status_code == 201, response.json()
    post = Post.objects.select_related("author").get(pk=response.json()["id"])
    assert post.title == "Build #12"
    assert post.author.is_bot
    assert post.author.display_name == "CI bot"
    assert post.author.username == open_token["bot"]
    assert list(post.communities.values_list("slug", flat=True)) == [slug]
    assert not post.author.has_usable_password()


def test_the_bot_earns_no_points_and_is_not_in_the_directory(world, open_token, client_for):
    slug = world.communities["open"].slug
    post_id = _incoming(slug, open_token["token"], {"body": "Deployed"}).json()["id"]
    bot = User.objects.get(username=open_token["bot"])
    like_actions.post_like(person=world.people["member"], post=Post.objects.get(pk=post_id))
    assert not PointsEntry.objects.filter(person=bot).exists()
    directory = client_for(world.people["member"]).call("GET", "/people?limit=100").json()
    assert bot.username not in [p["username"] for p in directory["items"]]
    board = client_for(world.people["member"]).call("GET", "/leaderboard?period=all").json()
    assert bot.username not in str(board)


@pytest.mark.parametrize("token", ["", "rin_wrong", "rch_notanincomingtoken", "x" * 200])
def test_a_bad_token_gets_401(world, open_token, token):
    response = _incoming(world.communities["open"].slug, token, {"body": "Hi"})
    assert response.status_code == 401
    assert not Post.objects.exists()


def test_a_revoked_token_gets_401(world, open_token, client_for):
    manager = client_for(world.people["manager"])
    assert manager.call("DELETE", f"/incoming-tokens/{open_token['id']}").status_code == 204
    response = _incoming(world.communities["open"].slug, open_token["token"], {"body": "Hi"})
    assert response.status_code == 401
    assert not Post.objects.exists()


def test_a_token_only_works_for_its_community(world, open_token):
    response = _incoming(world.communities["private"].slug, open_token["token"], {"body": "Hi"})
    assert response.status_code == 401
    response = _incoming("no-such-community", open_token["token"], {"body": "Hi"})
    assert response.status_code == 401


def test_an_oversized_body_gets_413(world, open_token, settings):
    settings.RUCHER_INCOMING_MAX_BYTES = 1000
    response = _incoming(world.communities["open"].slug, open_token["token"], {"body": "x" * 2000})
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert not Post.objects.exists()


def test_bad_input_is_refused_with_nothing_written(world, open_token):
    slug = world.communities["open"].slug
    assert _incoming(slug, open_token["token"], {"title": "No body"}).status_code == 422
    assert _incoming(slug, open_token["token"], {"body": "   "}).status_code in (400, 422)
    assert not Post.objects.exists()


def test_only_managers_create_tokens(world, client_for):
    slug = world.communities["secret"].slug
    assert _token(client_for(world.people["member"]), slug).status_code == 403
    assert _token(client_for(world.people["outsider"]), slug).status_code == 404
    assert not IncomingToken.objects.exists()
    assert _token(client_for(world.people["manager"]), slug, name="").status_code in (400, 422)


def test_listing_and_revoking_tokens(world, open_token, client_for):
    slug = world.communities["open"].slug
    manager = client_for(world.people["manager"])
    listed = manager.call("GET", f"/communities/{slug}/incoming-tokens").json()
    assert [t["id"] for t in listed["items"]] == [open_token["id"]]
    assert "token" not in listed["items"][0]
    # A member of the community may not revoke it, an outsider does not see it.
    member = client_for(world.people["member"])
    assert member.call("DELETE", f"/incoming-tokens/{open_token['id']}").status_code == 404
    assert IncomingToken.objects.get().revoked_at is None
