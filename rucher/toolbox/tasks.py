"""Background jobs of the community toolbox: one-line calls, enqueued after commit."""

from django.tasks import task

from rucher.toolbox import notify


@task
def notify_idea_status(post_id: int, status: str, key: str, actor_id: int | None) -> None:
    notify.idea_status_notify(post_id=post_id, status=status, key=key, actor_id=actor_id)
