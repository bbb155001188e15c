"""Access matrix: open / private / secret × every position, on the page and the members list."""

import pytest

from rucher.actions import memberships as membership_actions
from rucher.communities import services
from rucher.communities.access import access_community, can_read_content
from rucher.core.testing import page_without_tokens
from tests.communities.personas import POSITIONS, VISIBILITIES

pytestmark = pytest.mark.django_db

INSIDERS = {"member", "ambassador", "manager", "owner", "administrator"}


def reads_content(visibility, position):
    """Members read everything of theirs; everyone else reads open communities, except the
    people a manager removed (removal is a ban)."""
    return position in INSIDERS or (visibility == "open" and position != "removed")


def expected_page(visibility, position):
    if position == "anonymous":
        return 302
    if visibility == "secret" and position not in INSIDERS:
        return 404
    return 200


def expected_members(visibility, position):
    if position == "anonymous":
        return 302
    if reads_content(visibility, position):
        return 200
    return 404


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_the_community_page_follows_the_matrix(world, client_for, visibility, position):
    community = world.communities[visibility]
    client = client_for(world.people.get(position))
    response = client.get(f"/c/{community.slug}/")
    assert response.status_code == expected_page(visibility, position)
    if response.status_code == 200:
        body = response.content.decode()
        assert community.name in body
        readable = reads_content(visibility, position)
        assert ("No posts yet." in body) is readable
        assert ("only its members read its content" in body) is (not readable)


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_the_members_list_follows_the_matrix(world, client_for, visibility, position):
    community = world.communities[visibility]
    response = client_for(world.people.get(position)).get(f"/c/{community.slug}/members/")
    assert response.status_code == expected_members(visibility, position)
    if response.status_code == 200:
        body = response.content.decode()
        assert "Member" in body and "Leaver" not in body and "Requester" not in body


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", POSITIONS)
def test_only_owners_managers_and_administrators_manage(world, client_for, visibility, position):
    community = world.communities[visibility]
    response = client_for(world.people.get(position)).get(f"/c/{community.slug}/manage/")
    if position == "anonymous":
        assert response.status_code == 302
    elif position in {"owner", "manager", "administrator"}:
        assert response.status_code == 200
    elif visibility == "secret" and position not in INSIDERS:
        assert response.status_code == 404
    else:
        assert response.status_code == 403


def test_a_hidden_secret_community_looks_exactly_like_a_missing_one(world, client_for):
    client = client_for(world.people["outsider"])
    secret = client.get(f"/c/{world.communities['secret'].slug}/")
    missing = client.get("/c/no-such-community/")
    assert secret.status_code == missing.status_code == 404
    # Byte for byte, but for the CSRF token and the CSP nonce, new on every page.
    assert page_without_tokens(secret.content) == page_without_tokens(missing.content)
    for suffix in ("members/", "manage/"):
        assert client.get(f"/c/{world.communities['secret'].slug}/{suffix}").status_code == 404


def test_leaving_revokes_access_at_once(world, client_for):
    member = world.people["member"]
    client = client_for(member)
    for visibility in ("private", "secret"):
        slug = world.communities[visibility].slug
        assert client.get(f"/c/{slug}/members/").status_code == 200
        services.community_leave(person=member, community=world.communities[visibility])
        expected = 404
        assert client.get(f"/c/{slug}/members/").status_code == expected


def test_an_invitation_shows_a_secret_community_but_not_its_content(world, client_for):
    outsider = world.people["outsider"]
    secret = world.communities["secret"]
    membership_actions.membership_set_role(
        actor=world.people["owner"], community=secret, person=outsider, role="member", invite=True
    )
    client = client_for(outsider)
    page = client.get(f"/c/{secret.slug}/")
    assert page.status_code == 200
    assert "Accept the invitation" in page.content.decode()
    assert client.get(f"/c/{secret.slug}/members/").status_code == 404
    community = access_community(outsider, secret.slug)
    assert not can_read_content(outsider, community)


def test_departed_people_are_signed_out(world, client_for, departed):
    response = client_for(departed).get(f"/c/{world.communities['open'].slug}/")
    assert response.status_code == 302


@pytest.mark.parametrize("slug", ["a" * 200, "bad\x00slug", "%00", "UPPER"])
def test_odd_slugs_are_plain_404s(client_for, member, slug):
    assert client_for(member).get(f"/c/{slug}/").status_code == 404


def test_access_community_is_the_orms_for_every_position(world):
    """access_community runs a query compiled once per process (rucher.core.prepared, with
    the viewer's membership annotated): the same community, role and status as the ORM for
    every position, and the same 404s; refresh_viewer_membership likewise."""
    from django.http import Http404

    from rucher.communities.access import refresh_viewer_membership, with_viewer_membership
    from rucher.communities.models import Community

    fields = [field.attname for field in Community._meta.concrete_fields]
    for person in world.people.values():
        if not (person.is_authenticated and person.is_active):
            continue
        for community in world.communities.values():
            expected = with_viewer_membership(Community.objects.filter(pk=community.pk), person)
            orm = expected.get()
            try:
                found = access_community(person, community.slug)
            except Http404:
                assert orm.visibility == "secret" and orm.my_status not in ("member", "invited")
                continue
            assert [getattr(found, f) for f in fields] == [getattr(orm, f) for f in fields]
            assert (found.my_role, found.my_status) == (orm.my_role, orm.my_status)
            found.my_role = found.my_status = "stale"
            refresh_viewer_membership(person, found)
            assert (found.my_role, found.my_status) == (orm.my_role, orm.my_status)
