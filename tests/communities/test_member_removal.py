"""Managers remove a member (moderation): access lost at once, no rejoining alone, points of the
community withdrawn; the service, the web page and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation

from rucher.accounts import services as accounts
from rucher.actions import likes as like_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities import services
from rucher.communities.models import Community, Membership
from rucher.core.errors import NotFound
from rucher.core.models import AuditEvent
from rucher.recognition.models import PersonScore

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return world.people


def status_of(community, person):
    return (
        Membership.objects.filter(community=community, person=person)
        .values_list("status", flat=True)
        .first()
    )


def count_of(community):
    return Community.objects.get(pk=community.pk).member_count


@pytest.mark.parametrize("visibility", ["open", "private", "secret"])
def test_a_manager_removes_a_member(world, people, visibility):
    community = world.communities[visibility]
    before = count_of(community)
    membership_actions.membership_remove(
        actor=people["manager"], community=community, person=people["member"]
    )
    assert status_of(community, people["member"]) == "removed"
    assert count_of(community) == before - 1
    event = AuditEvent.objects.get(action="community.member_remove", actor=people["manager"])
    assert event.actor == people["manager"] and event.data["person"] == "member"


def test_the_removed_person_cannot_rejoin_or_erase_the_removal(world, people):
    community = world.communities["open"]
    member = people["member"]
    membership_actions.membership_remove(actor=people["owner"], community=community, person=member)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        membership_actions.community_join(person=member, community=community)
    assert exc.value.code == "removed"
    assert "removed you" in exc.value.messages[0]
    assert services.community_leave(person=member, community=community) is False
    assert status_of(community, member) == "removed"
    # Posting there is refused like for any non-member.
    with pytest.raises(ValidationError):
        post_actions.post_publish(author=member, communities=[community], body="Back!")


def test_a_manager_can_add_or_invite_them_again(world, people):
    community = world.communities["private"]
    member = people["member"]
    membership_actions.membership_remove(actor=people["owner"], community=community, person=member)
    before = count_of(community)
    membership, created = membership_actions.membership_set_role(
        actor=people["owner"], community=community, person=member, role="member", invite=True
    )
    assert not created and membership.status == "invited"
    membership_actions.community_join(person=member, community=community)
    assert status_of(community, member) == "member"
    assert count_of(community) == before + 1


@pytest.mark.parametrize(
    ("actor", "target", "code"),
    [
        ("manager", "manager", "self_removal"),
        ("manager", "owner", "owner_only"),
        ("administrator", "owner", "last_owner"),
    ],
)
def test_refusals_are_clear_and_change_nothing(world, people, actor, target, code):
    community = world.communities["open"]
    before = count_of(community)
    with pytest.raises(ValidationError) as exc:
        membership_actions.membership_remove(
            actor=people[actor], community=community, person=people[target]
        )
    assert exc.value.code == code
    assert status_of(community, people[target]) == "member"
    assert count_of(community) == before


def test_an_owner_removes_another_owner_but_not_the_last(world, people):
    community = world.communities["open"]
    membership_actions.membership_set_role(
        actor=people["owner"], community=community, person=people["manager"], role="owner"
    )
    membership_actions.membership_remove(
        actor=people["owner"], community=community, person=people["manager"]
    )
    assert status_of(community, people["manager"]) == "removed"
    with pytest.raises(ValidationError):
        membership_actions.membership_remove(
            actor=people["administrator"], community=community, person=people["owner"]
        )


def test_members_without_rights_and_non_members(world, people):
    community = world.communities["open"]
    with pytest.raises(PermissionDenied):
        membership_actions.membership_remove(
            actor=people["member"], community=community, person=people["ambassador"]
        )
    with pytest.raises(NotFound):
        membership_actions.membership_remove(
            actor=people["owner"], community=community, person=people["outsider"]
        )
    with pytest.raises(NotFound):  # a pending request is not a member to remove
        membership_actions.membership_remove(
            actor=people["owner"], community=community, person=people["requester"]
        )


def test_the_points_earned_there_are_withdrawn(world, people):
    community = world.communities["private"]
    member = people["member"]
    post = post_actions.post_publish(author=member, communities=[community], body="Mine")
    like_actions.post_like(person=people["manager"], post=post)
    assert PersonScore.objects.get(person=member).total == 17
    membership_actions.membership_remove(actor=people["owner"], community=community, person=member)
    assert PersonScore.objects.get(person=member).total == 0


# --- access is lost at once --------------------------------------------------------------------


def test_access_is_lost_at_the_very_next_request(world, people, client_for):
    member = people["member"]
    client = client_for(member)
    private, secret = world.communities["private"], world.communities["secret"]
    post = post_actions.post_publish(author=people["owner"], communities=[secret], body="Secret")
    assert client.get("/c/private-club/members/").status_code == 200
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    membership_actions.membership_remove(actor=people["owner"], community=private, person=member)
    membership_actions.membership_remove(actor=people["owner"], community=secret, person=member)
    assert client.get("/c/private-club/members/").status_code == 404
    assert client.get("/c/secret-club/").status_code == 404
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    # A secret community answers exactly like a missing one, join included.
    assert client.post("/c/secret-club/join").status_code == 404


def test_an_open_community_tells_the_removed_person_why_they_cannot_join(world, people, client_for):
    membership_actions.membership_remove(
        actor=people["owner"], community=world.communities["open"], person=people["member"]
    )
    client = client_for(people["member"])
    page = client.get("/c/open-club/").content.decode()
    assert "removed you from it" in page
    response = client.post("/c/open-club/join", follow=True)
    assert "removed you from it" in response.content.decode()
    assert status_of(world.communities["open"], people["member"]) == "removed"


# --- web -----------------------------------------------------------------------------------------


def test_managers_see_a_remove_button_members_do_not(world, people, client_for):
    manager_page = client_for(people["manager"]).get("/c/open-club/members/").content.decode()
    assert "/c/open-club/members/member/remove" in manager_page
    assert "/c/open-club/members/manager/remove" not in manager_page  # not oneself
    assert "/c/open-club/members/owner/remove" not in manager_page  # owners: owners only
    owner_page = client_for(people["owner"]).get("/c/open-club/members/").content.decode()
    assert "/c/open-club/members/manager/remove" in owner_page
    member_page = client_for(people["member"]).get("/c/open-club/members/").content.decode()
    assert "/remove" not in member_page


def test_the_remove_button_removes(world, people, client_for):
    client = client_for(people["manager"])
    response = client.post("/c/open-club/members/member/remove", follow=True)
    assert response.redirect_chain[-1][0] == "/c/open-club/members/"
    assert "Member was removed from Open club." in response.content.decode()
    assert status_of(world.communities["open"], people["member"]) == "removed"
    refused = client.post("/c/open-club/members/owner/remove", follow=True)
    assert "Only an owner can remove an owner." in refused.content.decode()


def test_the_web_refuses_members_outsiders_and_gets(world, people, client_for):
    assert (
        client_for(people["member"]).post("/c/open-club/members/ambassador/remove").status_code
        == 403
    )
    assert (
        client_for(people["outsider"]).post("/c/private-club/members/member/remove").status_code
        == 404
    )
    assert (
        client_for(people["outsider"]).post("/c/secret-club/members/member/remove").status_code
        == 404
    )
    assert (
        client_for(people["manager"]).get("/c/open-club/members/member/remove").status_code == 405
    )
    assert (
        client_for(people["manager"]).post("/c/open-club/members/nobody/remove").status_code == 404
    )
    assert status_of(world.communities["open"], people["ambassador"]) == "member"


# --- API -----------------------------------------------------------------------------------------


def api_for(person):
    _token, raw = accounts.token_create(person=person, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def delete(client, slug, username):
    return client.delete(f"/api/v1/communities/{slug}/members/{username}")


def test_the_api_removes_with_204(world, people):
    response = delete(api_for(people["manager"]), "private-club", "member")
    assert response.status_code == 204
    assert status_of(world.communities["private"], people["member"]) == "removed"
    members = api_for(people["owner"]).get("/api/v1/communities/private-club/members").json()
    assert "member" not in {m["username"] for m in members["items"]}
    again = api_for(people["member"]).post(
        "/api/v1/communities/open-club/join", content_type="application/json"
    )
    assert again.status_code in (200, 201)  # removed from private only
    detail = api_for(people["member"]).get("/api/v1/communities/private-club").json()
    assert detail["my_status"] == "removed" and detail["can_read"] is False


def test_the_api_answers_404_403_and_409_in_the_error_shape(world, people):
    outsider, member, manager = (api_for(people[p]) for p in ("outsider", "member", "manager"))
    assert delete(outsider, "private-club", "member").json()["code"] == "not_found"
    assert delete(outsider, "secret-club", "member").status_code == 404
    assert delete(member, "private-club", "ambassador").status_code == 403
    assert delete(outsider, "open-club", "member").status_code == 403
    assert delete(manager, "open-club", "outsider").status_code == 404
    assert delete(manager, "open-club", "nobody").status_code == 404
    response = delete(manager, "open-club", "manager")
    assert response.status_code == 409 and response.json()["code"] == "self_removal"
    response = delete(manager, "open-club", "owner")
    assert response.status_code == 403 and response.json()["code"] == "owner_only"
    response = delete(api_for(people["administrator"]), "open-club", "owner")
    assert response.status_code == 409 and response.json()["code"] == "last_owner"


def test_the_api_refuses_a_self_join_after_removal(world, people):
    delete(api_for(people["owner"]), "open-club", "member")
    response = api_for(people["member"]).post(
        "/api/v1/communities/open-club/join", content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "removed"


def test_removal_from_an_open_community_is_a_ban_from_its_content(world, people, client_for):
    """Open communities are read by everyone, except the people a manager removed from them:
    their posts, stream and comments close at the next request (the card stays visible)."""
    community = world.communities["open"]
    member = people["member"]
    post = post_actions.post_publish(
        author=people["owner"], communities=[community], body="Open talk"
    )
    client = client_for(member)
    assert client.get(f"/posts/{post.pk}/").status_code == 200
    membership_actions.membership_remove(actor=people["owner"], community=community, person=member)
    assert client.get(f"/posts/{post.pk}/").status_code == 404
    assert client.get("/c/open-club/").status_code == 200
    assert "Open talk" not in client.get("/c/open-club/").content.decode()
    assert client.get("/c/open-club/members/").status_code == 404
    response = client.post(f"/posts/{post.pk}/comments", {"body": "Still here?"})
    assert response.status_code == 404
    assert not post.comments.exists()
    # Others still read it.
    assert client_for(people["outsider"]).get(f"/posts/{post.pk}/").status_code == 200
