"""Notifications of the agenda (run in the background, idempotent by key): the reminder the
day before, changes and cancellations, to those who answered yes or maybe and may still read
the event. Email follows each person's preferences (rucher.mail listens to every notify())."""

from django.utils import timezone

from rucher.accounts.models import User
from rucher.agenda import services
from rucher.agenda.models import Event
from rucher.content.access import reads_community, viewer_scope
from rucher.notifications.models import Notification
from rucher.notifications.services import notify


def _readers(event: Event, person_ids: list[int]) -> list[int]:
    community = event.community
    people = User.objects.filter(pk__in=person_ids, is_active=True)
    return [
        person.pk
        for person in people
        if reads_community(viewer_scope(person), community.pk, community.visibility)
    ]


def _data(event: Event) -> dict[str, object]:
    return {"event_id": event.pk, "title": event.title, "starts_at": event.starts_at.isoformat()}


def event_notify(
    *, event_id: int, kind: str, key: str, actor_id: int | None, person_ids: list[int]
) -> int:
    event = Event.objects.select_related("community").filter(pk=event_id).first()
    if event is None:
        return 0
    return notify(
        recipient_ids=_readers(event, person_ids),
        kind=kind,
        key=key,
        actor_id=actor_id,
        community_id=event.community_id,
        data=_data(event),
    )


def reminders_send() -> int:
    """The periodic job: each event starting within a day is marked, then its attendees are
    notified under one key per event and start (a retry or an overlapping run adds nothing)."""
    sent = 0
    for event_id in services.reminders_due(timezone.now()):
        marked = services.reminder_mark(event_id)
        if marked is None:
            continue
        event, ids = marked
        sent += event_notify(
            event_id=event.pk,
            kind=Notification.Kind.EVENT_REMINDER,
            key=f"event_reminder:{event.pk}:{event.starts_at.timestamp():.0f}",
            actor_id=None,
            person_ids=ids,
        )
    return sent
