"""Background fan-out of content notifications: each task is one call into
rucher.notifications.fanout (enqueued by rucher.actions after commit)."""

from django.tasks import task

from rucher.notifications import fanout


@task
def notify_post_mentions(post_id: int) -> None:
    fanout.post_notify_mentions(post_id=post_id)


@task
def notify_comment_created(comment_id: int) -> None:
    fanout.comment_notify(comment_id=comment_id)


@task
def notify_post_liked(post_id: int, liker_id: int) -> None:
    fanout.post_notify_like(post_id=post_id, liker_id=liker_id)


@task
def notify_comment_liked(comment_id: int, liker_id: int) -> None:
    fanout.comment_notify_like(comment_id=comment_id, liker_id=liker_id)
