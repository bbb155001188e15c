"""GDPR erasure: personal data gone, content kept as "former member" or deleted, counters and
points consistent (points_check passes), audited without the erased data."""

import pytest
from django.core.management import call_command
from django.test import Client

from rucher.accounts import services as accounts
from rucher.accounts.models import AccessToken, User
from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.communities import services as communities
from rucher.communities.models import Community
from rucher.content.models import Comment, Post
from rucher.core.models import AuditEvent
from rucher.recognition.points import points_check
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


def _api(person):
    _token, raw = accounts.token_create(person=person, name="tests")
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def scene(member, colleague):
    """Bob (to be erased) and Carol: posts, comments, likes both ways, follows."""
    club = communities.community_create(
        creator=colleague, name="Club", kind="interest", visibility="open"
    )
    communities.membership_set_role(actor=colleague, community=club, person=member, role="member")
    bobs = post_actions.post_publish(author=member, communities=[club], body="Bob's post")
    carols = post_actions.post_publish(author=colleague, communities=[club], body="Carol's post")
    comment_actions.comment_publish(author=member, post=carols, body="Bob comments")
    carols_comment = comment_actions.comment_publish(author=colleague, post=bobs, body="Carol")
    like_actions.post_like(person=member, post=carols)
    like_actions.post_like(person=colleague, post=bobs)
    like_actions.comment_like(person=member, comment=carols_comment)
    accounts.follow_create(follower=member, followee=colleague)
    accounts.follow_create(follower=colleague, followee=member)
    return club, bobs, carols


def _consistent(club, colleague):
    assert points_check() == []
    call_command("points_check")  # the command an operator runs passes too
    club.refresh_from_db()
    colleague.refresh_from_db()
    assert club.member_count == club.memberships.filter(status="member").count()
    assert colleague.follower_count == 0
    assert colleague.following_count == 0
    for post in Post.objects.all():
        assert post.like_count == post.likes.count()
        assert post.comment_count == post.comments.count()
    for comment in Comment.objects.all():
        assert comment.like_count == comment.likes.count()


def test_erasure_keeping_content_shows_a_former_member(admin_user, member, colleague, scene):
    club, bobs, carols = scene
    bob_id = member.pk
    response = _api(admin_user).call("post", "/people/bob/erase", {"keep_content": True})
    assert response.status_code == 200
    assert response.json() == {"status": "erased", "keep_content": True}
    assert not User.objects.filter(pk=bob_id).exists()
    assert not AccessToken.objects.filter(person_id=bob_id).exists()
    bobs.refresh_from_db()
    assert bobs.author is None
    assert Comment.objects.filter(body="Bob comments", author__isnull=True).exists()
    _consistent(club, colleague)
    event = AuditEvent.objects.get(action="person.erase")
    assert event.actor == admin_user
    assert event.target == f"person:{bob_id}"
    assert event.data == {"keep_content": True}
    assert "bob" not in str(event.data).lower() and "bob" not in event.target.lower()
    # The post page says "former member".
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(colleague)
    assert "Former member" in client.get(f"/posts/{bobs.pk}/").content.decode()


def test_erasure_deleting_content_withdraws_what_it_earned(admin_user, member, colleague, scene):
    club, bobs, carols = scene
    response = _api(admin_user).call("post", "/people/bob/erase", {"keep_content": False})
    assert response.status_code == 200
    assert not Post.objects.filter(pk=bobs.pk).exists()
    assert not Comment.objects.filter(body="Bob comments").exists()
    assert Post.objects.filter(pk=carols.pk).exists()
    _consistent(club, colleague)


def test_the_erased_persons_session_ends(admin_user, member, scene):
    client = Client()
    client.force_login(member)
    assert client.get("/").status_code == 200
    _api(admin_user).call("post", "/people/bob/erase", {"keep_content": True})
    assert client.get("/").status_code == 302  # to the login page


def test_only_administrators_erase_and_not_themselves(admin_user, member, colleague):
    assert (
        _api(member).call("post", "/people/carol/erase", {"keep_content": True}).status_code == 403
    )
    response = _api(admin_user).call("post", "/people/alice/erase", {"keep_content": True})
    assert response.status_code == 409
    assert response.json()["code"] == "erase_self"
    assert (
        _api(admin_user).call("post", "/people/nobody/erase", {"keep_content": True}).status_code
        == 404
    )
    assert _api(admin_user).call("post", "/people/carol/erase", {}).status_code in (400, 422)
    assert User.objects.filter(username="carol").exists()


def test_an_administrator_erases_from_the_web(admin_user, member, colleague, scene):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin_user)
    assert client.get("/people/bob/erase/").status_code == 200
    refused = client.post("/people/bob/erase/", {"content": "keep"})  # not confirmed
    assert refused.status_code == 400
    assert User.objects.filter(username="bob").exists()
    done = client.post("/people/bob/erase/", {"content": "delete", "confirm": "on"})
    assert done.status_code == 302
    assert not User.objects.filter(username="bob").exists()
    other = Client()
    other.force_login(colleague)
    assert other.get("/people/carol/erase/").status_code == 404
    assert Community.objects.filter(name="Club").exists()
