"""Background work of webhooks: each task is one call into rucher.integrations.delivery
(the fan-out is enqueued by rucher.actions after commit)."""

from datetime import datetime
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from rucher.integrations import delivery, events


@task
def webhook_event(name: str, object_id: int, extra: dict[str, Any] | None = None) -> None:
    with transaction.atomic():
        ids = delivery.event_fan_out(name=name, object_id=object_id, extra=extra)
        transaction.on_commit(lambda: deliveries_enqueue(ids))


def deliveries_enqueue(ids: list[int]) -> None:
    for delivery_id in ids:
        webhook_deliver.enqueue(delivery_id)


@task
def webhook_deliver(delivery_id: int) -> None:
    delivery.delivery_send(delivery_id=delivery_id)


def deliveries_due_enqueue() -> int:
    """Every minute (rucher.schedule): one task per delivery whose retry time has come."""
    ids = delivery.deliveries_due()
    for delivery_id in ids:
        webhook_deliver.enqueue(delivery_id)
    return len(ids)


def webhook_event_after_commit(
    name: str, object_id: int, extra: dict[str, Any] | None = None
) -> None:
    """For rucher.actions: the event fans out in the background once the action committed
    (nothing leaves for a write that rolled back)."""
    transaction.on_commit(lambda: webhook_event.enqueue(name, object_id, extra))


def questions_overdue_enqueue(*, now: datetime | None = None) -> int:
    """Every 15 minutes (rucher.schedule): `question.overdue` for questions that just missed
    their answer-time promise."""
    post_ids = delivery.overdue_questions(now=now or timezone.now())
    for post_id in post_ids:
        webhook_event.enqueue(events.QUESTION_OVERDUE, post_id)
    return len(post_ids)
