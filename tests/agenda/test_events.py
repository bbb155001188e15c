"""Events (F-EVENTS): API and pages, RSVP with capacity, access, iCalendar, reminders."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from rucher.accounts import services as account_services
from rucher.agenda import notify, services
from rucher.agenda.models import Event, Rsvp
from rucher.communities.services import community_leave
from rucher.core.testing import run_queued_tasks
from rucher.notifications.models import Notification
from rucher.toolbox.services import community_tabs_set
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(world):
    def make(position: str) -> ApiClient:
        _token, raw = account_services.token_create(person=world.people[position], name="t")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def _times(days: int = 3, hours: int = 2) -> tuple[str, str]:
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    return start.isoformat(), (start + timedelta(hours=hours)).isoformat()


def make_event(world, community, *, capacity=None, days=3, author="member") -> Event:
    start = timezone.now() + timedelta(days=days)
    return services.event_create(
        author=world.people[author],
        community=community,
        data={
            "title": "Apéro",
            "starts_at": start,
            "ends_at": start + timedelta(hours=2),
            "location": "Salle B",
            "capacity": capacity,
        },
    )


def test_members_create_list_and_read_events_through_the_api(world, open_club, api_for):
    member = api_for("member")
    starts, ends = _times()
    created = member.call(
        "POST",
        f"/communities/{open_club.slug}/events",
        {
            "title": "Atelier",
            "description": "Bring a laptop",
            "starts_at": starts,
            "ends_at": ends,
            "location": "Lyon",
            "capacity": 10,
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["capacity"], body["attendees_count"], body["my_rsvp"]) == (
        "Atelier",
        10,
        0,
        None,
    )
    listing = api_for("outsider").call("GET", f"/communities/{open_club.slug}/events")
    assert [e["id"] for e in listing.json()["items"]] == [body["id"]]
    one = api_for("outsider").call("GET", f"/events/{body['id']}")
    assert one.status_code == 200
    # An outsider of an open community reads it but cannot create.
    refused = api_for("outsider").call(
        "POST",
        f"/communities/{open_club.slug}/events",
        {"title": "X", "starts_at": starts, "ends_at": ends},
    )
    assert refused.status_code == 404


def test_an_event_ending_before_it_starts_is_refused(open_club, api_for):
    starts, ends = _times()
    response = api_for("member").call(
        "POST",
        f"/communities/{open_club.slug}/events",
        {"title": "Backwards", "starts_at": ends, "ends_at": starts},
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert "ends_at" in response.json()["fields"]
    assert not Event.objects.exists()


def test_rsvp_respects_the_capacity(world, open_club, api_for):
    event = make_event(world, open_club, capacity=1)
    first = api_for("member").call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert (first.status_code, first.json()["attendees_count"], first.json()["my_rsvp"]) == (
        200,
        1,
        "yes",
    )
    full = api_for("manager").call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert (full.status_code, full.json()["code"]) == (409, "event_full")
    maybe = api_for("manager").call("POST", f"/events/{event.pk}/rsvp", {"answer": "maybe"})
    assert maybe.status_code == 200
    # Saying no frees the place.
    api_for("member").call("POST", f"/events/{event.pk}/rsvp", {"answer": "no"})
    again = api_for("manager").call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert again.json()["attendees_count"] == 1
    event.refresh_from_db()
    assert event.yes_count == Rsvp.objects.filter(event=event, answer="yes").count() == 1
    bad = api_for("member").call("POST", f"/events/{event.pk}/rsvp", {"answer": "perhaps"})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("visibility", "position"),
    [
        ("secret", "outsider"),
        ("private", "outsider"),
        ("private", "leaver"),
        ("open", "removed"),
        ("secret", "requester"),
    ],
)
def test_who_may_not_read_gets_404_everywhere(world, api_for, visibility, position):
    community = world.communities[visibility]
    event = make_event(world, community)
    client = api_for(position)
    assert client.call("GET", f"/events/{event.pk}").status_code == 404
    assert client.call("GET", f"/events/{event.pk}.ics").status_code == 404
    assert client.call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"}).status_code == 404
    assert client.call("GET", f"/communities/{community.slug}/events").status_code == 404
    assert client.call("GET", "/me/agenda").json()["items"] == []


def test_a_member_who_leaves_loses_the_event_at_once(world, private_club, api_for, web):
    event = make_event(world, private_club)
    member = world.people["member"]
    assert web(member).get(f"/events/{event.pk}/").status_code == 200
    community_leave(person=member, community=private_club)
    assert web(member).get(f"/events/{event.pk}/").status_code == 404
    assert api_for("member").call("GET", f"/events/{event.pk}").status_code == 404


def test_a_tab_turned_off_hides_events(world, open_club, api_for, web):
    event = make_event(world, open_club)
    community_tabs_set(actor=world.people["owner"], community=open_club, tabs_on=["blog"])
    member = world.people["member"]
    assert web(member).get(f"/c/{open_club.slug}/events/").status_code == 404
    assert web(member).get(f"/events/{event.pk}/").status_code == 404
    assert api_for("member").call("GET", "/me/agenda").json()["items"] == []
    assert "/events/" not in web(member).get(f"/c/{open_club.slug}/").content.decode()


def test_one_event_as_icalendar_parses_back(world, open_club, api_for):
    event = make_event(world, open_club)
    response = api_for("member").call("GET", f"/events/{event.pk}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [item] = calendar.walk("VEVENT")
    assert str(item["summary"]) == "Apéro"
    assert item.decoded("dtstart") == event.starts_at
    assert str(item["location"]) == "Salle B"


def test_the_subscription_url_lists_what_its_person_reads_and_is_revocable(
    world, open_club, private_club, api_for
):
    mine = make_event(world, private_club)
    make_event(world, world.communities["secret"], author="owner")
    community_leave(person=world.people["member"], community=world.communities["secret"])
    url = api_for("member").call("GET", "/me/calendar-url").json()["url"]
    path = url.split("://", 1)[1].split("/", 1)[1]
    feed = Client().get(f"/{path}")
    assert feed.status_code == 200
    uids = [str(e["uid"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert uids == [f"event-{mine.pk}@" + uids[0].split("@")[1]]
    # Leaving the community: the event leaves the feed at once.
    community_leave(person=world.people["member"], community=private_club)
    assert Calendar.from_ical(Client().get(f"/{path}").content).walk("VEVENT") == []
    # A reset: the old address answers 404.
    new = api_for("member").call("POST", "/me/calendar-url/reset").json()["url"]
    assert new != url
    assert Client().get(f"/{path}").status_code == 404
    # A departed person's feed stops.
    world.people["member"].is_active = False
    world.people["member"].save()
    assert Client().get("/" + new.split("://", 1)[1].split("/", 1)[1]).status_code == 404


def test_the_reminder_goes_once_to_those_going(world, open_club):
    event = make_event(world, open_club, days=0)
    soon = timezone.now() + timedelta(hours=20)
    Event.objects.filter(pk=event.pk).update(starts_at=soon, ends_at=soon + timedelta(hours=1))
    services.rsvp_set(person=world.people["manager"], event_id=event.pk, answer="yes")
    services.rsvp_set(person=world.people["owner"], event_id=event.pk, answer="no")
    assert notify.reminders_send() == 1
    assert notify.reminders_send() == 0
    reminded = Notification.objects.filter(kind=Notification.Kind.EVENT_REMINDER)
    assert list(reminded.values_list("recipient__username", flat=True)) == ["manager"]


def test_changes_and_cancellation_notify_attendees(
    world, open_club, api_for, django_capture_on_commit_callbacks
):
    event = make_event(world, open_club)
    services.rsvp_set(person=world.people["manager"], event_id=event.pk, answer="maybe")
    starts, ends = _times(days=5)
    with django_capture_on_commit_callbacks(execute=True):
        moved = api_for("member").call(
            "PATCH", f"/events/{event.pk}", {"starts_at": starts, "ends_at": ends}
        )
    assert moved.status_code == 200
    run_queued_tasks()
    assert (
        Notification.objects.filter(kind="event_changed", recipient=world.people["manager"]).count()
        == 1
    )
    # Not the author's nor a manager's: 404.
    assert api_for("ambassador").call("DELETE", f"/events/{event.pk}").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert api_for("member").call("DELETE", f"/events/{event.pk}").status_code == 204
    run_queued_tasks()
    assert Notification.objects.filter(kind="event_cancelled").count() == 1
    late = api_for("manager").call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert (late.status_code, late.json()["code"]) == (409, "event_cancelled")


def test_event_pages_render_within_a_query_budget(
    world, open_club, web, django_assert_max_num_queries
):
    for days in range(1, 6):
        event = make_event(world, open_club, days=days)
        services.rsvp_set(person=world.people["manager"], event_id=event.pk, answer="yes")
    client = web(world.people["member"])
    for url in (
        f"/c/{open_club.slug}/events/",
        f"/c/{open_club.slug}/events/?view=month",
        "/agenda/",
    ):
        with django_assert_max_num_queries(20) as few:
            response = client.get(url)
        assert response.status_code == 200
        assert "Apéro" in response.content.decode()
        make_event(world, open_club, days=2)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(url)
    page = client.get(f"/events/{event.pk}/")
    assert "Manager" in page.content.decode()


def test_the_web_form_creates_and_rsvps(world, open_club, web):
    client = web(world.people["member"])
    start = timezone.localtime() + timedelta(days=2)
    response = client.post(
        f"/c/{open_club.slug}/events/new/",
        {
            "title": "Pique-nique",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 200
    assert not Event.objects.exists()
    response = client.post(
        f"/c/{open_club.slug}/events/new/",
        {
            "title": "Pique-nique",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "2",
        },
    )
    event = Event.objects.get()
    assert response.status_code == 302
    client.post(f"/events/{event.pk}/rsvp", {"answer": "yes"})
    event.refresh_from_db()
    assert event.yes_count == 1
    assert client.get(f"/events/{event.pk}.ics").status_code == 200
