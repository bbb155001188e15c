"""The digests' upcoming events (F-DIGEST, F-EVENTS): the first occurrences starting within the
next period of the events of the reader's communities; only new ones make a digest worth
sending; never an event of a community the reader is not in, a cancelled one, or a tab off."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher.agenda.models import Event
from rucher.communities.models import Community
from rucher.mail import digests
from rucher.mail.digests import digest_build_for
from tests.mail.test_digest import NOW, cast, prefer  # noqa: F401, F811

pytestmark = pytest.mark.django_db


def event(place: Community, title: str, starts_in: timedelta, *, created=NOW, **extra) -> Event:
    start = NOW + starts_in
    made = Event.objects.create(
        community=place,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        location="Salle 3",
        **extra,
    )
    Event.objects.filter(pk=made.pk).update(created_at=created)
    return made


def titles(digest) -> list[str]:
    return [e.title for e in digest.events]


def test_the_weekly_digest_lists_the_weeks_events_of_ones_communities(cast):  # noqa: F811
    event(cast.garden, "Atelier", timedelta(days=2), created=NOW - timedelta(days=1))
    event(cast.secret, "Cave", timedelta(hours=5), created=NOW - timedelta(days=1))
    event(cast.hidden_club, "Secret", timedelta(days=1))  # the reader is not a member
    event(cast.lobby, "Lobby", timedelta(days=1))  # open, but the reader is not a member
    event(cast.garden, "Too far", timedelta(days=9))
    event(cast.garden, "Past", -timedelta(days=1))
    event(cast.garden, "Cancelled", timedelta(days=1), cancelled_at=NOW - timedelta(hours=2))
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert titles(digest) == ["Cave", "Atelier"]
    first = digest.events[0]
    assert first.place == "Salle 3" and first.is_new
    assert first.url.endswith(f"/events/{Event.objects.get(title='Cave').pk}/")
    assert digest.has_news
    # The daily digest looks one day ahead.
    prefer(cast.reader, digest="daily")
    assert titles(digest_build_for(cast.reader, "daily", NOW)) == ["Cave"]


def test_an_event_announced_before_the_last_digest_is_shown_but_is_no_news(cast):  # noqa: F811
    event(cast.garden, "Old news", timedelta(days=2), created=NOW - timedelta(days=30))
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert titles(digest) == ["Old news"]
    assert not digest.events[0].is_new
    assert not digest.has_news


def test_a_recurring_event_shows_its_next_occurrence(cast):  # noqa: F811
    series = event(
        cast.garden,
        "Café",
        -timedelta(days=28, hours=-3),
        created=NOW - timedelta(days=40),
        recurrence="weekly",
    )
    digest = digest_build_for(cast.reader, "weekly", NOW)
    [shown] = digest.events
    assert shown.title == "Café"
    assert shown.starts_at == series.starts_at + timedelta(weeks=4)


def test_an_events_tab_turned_off_hides_them_and_at_most_a_few_are_shown(cast):  # noqa: F811
    for i in range(digests.UPCOMING_EVENTS_LIMIT + 3):
        event(cast.garden, f"E{i}", timedelta(hours=2 + i))
    digest = digest_build_for(cast.reader, "weekly", NOW)
    assert titles(digest) == [f"E{i}" for i in range(digests.UPCOMING_EVENTS_LIMIT)]
    Community.objects.filter(pk=cast.garden.pk).update(tabs_off=Community.Tab.EVENTS)
    assert digest_build_for(cast.reader, "weekly", NOW).events == []


def test_the_email_names_the_events(cast):  # noqa: F811
    event(cast.garden, "Atelier tricot", timedelta(days=2))
    digest = digest_build_for(cast.reader, "weekly", NOW)
    context = digests.digest_context(digest)
    from django.template.loader import render_to_string

    html = render_to_string("mail/digest.html", context)
    text = render_to_string("mail/digest.txt", context)
    assert "Atelier tricot" in html and "Atelier tricot" in text
    assert timezone.is_aware(digest.events[0].starts_at)
