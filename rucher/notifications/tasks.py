"""Background fan-out of notifications: thin wrappers around services, one task per post."""

from datetime import datetime

from django.tasks import task

from rucher.notifications import announcements


@task
def announcement_notify_task(post_id: int) -> int:
    return announcements.announcement_notify(post_id=post_id)


@task
def read_reminders_task(post_id: int, now_iso: str) -> int:
    # The periodic job's clock travels with the task, so a late worker reminds the same people.
    return announcements.read_reminders_send(post_id=post_id, now=datetime.fromisoformat(now_iso))
