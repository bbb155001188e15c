"""Never a leak: open / private / secret × every position, for posts, comments and communities;
hidden content and a community one left disappear from results at once (the rule is
content.access's, applied inside the query)."""

import pytest

from rucher.communities import services as community_services
from rucher.moderation import services as moderation
from rucher.search import selectors, services
from tests.communities.personas import POSITIONS, VISIBILITIES

pytestmark = pytest.mark.django_db

INSIDERS = {"member", "ambassador", "manager", "owner", "administrator"}


def readable(visibility, position):
    return position in INSIDERS or (visibility == "open" and position != "removed")


def keys(viewer, q, **kwargs):
    return {(h.type, h.key) for h in selectors.search(viewer, q=q, **kwargs).items}


@pytest.mark.parametrize("visibility", VISIBILITIES)
@pytest.mark.parametrize("position", [p for p in POSITIONS if p != "anonymous"])
def test_results_follow_the_matrix(content, visibility, position):
    viewer = content.world.people[position]
    post, comment = content.posts[visibility], content.comments[visibility]
    community = content.world.communities[visibility]
    services.index_community(community=community)
    expected = readable(visibility, position)
    assert (("post", post.pk) in keys(viewer, f"hello {visibility}")) is expected
    assert (("comment", comment.pk) in keys(viewer, f"first comment {visibility}")) is expected
    assert (("community", community.slug) in keys(viewer, f"{visibility} club")) is expected
    similar = selectors.similar_questions(viewer, title=f"hello {visibility} world")
    assert similar == []  # these posts are not questions
    # Nothing of an unreadable community shows through a suggestion-sized page either.
    small = selectors.search(viewer, q=f"{visibility}", limit=1)
    if not expected:
        assert all(h.community != community for h in small.items)
        for hit in selectors.search(viewer, q=f"{visibility}").items:
            assert hit.key not in (post.pk, comment.pk, community.slug)


def test_anonymous_finds_nothing(content):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.search(AnonymousUser(), q="hello").items == []


def test_hidden_content_disappears_and_comes_back(content):
    world = content.world
    post, comment = content.posts["open"], content.comments["open"]
    member, manager = world.people["member"], world.people["manager"]
    outsider = world.people["outsider"]
    moderation.comment_hide(actor=manager, comment=comment)
    assert ("comment", comment.pk) not in keys(outsider, "first comment open")
    moderation.comment_restore(actor=manager, comment=comment)
    assert ("comment", comment.pk) in keys(outsider, "first comment open")
    moderation.post_hide(actor=manager, post=post)
    assert ("post", post.pk) not in keys(outsider, "hello open")
    assert ("post", post.pk) not in keys(member, "hello open")
    assert ("comment", comment.pk) not in keys(member, "first comment open")
    moderation.post_restore(actor=manager, post=post)
    assert ("post", post.pk) in keys(outsider, "hello open")


def test_a_member_who_leaves_stops_finding_at_once(content):
    world = content.world
    member = world.people["member"]
    post = content.posts["private"]
    community = world.communities["private"]
    assert ("post", post.pk) in keys(member, "hello private")
    community_services.community_leave(person=member, community=community)
    member.refresh_from_db()
    assert ("post", post.pk) not in keys(member, "hello private")


def test_a_removed_person_stops_finding_even_an_open_community(content):
    world = content.world
    member = world.people["member"]
    community_services.membership_remove(
        actor=world.people["owner"], community=world.communities["open"], person=member
    )
    assert ("post", content.posts["open"].pk) not in keys(member, "hello open")


def test_people_are_found_while_active(world):
    person = world.people["member"]
    person.job_title = "Ingénieure réseaux"
    person.department = "Informatique"
    person.save()
    services.index_person(person=person)
    viewer = world.people["outsider"]
    assert ("person", "member") in keys(viewer, "ingenieure reseau")
    person.is_active = False
    person.save()
    assert ("person", "member") not in keys(viewer, "ingenieure reseau")
