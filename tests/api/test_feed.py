"""GET /api/v1/feed: shape, access, keyset pages, tampered cursor, fixed query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.content import curation
from tests.communities.personas import build_world
from tests.notifications.posts import make_post
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def test_it_answers_the_feed_with_its_blocks(world, client_for):
    w, owner = world.communities, world.people["owner"]
    post = make_post(owner, [w["open"], w["secret"]], title="Hello", body="Bonjour")
    pinned = make_post(owner, [w["open"]], title="Pinned")
    curation.post_pin(actor=owner, post=pinned)
    body = client_for(world.people["outsider"]).call("get", "/feed").json()
    # The outsider is in no community and follows nobody.
    assert body == {"items": [], "next": None, "on_top": [], "selected": []}
    body = client_for(world.people["member"]).call("get", "/feed").json()
    assert [item["id"] for item in body["on_top"]] == [pinned.pk]
    (item,) = body["items"]
    assert item["id"] == post.pk
    assert set(item) >= {
        "id",
        "kind",
        "title",
        "body_html",
        "author",
        "communities",
        "tags",
        "like_count",
        "comment_count",
        "liked_by_me",
        "bookmarked_by_me",
        "must_read",
        "created_at",
        "url",
    }
    assert item["author"] == {"username": "owner", "display_name": "Owner"}
    assert {c["slug"] for c in item["communities"]} == {w["open"].slug, w["secret"].slug}
    assert item["url"] == f"/posts/{post.pk}/"


def test_it_shows_only_readable_communities_of_a_cross_post(world, client_for):
    from rucher.accounts import services as accounts_services

    w, owner = world.communities, world.people["owner"]
    outsider = world.people["outsider"]
    accounts_services.follow_create(follower=outsider, followee=owner)
    post = make_post(owner, [w["open"], w["secret"]])
    make_post(owner, [w["secret"]], title="never")
    body = client_for(outsider).call("get", "/feed").json()
    assert [i["id"] for i in body["items"]] == [post.pk]
    assert [c["slug"] for c in body["items"][0]["communities"]] == [w["open"].slug]


def test_it_walks_pages_and_refuses_a_tampered_cursor(world, client_for):
    for i in range(5):
        make_post(world.people["owner"], [world.communities["open"]], title=f"p{i}")
    api = client_for(world.people["member"])
    first = api.call("get", "/feed?limit=3").json()
    second = api.call("get", f"/feed?limit=3&cursor={first['next']}").json()
    assert len(first["items"]) == 3 and len(second["items"]) == 2 and second["next"] is None
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 5
    bad = api.call("get", f"/feed?cursor={first['next']}x")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"
    assert api.call("get", "/feed?limit=0").status_code == 422
    assert api.call("get", "/feed?limit=101").status_code == 422


def test_it_needs_authentication(anon_api):
    assert anon_api.call("get", "/feed").status_code == 401


@pytest.mark.parametrize("limit", [20, 50])
def test_it_runs_a_fixed_number_of_queries(world, client_for, limit):
    w, manager = world.communities, world.people["manager"]
    api = client_for(world.people["member"])
    first = make_post(manager, [w["open"]])
    # Blocks present from the start: an empty block costs no query at all.
    curation.post_pin(actor=manager, post=first)
    api.call("get", "/feed")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as small:
        assert api.call("get", f"/feed?limit={limit}").status_code == 200
    for i in range(limit + 5):
        post = make_post(manager, [w["open"], w["private"]], title=f"p{i}")
        post.tags.create(name=f"t{i}", slug=f"t{i}")
        if i % 9 == 0:
            curation.post_feature(actor=manager, post=post)
    with CaptureQueriesContext(connection) as big:
        body = api.call("get", f"/feed?limit={limit}").json()
    assert len(body["items"]) == limit
    assert len(big.captured_queries) == len(small.captured_queries)
