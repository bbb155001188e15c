"""The agenda's bench subject (F-EVENTS, issue 17): a person in 40 communities with 2,000
upcoming events, whose private subscription feed (/calendar/<token>.ics) is measured.

Written with bulk inserts (no notification, no points: `attendance_due_at` stays empty) and
idempotent: the communities are found by slug, and the events are rebuilt when fewer than
wanted are still upcoming (a bench database reused weeks later).
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from rucher.accounts.models import User
from rucher.agenda import recurrence
from rucher.agenda.models import CalendarFeed, Event, Recurrence, Rsvp, RsvpAnswer
from rucher.communities.models import Community, Membership
from rucher.core.factories import password_hash

COMMUNITIES = 40
EVENTS = 2_000
# One event in this many repeats every week (a series: one VEVENT with its RRULE).
SERIES_EVERY = 40
USERNAME = "bench-agenda"
PREFIX = "bench-agenda-"


@transaction.atomic
def seed_agenda(communities: int = COMMUNITIES, events: int = EVENTS) -> tuple[User, str]:
    """The person and their feed's token."""
    person = User.objects.filter(username=USERNAME).first()
    if person is None:
        person = User.objects.create(
            username=USERNAME,
            email=f"{USERNAME}@example.org",
            display_name="Bench Agenda",
            password=password_hash(),
            accepted_charter_version=1_000_000,
        )
    slugs = [f"{PREFIX}{i:02d}" for i in range(communities)]
    have = set(Community.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    for slug in slugs:
        if slug not in have:
            Community.objects.create(
                name=f"Bench agenda {slug[-2:]}", slug=slug, visibility="private", member_count=1
            )
    places = list(Community.objects.filter(slug__in=slugs).order_by("slug"))
    Membership.objects.bulk_create(
        [Membership(community=c, person=person, role=Membership.Role.MEMBER) for c in places],
        ignore_conflicts=True,
    )
    now = timezone.now()
    upcoming = Event.objects.filter(community__in=places, starts_at__gt=now).count()
    if upcoming < events:
        Event.objects.filter(community__in=places).delete()
        start = (now + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
        made = []
        for i in range(events):
            begins = start + timedelta(minutes=(i * 361 * 24 * 60) // events)
            event = Event(
                community=places[i % len(places)],
                author=person,
                title=f"Réunion d’équipe n° {i} — « ordre du jour » ; suivi",
                description="Ordre du jour : points ouverts, décisions, prochaines étapes.\n"
                "Lien de la visio dans l’invitation.",
                starts_at=begins,
                ends_at=begins + timedelta(hours=1),
                location=f"Salle {i % 17}, bâtiment {'ABC'[i % 3]}",
                online_url="https://visio.example.com/r/" + str(i) if i % 4 == 0 else "",
                capacity=20 if i % 5 == 0 else None,
            )
            if i % SERIES_EVERY == 0:
                event.recurrence = Recurrence.WEEKLY
                event.recurrence_count = 10
                event.last_ends_at = recurrence.last_end(event)
            made.append(event)
        Event.objects.bulk_create(made, batch_size=500)
        ids = list(
            Event.objects.filter(community__in=places)
            .order_by("pk")
            .values_list("pk", flat=True)[::3]
        )
        Rsvp.objects.bulk_create(
            [Rsvp(event_id=pk, person=person, answer=RsvpAnswer.YES) for pk in ids],
            batch_size=500,
        )
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return person, feed.token
