"""GET /api/v1/notifications and POST /api/v1/notifications/read."""

import pytest

from rucher.communities import services as community_services
from rucher.notifications.models import Notification
from rucher.notifications.services import notify
from tests.communities.personas import build_world
from tests.notifications.posts import make_post
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def test_it_lists_notifications_with_their_shape(world, client_for):
    member, owner = world.people["member"], world.people["owner"]
    post = make_post(member, [world.communities["open"]], title="Budget")
    notify(recipient_ids=[member.pk], kind="like", key="like:1", actor_id=owner.pk, post_id=post.pk)
    body = client_for(member).call("get", "/notifications").json()
    (item,) = body["items"]
    assert set(item) == {"id", "kind", "message", "actor", "url", "created_at", "read"}
    assert item["kind"] == "like" and item["read"] is False
    assert item["message"] == "Owner liked your post “Budget”"
    assert item["actor"] == {"username": "owner", "display_name": "Owner"}
    assert item["url"] == f"/posts/{post.pk}/"
    assert body["next"] is None and body["unread_count"] == 1


def test_it_speaks_french_when_asked(world, client_for):
    member = world.people["member"]
    post = make_post(member, [world.communities["open"]], title="Budget")
    notify(
        recipient_ids=[member.pk],
        kind="like",
        key="l",
        actor_id=world.people["owner"].pk,
        post_id=post.pk,
    )
    body = client_for(member).call("get", "/notifications", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["items"][0]["message"] == "Owner a aimé votre publication « Budget »"


def test_it_filters_unread_pages_and_marks_read(world, client_for):
    member, other = world.people["member"], world.people["ambassador"]
    for i in range(5):
        notify(
            recipient_ids=[member.pk, other.pk],
            kind="mention",
            key=f"m{i}",
            actor_id=world.people["owner"].pk,
        )
    api = client_for(member)
    first = api.call("get", "/notifications?limit=3").json()
    second = api.call("get", f"/notifications?limit=3&cursor={first['next']}").json()
    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(set(ids)) == 5 and second["next"] is None
    theirs = list(Notification.objects.filter(recipient=other).values_list("id", flat=True))
    response = api.call("post", "/notifications/read", {"ids": [ids[0], *theirs]})
    assert response.json() == {"marked": 1, "unread_count": 4}
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 5
    unread = api.call("get", "/notifications?unread=true").json()
    assert ids[0] not in [i["id"] for i in unread["items"]] and len(unread["items"]) == 4
    assert api.call("post", "/notifications/read", {"all": True}).json() == {
        "marked": 4,
        "unread_count": 0,
    }
    assert api.call("post", "/notifications/read", {}).json()["marked"] == 0
    assert api.call("post", "/notifications/read", {"ids": ["x"]}).status_code == 422
    assert api.call("post", "/notifications/read", {"ids": [2**70]}).status_code == 200
    assert api.call("post", "/notifications/read", {"all": "yes"}).status_code == 422
    assert api.call("get", "/notifications?cursor=forged").status_code == 400


def test_it_hides_what_a_person_who_left_can_no_longer_read(world, client_for):
    leaver = world.people["member"]
    post = make_post(world.people["owner"], [world.communities["private"]], title="Inside")
    notify(
        recipient_ids=[leaver.pk],
        kind="announcement",
        key="a",
        post_id=post.pk,
        community_id=world.communities["private"].pk,
    )
    api = client_for(leaver)
    assert api.call("get", "/notifications").json()["unread_count"] == 1
    community_services.community_leave(person=leaver, community=world.communities["private"])
    body = api.call("get", "/notifications").json()
    assert body["items"] == [] and body["unread_count"] == 0


def test_it_needs_authentication(anon_api):
    assert anon_api.call("get", "/notifications").status_code == 401
    assert anon_api.call("post", "/notifications/read", {"all": True}).status_code == 401
