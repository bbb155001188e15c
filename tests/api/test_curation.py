"""Curation and read receipts through the API: pin, feature, bookmark, read, readers."""

import pytest

from rucher.content.models import PostCommunity
from tests.communities.personas import build_world
from tests.notifications.posts import make_post
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


@pytest.fixture
def cross_post(world):
    w = world.communities
    return make_post(world.people["member"], [w["open"], w["private"]], title="Cross")


def test_pin_defaults_to_every_community_the_caller_manages(world, client_for, cross_post):
    w = world.communities
    response = client_for(world.people["manager"]).call("post", f"/posts/{cross_post.pk}/pin")
    assert response.status_code == 200
    assert response.json() == {
        "pinned": True,
        "communities": sorted([w["open"].slug, w["private"].slug]),
    }


def test_pin_in_one_community_of_a_cross_post(world, client_for, cross_post):
    w = world.communities
    api = client_for(world.people["manager"])
    response = api.call("post", f"/posts/{cross_post.pk}/pin", {"community": w["private"].slug})
    assert response.json() == {"pinned": True, "communities": [w["private"].slug]}
    pinned = dict(
        PostCommunity.objects.filter(post=cross_post).values_list("community__slug", "pinned_at")
    )
    assert pinned[w["private"].slug] is not None and pinned[w["open"].slug] is None
    response = api.call("delete", f"/posts/{cross_post.pk}/pin?community={w['private'].slug}")
    assert response.json() == {"pinned": False, "communities": [w["private"].slug]}


@pytest.mark.parametrize("action", ["pin", "feature"])
def test_only_managers_curate(world, client_for, action):
    w = world.communities
    private = make_post(world.people["member"], [w["private"]])
    url = f"/posts/{private.pk}/{action}"
    member = client_for(world.people["member"]).call("post", url)
    assert member.status_code == 403 and member.json()["code"] == "forbidden"
    assert client_for(world.people["outsider"]).call("post", url).status_code == 404
    assert client_for(world.people["leaver"]).call("post", url).status_code == 404
    assert client_for(world.people["manager"]).call("post", url).status_code == 200
    assert client_for(world.people["administrator"]).call("delete", url).status_code == 200


def test_curation_refuses_unknown_fields_and_communities(world, client_for, cross_post):
    api = client_for(world.people["manager"])
    url = f"/posts/{cross_post.pk}/feature"
    assert api.call("post", url, {"community": "nowhere"}).status_code == 404
    assert api.call("post", url, {"community": world.communities["secret"].slug}).status_code == 404
    assert api.call("post", url, {"communities": "x"}).status_code == 422
    assert api.call("post", url, {"community": 3}).status_code == 422
    assert api.call("post", "/posts/999999/feature").status_code == 404
    assert api.call("post", f"/posts/{2**63}/feature").status_code == 422


def test_bookmarks_through_the_api(world, client_for, cross_post):
    api = client_for(world.people["outsider"])  # reads the cross-post through the open one
    assert api.call("post", f"/posts/{cross_post.pk}/bookmark").status_code == 201
    assert api.call("post", f"/posts/{cross_post.pk}/bookmark").status_code == 200
    body = api.call("get", "/bookmarks").json()
    assert [i["id"] for i in body["items"]] == [cross_post.pk]
    assert body["items"][0]["bookmarked_by_me"] is True
    assert [c["slug"] for c in body["items"][0]["communities"]] == [world.communities["open"].slug]
    assert "bookmarked_at" in body["items"][0] and body["next"] is None
    response = api.call("delete", f"/posts/{cross_post.pk}/bookmark")
    assert response.status_code == 200 and response.json() == {"bookmarked": False}
    assert api.call("get", "/bookmarks").json()["items"] == []
    assert api.call("get", "/bookmarks?cursor=nope").status_code == 400
    secret = make_post(world.people["owner"], [world.communities["secret"]])
    assert api.call("post", f"/posts/{secret.pk}/bookmark").status_code == 404


def test_read_receipts_and_readers(world, client_for):
    w = world.communities
    post = make_post(world.people["owner"], [w["private"]], kind="announcement", must_read=True)
    member = client_for(world.people["member"])
    first = member.call("post", f"/posts/{post.pk}/read")
    again = member.call("post", f"/posts/{post.pk}/read")
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["read_at"] == again.json()["read_at"]
    assert (
        client_for(world.people["outsider"]).call("post", f"/posts/{post.pk}/read").status_code
        == 404
    )
    readers = client_for(world.people["manager"]).call("get", f"/posts/{post.pk}/readers")
    assert readers.status_code == 200
    body = readers.json()
    assert [(r["username"], r["display_name"]) for r in body["items"]] == [("member", "Member")]
    assert body["next"] is None and body["read_count"] == 1
    # owner, manager, ambassador, member (the leaver left, the requester is not a member).
    assert body["member_count"] == 4
    assert member.call("get", f"/posts/{post.pk}/readers").status_code == 403
    assert (
        client_for(world.people["outsider"]).call("get", f"/posts/{post.pk}/readers").status_code
        == 404
    )
    assert (
        client_for(world.people["administrator"])
        .call("get", f"/posts/{post.pk}/readers")
        .status_code
        == 200
    )
