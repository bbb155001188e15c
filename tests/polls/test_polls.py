"""Polls (F-POLLS): asking, voting, changing one's vote, anonymity, closing, access."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.accounts import services as account_services
from rucher.actions import polls as poll_actions
from rucher.communities.services import community_leave
from rucher.content.models import Post
from rucher.polls import services
from rucher.polls.models import Ballot, Poll
from rucher.toolbox.services import community_tabs_set
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(world):
    def make(position: str) -> ApiClient:
        _token, raw = account_services.token_create(person=world.people[position], name="t")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def ask(world, community, **extra) -> Poll:
    return poll_actions.poll_ask(
        author=world.people["member"],
        community=community,
        question="Quel jour ?",
        choices=["Lundi", "Mardi", "Jeudi"],
        **extra,
    )


def test_a_poll_is_asked_shows_as_a_post_and_counts_votes(world, open_club, api_for):
    created = api_for("member").call(
        "POST",
        f"/communities/{open_club.slug}/polls",
        {"question": "Pizza ?", "choices": ["Oui", "Non"]},
    )
    assert created.status_code == 201, created.content
    poll = created.json()
    assert Post.objects.filter(pk=poll["post_id"], title="Pizza ?").exists()
    voted = api_for("manager").call("POST", f"/polls/{poll['id']}/vote", {"choices": [0]})
    assert voted.status_code == 200
    body = voted.json()
    assert [(c["label"], c["votes"]) for c in body["choices"]] == [("Oui", 1), ("Non", 0)]
    assert (body["voters"], body["my_choices"], body["choices"][0]["voters"]) == (
        1,
        [0],
        ["manager"],
    )
    # Changing one's vote moves it.
    changed = api_for("manager").call("POST", f"/polls/{poll['id']}/vote", {"choices": [1]})
    assert [c["votes"] for c in changed.json()["choices"]] == [0, 1]
    assert changed.json()["voters"] == 1


def test_an_anonymous_poll_never_tells_who_voted(world, open_club, api_for):
    poll = ask(world, open_club, anonymous=True)
    api_for("manager").call("POST", f"/polls/{poll.pk}/vote", {"choices": [2]})
    seen = api_for("owner").call("GET", f"/polls/{poll.pk}").json()
    assert [c["votes"] for c in seen["choices"]] == [0, 0, 1]
    assert all(c["voters"] is None for c in seen["choices"])
    assert (
        api_for("administrator").call("GET", f"/polls/{poll.pk}").json()["choices"][2]["voters"]
        is None
    )
    # Nothing stored names the voter.
    assert list(Ballot.objects.values_list("person", flat=True)) == [None]
    assert api_for("manager").call("GET", f"/polls/{poll.pk}").json()["my_choices"] == [2]


@pytest.mark.parametrize(
    "choices",
    [["Seul"], [f"C{i}" for i in range(21)], ["Oui", "oui"], ["Oui", " "]],
)
def test_bad_choices_are_refused(open_club, api_for, choices):
    response = api_for("member").call(
        "POST", f"/communities/{open_club.slug}/polls", {"question": "Q ?", "choices": choices}
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "choices" in response.json()["fields"]
    assert not Poll.objects.exists()
    assert not Post.objects.exists()


def test_bad_votes_are_refused(world, open_club, api_for):
    poll = ask(world, open_club)
    client = api_for("manager")
    missing = client.call("POST", f"/polls/{poll.pk}/vote", {"choices": [3]})
    assert (missing.status_code, missing.json()["code"]) == (400, "invalid")
    several = client.call("POST", f"/polls/{poll.pk}/vote", {"choices": [0, 1]})
    assert several.status_code == 400
    assert not Ballot.objects.exists()


def test_a_closed_poll_refuses_votes(world, open_club, api_for):
    poll = ask(world, open_club, closes_at=timezone.now() + timedelta(days=1), multiple=True)
    assert (
        api_for("manager")
        .call("POST", f"/polls/{poll.pk}/vote", {"choices": [0, 1]})
        .json()["voters"]
        == 1
    )
    Poll.objects.filter(pk=poll.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    late = api_for("owner").call("POST", f"/polls/{poll.pk}/vote", {"choices": [0]})
    assert (late.status_code, late.json()["code"]) == (409, "poll_closed")
    assert api_for("owner").call("GET", f"/polls/{poll.pk}").json()["closed"] is True


@pytest.mark.parametrize(
    ("visibility", "position"),
    [("secret", "outsider"), ("private", "outsider"), ("private", "leaver"), ("open", "removed")],
)
def test_who_may_not_read_gets_404(world, api_for, web, visibility, position):
    poll = ask(world, world.communities[visibility])
    client = api_for(position)
    assert client.call("GET", f"/polls/{poll.pk}").status_code == 404
    assert client.call("POST", f"/polls/{poll.pk}/vote", {"choices": [0]}).status_code == 404
    assert web(world.people[position]).get(f"/polls/{poll.pk}/").status_code == 404


def test_a_member_who_leaves_loses_the_poll_and_a_tab_off_hides_it(
    world, private_club, api_for, web
):
    poll = ask(world, private_club)
    assert web(world.people["manager"]).get(f"/polls/{poll.pk}/").status_code == 200
    community_leave(person=world.people["manager"], community=private_club)
    assert web(world.people["manager"]).get(f"/polls/{poll.pk}/").status_code == 404
    community_tabs_set(actor=world.people["owner"], community=private_club, tabs_on=["blog"])
    assert api_for("member").call("GET", f"/polls/{poll.pk}").status_code == 404
    assert web(world.people["member"]).get(f"/c/{private_club.slug}/polls/").status_code == 404


def test_the_web_pages_ask_vote_and_show_bars(world, open_club, web, django_assert_max_num_queries):
    client = web(world.people["member"])
    response = client.post(
        f"/c/{open_club.slug}/polls/new/",
        {"question": "Où ?", "choices": "Ici\nLà-bas", "anonymous": "on"},
    )
    poll = Poll.objects.get()
    assert response.status_code == 302
    client.post(f"/polls/{poll.pk}/vote", {"choice": "1"})
    page = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "poll-bar" in page and 'value="100"' in page
    for _ in range(3):
        ask(world, open_club)
    with django_assert_max_num_queries(15) as few:
        assert client.get(f"/c/{open_club.slug}/polls/").status_code == 200
    ask(world, open_club)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/c/{open_club.slug}/polls/")
    services.vote(person=world.people["owner"], poll_id=poll.pk, choices=[])


def test_the_periodic_job_closes_polls_past_their_date_once(world, open_club, api_for):
    due = ask(world, open_club, closes_at=timezone.now() + timedelta(hours=1))
    later = ask(world, open_club, closes_at=timezone.now() + timedelta(days=3))
    never = ask(world, open_club)
    closing = timezone.now() - timedelta(minutes=5)
    Poll.objects.filter(pk=due.pk).update(closes_at=closing)
    assert services.polls_close_due() == 1
    # Idempotent: a second (or overlapping) run changes nothing.
    assert services.polls_close_due() == 0
    due.refresh_from_db()
    assert due.closed_at == closing and due.is_closed
    later.refresh_from_db()
    never.refresh_from_db()
    assert (later.closed_at, never.closed_at) == (None, None)
    assert not later.is_closed and not never.is_closed
    # Once marked, the poll stays closed even if its date were moved (no reopening by the clock).
    Poll.objects.filter(pk=due.pk).update(closes_at=timezone.now() + timedelta(days=1))
    late = api_for("owner").call("POST", f"/polls/{due.pk}/vote", {"choices": [0]})
    assert (late.status_code, late.json()["code"]) == (409, "poll_closed")
    # The schedule drives the same job.
    from rucher import schedule

    Poll.objects.filter(pk=later.pk).update(closes_at=timezone.now() - timedelta(seconds=1))
    schedule.close_polls.call_local()
    later.refresh_from_db()
    assert later.closed_at is not None
