"""Points for attending (F-POINTS, reason "event attended"): once an event is over, each person
who answered yes earns the points once — for a recurring event, once per occurrence (the RSVP
is to the series). A periodic job (rucher.schedule.grant_attendance_points) walks the events
whose `attendance_due_at` (the end of the next occurrence not yet granted) has passed.

Idempotent twice over: the cursor moves under a lock on the event row in the same transaction
as the grants, and every grant carries a key naming the event (and occurrence), which the
ledger never grants twice to the same person. Grants go through rucher.recognition.points, so
scores and period totals follow in the same transaction (`rucher points_check` stays exact).
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rucher.accounts.models import User
from rucher.agenda import recurrence
from rucher.agenda.models import Event, Rsvp, RsvpAnswer
from rucher.content.access import reads_community, viewer_scope
from rucher.recognition.models import PointsReason
from rucher.recognition.points import points_grant

# Events handled per run; the rest wait for the next run (the job runs every 15 minutes).
BATCH = 200


def attendance_due(now: datetime) -> list[int]:
    return list(
        Event.objects.filter(attendance_due_at__lte=now)
        .order_by("attendance_due_at", "pk")
        .values_list("pk", flat=True)[:BATCH]
    )


def _attendees(event: Event) -> list[int]:
    """Who answered yes, is still active and may still read the event's community."""
    ids = Rsvp.objects.filter(event=event, answer=RsvpAnswer.YES).values_list(
        "person_id", flat=True
    )
    community = event.community
    return [
        person.pk
        for person in User.objects.filter(pk__in=ids, is_active=True).order_by("pk")
        if reads_community(viewer_scope(person), community.pk, community.visibility)
    ]


@transaction.atomic
def attendance_grant(event_id: int, now: datetime | None = None) -> int:
    """Grants the points of the event's occurrences over since its cursor, and moves the cursor
    to the next occurrence's end (None when the series is done or cancelled). Returns how many
    grants were made."""
    now = now or timezone.now()
    event = (
        Event.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.attendance_due_at is None or event.attendance_due_at > now:
        return 0
    due = event.attendance_due_at
    event.attendance_due_at = None if event.is_cancelled else recurrence.next_end_after(event, now)
    event.save(update_fields=["attendance_due_at"])
    if event.is_cancelled or not event.yes_count:
        return 0
    over = recurrence.ended_between(event, due, now)
    people = _attendees(event) if over else []
    granted = 0
    for occurrence in over:
        key = recurrence.occurrence_key(event, occurrence)
        for person_id in people:
            entry = points_grant(
                person_id=person_id,
                reason=PointsReason.EVENT_ATTENDED,
                key=key,
                community_id=event.community_id,
                now=now,
            )
            granted += entry is not None
    return granted


def attendance_grant_due(now: datetime | None = None) -> int:
    """The periodic job: every event with an occurrence over and not yet granted, each in its
    own transaction."""
    now = now or timezone.now()
    return sum(attendance_grant(event_id, now) for event_id in attendance_due(now))
