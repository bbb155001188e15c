"""The home page: newcomer checklist, "meet a colleague", constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts import services
from rucher.accounts.models import DeclaredSkill
from rucher.accounts.selectors import COMPLETE_PROFILE_THRESHOLD
from rucher.actions import memberships as membership_actions
from rucher.communities import services as community_services
from rucher.content.models import Post, PostCommunity
from rucher.core.factories import PersonFactory
from rucher.life.meet import meet_colleague

TRIES = 40


def _suggestions(viewer):
    return {getattr(meet_colleague(viewer), "username", None) for _ in range(TRIES)}


def test_it_requires_sign_in(client_for, db):
    assert client_for().get("/")["Location"] == "/accounts/login/?next=/"


def test_it_greets_the_person(client_for, member):
    response = client_for(member).get("/")
    assert response.status_code == 200
    assert "Hello Bob Member" in response.content.decode()


def test_it_shows_the_checklist_until_done(client_for, member, colleague):
    response = client_for(member).get("/")
    items = {item.key: item.done for item in response.context["checklist"]}
    assert items == {
        "charter": True,
        "photo": False,
        "profile": False,
        "follow": False,
        "communities": False,
        "contribution": False,
    }
    assert "Your first steps" in response.content.decode()


def test_it_hides_the_checklist_when_everything_is_done(client_for, member, colleague):
    member.photo = "people/x.jpg"
    member.profile_completeness = 100
    member.following_count = 1
    member.save()
    owner = PersonFactory()
    for i in range(3):
        community = community_services.community_create(
            creator=owner, name=f"Club {i}", kind="interest", visibility="open"
        )
        membership_actions.community_join(person=member, community=community)
    post = Post.objects.create(author=member, body="Bonjour", body_html="<p>Bonjour</p>")
    PostCommunity.objects.create(post=post, community=community, created_at=post.created_at)
    response = client_for(member).get("/")
    assert response.context["checklist_done"]
    assert "Your first steps" not in response.content.decode()


def test_it_never_suggests_oneself(member, colleague):
    assert _suggestions(member) == {"carol"}


def test_it_suggests_nobody_when_alone(client_for, member):
    assert meet_colleague(member) is None
    response = client_for(member).get("/")
    assert response.status_code == 200
    assert response.context["colleague"] is None
    assert "Meet a colleague" not in response.content.decode()


def test_it_never_suggests_people_who_opted_out(member, colleague):
    colleague.meet_opt_out = True
    colleague.save()
    assert meet_colleague(member) is None
    other = PersonFactory(username="other")
    assert other.pk > colleague.pk
    assert _suggestions(member) == {"other"}


def test_it_never_suggests_departed_people(member, departed):
    assert meet_colleague(member) is None


def test_it_prefers_complete_profiles(member):
    incomplete = PersonFactory(
        username="incomplete", profile_completeness=COMPLETE_PROFILE_THRESHOLD - 1
    )
    complete = PersonFactory(username="complete", profile_completeness=COMPLETE_PROFILE_THRESHOLD)
    assert incomplete.pk < complete.pk
    assert _suggestions(member) == {"complete"}


def test_it_prefers_complete_profiles_whatever_the_id_order(member):
    PersonFactory(username="complete", profile_completeness=100)
    PersonFactory(username="incomplete", profile_completeness=10)
    assert _suggestions(member) == {"complete"}


def test_it_suggests_incomplete_profiles_when_there_is_nothing_else(member):
    PersonFactory(username="a", profile_completeness=10)
    PersonFactory(username="b", profile_completeness=0)
    assert _suggestions(member) <= {"a", "b"}
    assert None not in _suggestions(member)


def test_it_prefers_people_not_yet_followed(member, colleague):
    followed = PersonFactory(username="followed", profile_completeness=100)
    colleague.profile_completeness = 100
    colleague.save()
    services.follow_create(follower=member, followee=followed)
    assert _suggestions(member) == {"carol"}


def test_it_still_suggests_someone_followed_when_nobody_else_is_left(member, colleague):
    services.follow_create(follower=member, followee=colleague)
    assert _suggestions(member) == {"carol"}


def test_it_shows_the_colleague_card(client_for, member, colleague):
    response = client_for(member).get("/")
    assert response.context["colleague"] == colleague
    body = response.content.decode()
    assert "Meet a colleague" in body
    assert 'href="/people/carol/"' in body


def _queries_for_home(client):
    client.get("/")  # warm the session and charter caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    assert response.context["colleague"] is not None
    return len(ctx)


@pytest.mark.django_db
def test_it_costs_the_same_queries_whatever_the_number_of_people(member_client, member):
    def add(n):
        people = PersonFactory.create_batch(n, profile_completeness=100)
        DeclaredSkill.objects.bulk_create(
            DeclaredSkill(person=p, name=f"S{i}", slug=f"s{i}", position=i)
            for p in people
            for i in range(3)
        )

    add(2)
    few = _queries_for_home(member_client)
    add(40)
    assert _queries_for_home(member_client) == few
