"""Voting for an idea and answering it, with their effects (points, notifications, events)."""

from django.db import transaction

from rucher.accounts.models import User
from rucher.content.models import Post
from rucher.integrations import emit as webhooks
from rucher.toolbox import events, services
from rucher.toolbox import tasks as toolbox_tasks


@transaction.atomic
def idea_status_change(
    *, actor: User, post: Post, status: str, answer: str
) -> services.StatusChange:
    """The new status and public answer (with the author's points, rucher.toolbox.services);
    after commit, the author and the voters are notified in the background, and the
    `idea.status_changed` event goes to the webhooks and its other listeners."""
    change = services.idea_status_set(actor=actor, post=post, status=status, answer=answer)
    # Every answer is news (a new status, or a new answer with the same one): one key each.
    key = f"idea_status:{post.pk}:{change.changed_at.timestamp():.6f}"
    post_id, actor_id, username = post.pk, actor.pk, actor.username

    def after() -> None:
        toolbox_tasks.notify_idea_status.enqueue(post_id, change.new, key, actor_id)
        events.on_idea_status_changed(change, actor_username=username)

    transaction.on_commit(after)
    # Webhooks: the idea's readers among each hook's audience (rucher.integrations).
    webhooks.idea_status_changed(post_id=post_id, status=change.new, answer=answer)
    return change
