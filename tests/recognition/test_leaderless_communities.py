"""Nobody left unwelcomed (issue 14, item 5): in a community with no owner, manager or
ambassador ("Bienvenue", "Support / SAV"), the organisation's ambassadors, then the
administrators, hear of a newcomer's first post and of a question about to miss its promise;
the administrators of a request to join. The welcome list says who was welcomed and by whom."""

import pytest

from rucher.actions import comments as comment_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community, Membership
from rucher.core.factories import PersonFactory
from rucher.notifications.models import Notification
from rucher.qa import services as qa
from rucher.recognition.services import first_contribution_notify
from tests.qa.conftest import ask, paris

pytestmark = pytest.mark.django_db


def _leaderless(visibility="open", slug="bienvenue"):
    return Community.objects.create(
        name=slug.capitalize(), slug=f"t-{slug}", visibility=visibility, answer_promise_hours=8
    )


def _member(community, person):
    Membership.objects.create(community=community, person=person)
    return person


@pytest.fixture
def ambassador():
    return PersonFactory(username="network.ambassador", is_ambassador=True)


def _recipients(kind, **filters):
    return set(
        Notification.objects.filter(kind=kind, **filters).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_first_post_nobody_leads_reaches_the_network_ambassadors(world, ambassador):
    community = _leaderless()
    newcomer = _member(community, PersonFactory(username="newbie"))
    post = post_actions.post_publish(author=newcomer, communities=[community], body="Bonjour")
    assert first_contribution_notify(post_id=post.pk) == 1
    assert _recipients("first_contribution") == {"network.ambassador"}


def test_without_network_ambassadors_the_administrators_hear_of_it(world):
    community = _leaderless()
    newcomer = _member(community, PersonFactory(username="newbie"))
    post = post_actions.post_publish(author=newcomer, communities=[community], body="Bonjour")
    first_contribution_notify(post_id=post.pk)
    assert _recipients("first_contribution") == {world.people["administrator"].username}


def test_a_secret_community_falls_back_to_who_may_read_it(world, ambassador):
    # The network ambassador is no member of this secret community: they may not read the post.
    community = _leaderless("secret", slug="cellule")
    newcomer = _member(community, PersonFactory(username="newbie"))
    post = post_actions.post_publish(author=newcomer, communities=[community], body="Bonjour")
    first_contribution_notify(post_id=post.pk)
    assert _recipients("first_contribution") == {world.people["administrator"].username}


def test_a_community_with_leaders_keeps_them(world, ambassador):
    newcomer = _member(world.communities["open"], PersonFactory(username="newbie"))
    post = post_actions.post_publish(
        author=newcomer, communities=[world.communities["open"]], body="Bonjour"
    )
    first_contribution_notify(post_id=post.pk)
    assert _recipients("first_contribution") == {"ambassador"}


def test_an_overdue_question_nobody_leads_reaches_the_network_ambassadors(world, ambassador):
    community = _leaderless(slug="support")
    asker = _member(community, PersonFactory(username="asker"))
    post = ask(asker, [community], at=paris(2026, 6, 8, 9, 0))
    qa.question_route(question_id=post.pk, now=paris(2026, 6, 8, 16, 30))
    assert _recipients("question_due", post=post) == {"network.ambassador"}


def test_a_request_to_join_a_community_nobody_manages_reaches_the_administrators(
    world, ambassador, django_capture_on_commit_callbacks
):
    community = _leaderless("private", slug="projet")
    candidate = PersonFactory(username="candidate")
    with django_capture_on_commit_callbacks(execute=True):
        membership_actions.community_join(person=candidate, community=community)
    # The network ambassadors could not approve: the administrators decide.
    assert _recipients("join_request", actor=candidate) == {world.people["administrator"].username}


def test_the_welcome_list_says_who_welcomed_whom(world, ambassador, client_for):
    community = _leaderless()
    newcomer = _member(community, PersonFactory(username="newbie", display_name="Nina Newbie"))
    greeter = _member(community, PersonFactory(username="greeter", display_name="Gaston Greeter"))
    other = _member(community, PersonFactory(username="other", display_name="Olga Other"))
    post = post_actions.post_publish(
        author=newcomer, communities=[community], title="Premier message", body="Bonjour"
    )
    client = client_for(ambassador)  # a network ambassador, no member of the community
    page = client.get(f"/c/{community.slug}/welcome/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Premier message" in body and "Not welcomed yet" in body

    comment_actions.comment_publish(author=newcomer, post=post, body="Moi-même")
    comment_actions.comment_publish(author=greeter, post=post, body="Bienvenue !")
    comment_actions.comment_publish(author=other, post=post, body="Bienvenue aussi")
    comment_actions.comment_publish(author=greeter, post=post, body="Encore")
    body = client.get(f"/c/{community.slug}/welcome/").content.decode()
    assert "Welcomed by Gaston Greeter and 1 other" in body
    assert "Not welcomed yet" not in body
    french = client_for(ambassador, language="fr").get(f"/c/{community.slug}/welcome/")
    assert "Accueilli par Gaston Greeter et 1 autre" in french.content.decode()


def test_the_welcome_list_stays_closed_where_a_network_ambassador_may_not_read(
    world, ambassador, client_for
):
    client = client_for(ambassador)
    assert client.get(f"/c/{world.communities['open'].slug}/welcome/").status_code == 200
    assert client.get(f"/c/{world.communities['secret'].slug}/welcome/").status_code == 404
    plain = client_for(world.people["member"])
    assert plain.get(f"/c/{world.communities['open'].slug}/welcome/").status_code == 403


def test_the_welcome_list_keeps_its_query_budget(
    world, ambassador, client_for, django_assert_max_num_queries
):
    community = _leaderless()
    greeter = _member(community, PersonFactory(username="greeter"))
    for i in range(6):
        person = _member(community, PersonFactory(username=f"new{i}"))
        post = post_actions.post_publish(author=person, communities=[community], body="Hi")
        comment_actions.comment_publish(author=greeter, post=post, body="Bienvenue")
    client = client_for(ambassador)
    client.get(f"/c/{community.slug}/welcome/")  # warm the per-process caches
    with django_assert_max_num_queries(14):
        assert client.get(f"/c/{community.slug}/welcome/").status_code == 200
