"""The access matrix of events, the private .ics subscription URL and polls: who reads what,
through the web pages, the API and the subscription feed — outsiders, requesters, members who
left, removed members, secret communities, a reset token and a deactivated person."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from rucher.accounts import services as account_services
from rucher.actions import polls as poll_actions
from rucher.agenda import services
from rucher.agenda.models import Event, Rsvp
from rucher.communities.services import community_leave, membership_remove
from rucher.polls.models import Ballot, Poll
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

# (visibility, position, reads): every position around each kind of community.
MATRIX = [
    ("open", "outsider", True),
    ("open", "leaver", True),
    ("open", "removed", False),
    ("open", "member", True),
    ("private", "outsider", False),
    ("private", "requester", False),
    ("private", "leaver", False),
    ("private", "removed", False),
    ("private", "member", True),
    ("secret", "outsider", False),
    ("secret", "requester", False),
    ("secret", "leaver", False),
    ("secret", "removed", False),
    ("secret", "member", True),
    ("secret", "administrator", True),
]


def api(person) -> ApiClient:
    _token, raw = account_services.token_create(person=person, name="t")
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")


def browser(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    return client


def make_event(world, community, **extra) -> Event:
    start = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    return services.event_create(
        author=world.people["owner"],
        community=community,
        data={"title": "Réunion", "starts_at": start, "ends_at": start + timedelta(hours=1)}
        | extra,
    )


def ask(world, community, **extra) -> Poll:
    return poll_actions.poll_ask(
        author=world.people["owner"],
        community=community,
        question="Quel jour ?",
        choices=["Lundi", "Mardi"],
        **extra,
    )


def feed_path(person) -> str:
    url = api(person).call("GET", "/me/calendar-url").json()["url"]
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def feed_uids(path: str) -> list[str]:
    response = Client().get(path)
    assert response.status_code == 200
    return [
        str(e["uid"]).split("@")[0] for e in Calendar.from_ical(response.content).walk("VEVENT")
    ]


@pytest.mark.parametrize(("visibility", "position", "reads"), MATRIX)
def test_events_web_and_api(world, visibility, position, reads):
    community = world.communities[visibility]
    event = make_event(world, community, recurrence="weekly", recurrence_count=3)
    person = world.people[position]
    web, client = browser(person), api(person)
    expected = 200 if reads else 404
    assert web.get(f"/events/{event.pk}/").status_code == expected
    assert web.get(f"/events/{event.pk}.ics").status_code == expected
    assert web.get(f"/c/{community.slug}/events/").status_code == expected
    assert web.get(f"/c/{community.slug}/events/?view=month").status_code == expected
    assert client.call("GET", f"/events/{event.pk}").status_code == expected
    assert client.call("GET", f"/events/{event.pk}.ics").status_code == expected
    listed = client.call("GET", f"/communities/{community.slug}/events")
    assert listed.status_code == expected
    if reads:
        assert {item["id"] for item in listed.json()["items"]} == {event.pk}
    answered = client.call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert answered.status_code == expected
    assert Rsvp.objects.filter(event=event, person=person).exists() is reads
    # Nobody but the author and the managers edits or cancels (404 for all the others).
    if position not in ("administrator",):
        assert web.get(f"/events/{event.pk}/edit/").status_code == 404
        assert client.call("DELETE", f"/events/{event.pk}").status_code == 404
        assert Event.objects.get(pk=event.pk).cancelled_at is None
    # The personal agenda and the feed: only what one reads (members' events, and those
    # answered in a community one reads).
    in_agenda = {i["id"] for i in client.call("GET", "/me/agenda").json()["items"]}
    assert (event.pk in in_agenda) is reads
    assert (f"event-{event.pk}" in feed_uids(feed_path(person))) is reads


@pytest.mark.parametrize(("visibility", "position", "reads"), MATRIX)
def test_polls_web_and_api(world, visibility, position, reads):
    community = world.communities[visibility]
    poll = ask(world, community)
    person = world.people[position]
    web, client = browser(person), api(person)
    expected = 200 if reads else 404
    assert web.get(f"/polls/{poll.pk}/").status_code == expected
    assert web.get(f"/c/{community.slug}/polls/").status_code == expected
    voted = web.post(f"/polls/{poll.pk}/vote", {"choice": "0"})
    assert voted.status_code == (302 if reads else 404)
    assert client.call("GET", f"/polls/{poll.pk}").status_code == expected
    again = client.call("POST", f"/polls/{poll.pk}/vote", {"choices": [1]})
    assert again.status_code == expected
    poll.refresh_from_db()
    assert poll.voter_count == (1 if reads else 0)
    assert poll.counts == ([0, 1] if reads else [0, 0])


def test_leaving_and_removal_take_the_event_out_of_the_feed_at_once(world):
    open_club, secret = world.communities["open"], world.communities["secret"]
    outside = make_event(world, open_club)
    hidden = make_event(world, secret)
    member = world.people["member"]
    # An outsider's yes to an open community's event brings it into their feed.
    services.rsvp_set(person=world.people["outsider"], event_id=outside.pk, answer="yes")
    outsider_feed = feed_path(world.people["outsider"])
    assert feed_uids(outsider_feed) == [f"event-{outside.pk}"]
    # A member who answered yes in the secret community, then left: the event is gone, answer
    # or not.
    services.rsvp_set(person=member, event_id=hidden.pk, answer="yes")
    member_feed = feed_path(member)
    assert f"event-{hidden.pk}" in feed_uids(member_feed)
    community_leave(person=member, community=secret)
    assert f"event-{hidden.pk}" not in feed_uids(member_feed)
    assert api(member).call("GET", f"/events/{hidden.pk}.ics").status_code == 404
    # Removed from the open community by a manager: its events leave the feed.
    membership_remove(actor=world.people["owner"], community=open_club, person=member)
    assert f"event-{outside.pk}" not in feed_uids(member_feed)


def test_a_reset_or_deactivated_feed_answers_404_and_bad_tokens_too(world):
    event = make_event(world, world.communities["private"])
    member = world.people["member"]
    old = feed_path(member)
    assert feed_uids(old) == [f"event-{event.pk}"]
    new_url = api(member).call("POST", "/me/calendar-url/reset").json()["url"]
    new = "/" + new_url.split("://", 1)[1].split("/", 1)[1]
    assert Client().get(old).status_code == 404
    assert feed_uids(new) == [f"event-{event.pk}"]
    # The web page's reset button too.
    browser(member).post("/agenda/calendar-url/reset")
    assert Client().get(new).status_code == 404
    newest = feed_path(member)
    assert feed_uids(newest) == [f"event-{event.pk}"]
    for bad in ("/calendar/x.ics", "/calendar/" + "a" * 80 + ".ics"):
        assert Client().get(bad).status_code == 404
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert Client().get(newest).status_code == 404


def test_a_deactivated_person_reads_no_event_and_no_poll(world):
    community = world.communities["private"]
    event = make_event(world, community)
    poll = ask(world, community)
    member = world.people["member"]
    web, client = browser(member), api(member)
    assert web.get(f"/events/{event.pk}/").status_code == 200
    member.is_active = False
    member.save(update_fields=["is_active"])
    for path in (f"/events/{event.pk}/", f"/events/{event.pk}.ics", f"/polls/{poll.pk}/"):
        assert web.get(path).status_code in (302, 404)  # to the login page, or nothing
    assert client.call("GET", f"/events/{event.pk}").status_code in (401, 404)
    assert client.call("POST", f"/polls/{poll.pk}/vote", {"choices": [0]}).status_code in (
        401,
        404,
    )
    assert web.post(f"/events/{event.pk}/rsvp", {"answer": "yes"}).status_code in (302, 404)
    assert not Rsvp.objects.filter(person=member).exists()
    assert not Ballot.objects.filter(poll=poll).exists()


def test_an_anonymous_visitor_reads_nothing(world):
    event = make_event(world, world.communities["open"])
    poll = ask(world, world.communities["open"])
    anonymous = Client()
    for path in (
        f"/events/{event.pk}/",
        f"/events/{event.pk}.ics",
        f"/polls/{poll.pk}/",
        "/agenda/",
    ):
        response = anonymous.get(path)
        assert response.status_code == 302 and "/login" in response["Location"]
    assert ApiClient().call("GET", f"/events/{event.pk}").status_code == 401
