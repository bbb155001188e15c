"""Background jobs of the agenda: one-line calls, enqueued after commit."""

from django.tasks import task

from rucher.agenda import notify


@task
def notify_event(
    event_id: int, kind: str, key: str, actor_id: int | None, person_ids: list[int]
) -> None:
    notify.event_notify(
        event_id=event_id, kind=kind, key=key, actor_id=actor_id, person_ids=person_ids
    )
