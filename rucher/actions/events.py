"""Changing and cancelling events, with their effects (attendees notified after commit)."""

from typing import Any

from django.db import transaction

from rucher.accounts.models import User
from rucher.agenda import services
from rucher.agenda import tasks as agenda_tasks
from rucher.agenda.models import Event
from rucher.notifications.models import Notification


def _after(change: services.EventChange, kind: str, actor: User) -> None:
    if not change.notify_ids:
        return
    event = change.event
    args = (event.pk, kind, f"{kind}:{event.pk}:{event.sequence}", actor.pk, change.notify_ids)
    transaction.on_commit(lambda: agenda_tasks.notify_event.enqueue(*args))


@transaction.atomic
def event_update(*, actor: User, event_id: int, data: dict[str, Any]) -> Event:
    change = services.event_update(actor=actor, event_id=event_id, data=data)
    _after(change, Notification.Kind.EVENT_CHANGED, actor)
    return change.event


@transaction.atomic
def event_cancel(*, actor: User, event_id: int) -> Event:
    change = services.event_cancel(actor=actor, event_id=event_id)
    _after(change, Notification.Kind.EVENT_CANCELLED, actor)
    return change.event
