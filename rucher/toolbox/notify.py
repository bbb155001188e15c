"""Notifications of the community toolbox (run in the background, idempotent by key)."""

from rucher.content.models import Post, PostKind
from rucher.notifications.models import Notification
from rucher.notifications.services import notify_readers
from rucher.toolbox.models import IdeaVote


def idea_status_notify(*, post_id: int, status: str, key: str, actor_id: int | None) -> int:
    """Tells the author and every voter of an idea its new status (those who may still read
    it; never the manager who set it). `key` names this change: a retried job notifies
    nobody twice, a later change notifies again. Email follows each person's preferences
    (rucher.mail listens to every notify())."""
    post = Post.objects.filter(pk=post_id, kind=PostKind.IDEA).first()
    if post is None:
        return 0
    voters = list(IdeaVote.objects.filter(post=post).values_list("person_id", flat=True))
    recipients = [*voters, *([post.author_id] if post.author_id else [])]
    return notify_readers(
        post=post,
        recipient_ids=recipients,
        kind=Notification.Kind.IDEA_STATUS,
        key=key,
        actor_id=actor_id,
        data={"status": status},
    )
