"""Recurring events (F-EVENTS, RRULE weekly or monthly, until a day or a number of times):
the API field, the web form, occurrences in the lists, RRULE in iCalendar, RSVP to the series."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dateutil.rrule import rrulestr
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from rucher.accounts import services as account_services
from rucher.agenda import services
from rucher.agenda.models import Event
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
# A weekly series across the spring daylight-saving change (Sunday 28 March 2027).
FIRST = datetime(2027, 3, 15, 10, 0, tzinfo=PARIS)


@pytest.fixture
def api_for(world):
    def make(position: str) -> ApiClient:
        _token, raw = account_services.token_create(person=world.people[position], name="t")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def create(api, community, **recurrence):
    return api.call(
        "POST",
        f"/communities/{community.slug}/events",
        {
            "title": "Café du lundi",
            "starts_at": FIRST.isoformat(),
            "ends_at": (FIRST + timedelta(hours=1)).isoformat(),
            "recurrence": recurrence or None,
        },
    )


def test_a_weekly_series_lists_each_occurrence_at_the_same_local_time(world, open_club, api_for):
    api = api_for("member")
    created = create(api, open_club, freq="weekly", count=4)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["recurrence"] == {"freq": "weekly", "until": None, "count": 4}
    listed = api.call(
        "GET",
        f"/communities/{open_club.slug}/events?from=2027-03-01T00:00:00%2B01:00"
        "&to=2027-05-01T00:00:00%2B02:00",
    ).json()["items"]
    assert {item["id"] for item in listed} == {body["id"]}
    starts = [datetime.fromisoformat(item["starts_at"]).astimezone(PARIS) for item in listed]
    assert [(s.date(), s.hour) for s in starts] == [
        (date(2027, 3, 15), 10),
        (date(2027, 3, 22), 10),
        (date(2027, 3, 29), 10),  # after the change to summer time: still 10:00 local
        (date(2027, 4, 5), 10),
    ]
    # A window inside the series shows only its occurrences.
    inside = api.call(
        "GET",
        f"/communities/{open_club.slug}/events?from=2027-03-21T00:00:00%2B01:00"
        "&to=2027-03-30T00:00:00%2B02:00",
    ).json()["items"]
    assert len(inside) == 2
    # The personal agenda expands it too.
    agenda = api.call(
        "GET", "/me/agenda?from=2027-03-01T00:00:00%2B01:00&to=2027-05-01T00:00:00%2B02:00"
    )
    assert len(agenda.json()["items"]) == 4


def test_a_monthly_series_until_a_day_and_an_endless_one_stay_bounded(world, open_club, api_for):
    api = api_for("member")
    monthly = create(api, open_club, freq="monthly", until="2027-06-30").json()
    endless = create(api, open_club, freq="weekly").json()
    assert endless["recurrence"] == {"freq": "weekly", "until": None, "count": None}
    items = api.call(
        "GET",
        f"/communities/{open_club.slug}/events?from=2027-01-01T00:00:00%2B01:00"
        "&to=2028-12-31T00:00:00%2B01:00",
    ).json()["items"]
    monthly_dates = [i["starts_at"][:10] for i in items if i["id"] == monthly["id"]]
    assert monthly_dates == ["2027-03-15", "2027-04-15", "2027-05-15", "2027-06-15"]
    # The window is capped (400 days), so an endless series lists a bounded number of dates.
    # (2027-01-01 + 400 days: the Mondays from 15 March 2027 to 5 February 2028.)
    assert sum(i["id"] == endless["id"] for i in items) == 47


@pytest.mark.parametrize(
    ("recurrence", "field"),
    [
        ({"freq": "weekly", "until": "2027-03-01"}, "recurrence_until"),
        ({"freq": "weekly", "until": "2027-06-01", "count": 3}, "recurrence_until"),
        ({"freq": "monthly", "count": 1}, "recurrence_count"),
        ({"freq": "weekly", "until": "2040-01-01"}, "recurrence_until"),
    ],
)
def test_bad_repetitions_are_refused(open_club, api_for, recurrence, field):
    response = create(api_for("member"), open_club, **recurrence)
    assert (response.status_code, response.json()["code"]) == (400, "invalid")
    assert field in response.json()["fields"]
    assert not Event.objects.exists()


def test_an_unknown_frequency_is_refused(open_club, api_for):
    response = create(api_for("member"), open_club, freq="daily")
    assert response.status_code in (400, 422)
    assert not Event.objects.exists()


def test_a_weekly_event_longer_than_a_week_is_refused(world, open_club):
    with pytest.raises(Exception) as refused:
        services.event_create(
            author=world.people["member"],
            community=open_club,
            data={
                "title": "Trop long",
                "starts_at": FIRST,
                "ends_at": FIRST + timedelta(days=8),
                "recurrence": "weekly",
            },
        )
    assert "ends_at" in refused.value.message_dict  # type: ignore[attr-defined]


def test_icalendar_carries_the_rrule_and_parses_back(world, open_club, api_for):
    api = api_for("member")
    weekly = create(api, open_club, freq="weekly", until="2027-04-05").json()
    response = api.call("GET", f"/events/{weekly['id']}.ics")
    calendar = Calendar.from_ical(response.content)
    [item] = calendar.walk("VEVENT")
    start = item.decoded("dtstart")
    assert start == FIRST and str(start.tzinfo) == "Europe/Paris"
    assert item["dtstart"].params["TZID"] == "Europe/Paris"
    assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    rule = item["rrule"]
    assert rule["FREQ"] == ["WEEKLY"]
    until = rule["UNTIL"][0]
    assert until.utcoffset() == timedelta(0)  # UTC, as RFC 5545 wants with a TZID
    dates = list(rrulestr(rule.to_ical().decode(), dtstart=start))
    assert [d.date() for d in dates] == [date(2027, 3, d) for d in (15, 22, 29)] + [
        date(2027, 4, 5)
    ]
    assert all(d.hour == 10 for d in dates)
    # An all-day monthly series: dates, and COUNT.
    all_day = api.call(
        "POST",
        f"/communities/{open_club.slug}/events",
        {
            "title": "Inventaire",
            "starts_at": FIRST.isoformat(),
            "ends_at": FIRST.isoformat(),
            "all_day": True,
            "recurrence": {"freq": "monthly", "count": 3},
        },
    ).json()
    [item] = Calendar.from_ical(api.call("GET", f"/events/{all_day['id']}.ics").content).walk(
        "VEVENT"
    )
    assert item.decoded("dtstart") == date(2027, 3, 15)
    assert item["rrule"]["FREQ"] == ["MONTHLY"] and item["rrule"]["COUNT"] == [3]


def test_the_subscription_feed_has_each_series_once_with_its_rule(world, open_club, api_for):
    start = (timezone.now() + timedelta(days=1)).replace(microsecond=0)
    event = services.event_create(
        author=world.people["member"],
        community=open_club,
        data={
            "title": "Point hebdo",
            "starts_at": start,
            "ends_at": start + timedelta(minutes=30),
            "recurrence": "weekly",
            "recurrence_count": 10,
        },
    )
    url = api_for("member").call("GET", "/me/calendar-url").json()["url"]
    feed = Client().get("/" + url.split("://", 1)[1].split("/", 1)[1])
    [item] = Calendar.from_ical(feed.content).walk("VEVENT")
    assert str(item["uid"]).startswith(f"event-{event.pk}@")
    assert item["rrule"]["COUNT"] == [10]


def test_rsvp_is_to_the_series_and_stays_open_until_the_last_date(world, open_club, api_for):
    start = (timezone.now() - timedelta(days=8)).replace(microsecond=0)
    event = services.event_create(
        author=world.people["member"],
        community=open_club,
        data={
            "title": "Yoga",
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "recurrence": "weekly",
            "recurrence_count": 3,
            "capacity": 1,
        },
    )
    api = api_for("manager")
    answered = api.call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert answered.status_code == 200 and answered.json()["my_rsvp"] == "yes"
    # One place for the series: the next one is full.
    full = api_for("owner").call("POST", f"/events/{event.pk}/rsvp", {"answer": "yes"})
    assert (full.status_code, full.json()["code"]) == (409, "event_full")
    # Once the last date is over, answers are closed.
    Event.objects.filter(pk=event.pk).update(last_ends_at=timezone.now() - timedelta(hours=1))
    over = api.call("POST", f"/events/{event.pk}/rsvp", {"answer": "no"})
    assert (over.status_code, over.json()["code"]) == (409, "event_over")


def test_the_web_form_repeats_and_the_pages_show_the_dates(world, open_club, web):
    client = web(world.people["member"])
    start = timezone.localtime() + timedelta(days=2)
    until = (start + timedelta(weeks=3)).date()
    response = client.post(
        f"/c/{open_club.slug}/events/new/",
        {
            "title": "Course du midi",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "recurrence": "weekly",
            "recurrence_until": until.isoformat(),
        },
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.recurrence, event.recurrence_until, event.recurrence_count) == (
        "weekly",
        until,
        None,
    )
    page = client.get(f"/events/{event.pk}/").content.decode()
    assert "Every week, until" in page and "Next dates:" in page
    listed = client.get(f"/c/{open_club.slug}/events/").content.decode()
    assert listed.count("Course du midi") == 4
    assert client.get("/agenda/").content.decode().count("Course du midi") == 4
    # Editing keeps the rule unless changed; "Never" makes it a single event again.
    client.post(
        f"/events/{event.pk}/edit/",
        {
            "title": "Course du midi",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "recurrence": "",
            "recurrence_until": until.isoformat(),
        },
    )
    event.refresh_from_db()
    assert (event.recurrence, event.recurrence_until, event.last_ends_at) == ("", None, None)
    assert client.get(f"/c/{open_club.slug}/events/").content.decode().count("Course du midi") == 1


def test_the_feed_follows_changes_at_once_and_round_trips_text(world, open_club, api_for):
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    description = "Ordre du jour ; points, décisions\\suite\n" + "é" * 120
    event = services.event_create(
        author=world.people["member"],
        community=open_club,
        data={
            "title": "Comité, « bilan » ; 2027",
            "description": description,
            "starts_at": start,
            "ends_at": start + timedelta(hours=1),
            "location": "Salle 4, bâtiment B",
        },
    )
    path = (
        "/"
        + api_for("member")
        .call("GET", "/me/calendar-url")
        .json()["url"]
        .split("://", 1)[1]
        .split("/", 1)[1]
    )
    body = Client().get(path).content
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    [item] = Calendar.from_ical(body).walk("VEVENT")
    assert str(item["summary"]) == "Comité, « bilan » ; 2027"
    assert str(item["description"]) == description
    assert str(item["location"]) == "Salle 4, bâtiment B"
    assert item.decoded("dtstart") == start
    # A change shows in the next fetch (the cached text is keyed on the events' last change).
    services.event_update(
        actor=world.people["member"], event_id=event.pk, data={"title": "Nouveau"}
    )
    [item] = Calendar.from_ical(Client().get(path).content).walk("VEVENT")
    assert str(item["summary"]) == "Nouveau" and int(item["sequence"]) == 1
    services.event_cancel(actor=world.people["member"], event_id=event.pk)
    [item] = Calendar.from_ical(Client().get(path).content).walk("VEVENT")
    assert str(item["status"]) == "CANCELLED"
