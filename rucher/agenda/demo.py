"""Demo events: in each of the first demo communities, a past event and upcoming ones (one
all-day, one online with a capacity), with RSVPs from members. Idempotent: an event is
identified by its community and title; written through the ORM with counters set from the
rows (no notification for invented activity)."""

from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from rucher.agenda import recurrence
from rucher.agenda.models import Event, Rsvp, RsvpAnswer
from rucher.communities.models import Community, Membership

EVENTS = [
    # title, days from today, hour (None: all day), hours long, place, online, capacity, repeat
    ("Petit-déjeuner de rentrée", -12, 9, 2, "Cafétéria, Lyon", "", None, ""),
    ("Atelier : bien démarrer", 3, 14, 2, "Salle Rhône", "", 12, ""),
    ("Webinaire trimestriel", 9, 11, 1, "", "https://visio.example.com/rucher", 50, ""),
    ("Journée portes ouvertes", 20, None, 0, "Site de Nantes", "", None, ""),
    ("Café de la semaine", 1, 9, 1, "Cafétéria, Lyon", "", None, "weekly"),
]
# A weekly series runs this many times.
SERIES_COUNT = 12


@transaction.atomic
def demo_agenda_load() -> dict[str, Any]:
    communities = list(Community.objects.order_by("slug")[:4])
    existing = set(Event.objects.values_list("community_id", "title"))
    today = timezone.localdate()
    created = 0
    for community in communities:
        members = list(
            Membership.objects.filter(community=community, status=Membership.Status.MEMBER)
            .order_by("person_id")
            .values_list("person_id", flat=True)[:12]
        )
        for title, days, hour, hours, place, online, capacity, repeat in EVENTS:
            if (community.pk, title) in existing or not members:
                continue
            day = today + timedelta(days=days)
            if hour is None:
                starts = timezone.make_aware(datetime.combine(day, time.min))
                ends = starts + timedelta(days=1)
            else:
                starts = timezone.make_aware(datetime.combine(day, time(hour)))
                ends = starts + timedelta(hours=hours)
            event = Event.objects.create(
                community=community,
                author_id=members[0],
                title=title,
                description="Venez nombreux ! Ordre du jour et détails pratiques à venir.",
                starts_at=starts,
                ends_at=ends,
                all_day=hour is None,
                location=place,
                online_url=online,
                capacity=capacity,
                reminded_at=timezone.now() if days < 1 else None,
                # Upcoming ones earn their attendees points when over (not the invented past).
                attendance_due_at=None if days < 1 else ends,
                recurrence=repeat,
                recurrence_count=SERIES_COUNT if repeat else None,
            )
            if repeat:
                event.last_ends_at = recurrence.last_end(event)
                event.save(update_fields=["last_ends_at"])
            answers = [RsvpAnswer.YES, RsvpAnswer.YES, RsvpAnswer.MAYBE, RsvpAnswer.NO]
            rsvps = [
                Rsvp(event=event, person_id=pk, answer=answers[i % len(answers)])
                for i, pk in enumerate(members[: min(len(members), (capacity or 8))])
            ]
            Rsvp.objects.bulk_create(rsvps)
            event.yes_count = sum(r.answer == RsvpAnswer.YES for r in rsvps)
            event.save(update_fields=["yes_count"])
            created += 1
    return {"events": created}
