"""Background jobs of rucher.actions: the effects of a write that do not decide its answer,
one task per write (each enqueue is a write to the queue). Every one is idempotent: points
and reputation are keyed by the like or the post, notifications by their key."""

from django.tasks import task

from rucher.actions import recognition_effects
from rucher.integrations import events
from rucher.integrations.tasks import webhook_event
from rucher.notifications import fanout


@task
def post_published_effects(post_id: int) -> None:
    """A new post's points and first contribution, then its webhooks' fan-out (which
    rucher.integrations.tasks.webhook_event would do in a task of its own: one enqueue less
    per post). A retry repeats neither: deliveries are keyed by event and post."""
    recognition_effects.post_published_recognition(post_id=post_id)
    webhook_event.call(events.POST_CREATED, post_id)


@task
def post_liked_effects(post_id: int, liker_id: int) -> None:
    recognition_effects.post_liked_recognition(post_id=post_id, liker_id=liker_id)
    fanout.post_notify_like(post_id=post_id, liker_id=liker_id)
