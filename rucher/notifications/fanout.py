"""Notifications caused by content, fanned out by background tasks (rucher.content.tasks):
mentions, comments and replies, answers, likes. Each recipient must be able to read the post
and is shown only a community they read (notify_readers); each notification is keyed, so a
retried job notifies nobody twice."""

from typing import Any

from rucher.accounts.models import User
from rucher.content.mentions import find_mentions
from rucher.content.models import Comment, CommentLike, Post, PostKind, PostLike
from rucher.notifications.services import notify_readers


def _mentioned_ids(body: str) -> list[int]:
    names = sorted(find_mentions(body))[:200]
    if not names:
        return []
    return list(
        User.objects.filter(username__in=names, is_active=True).values_list("pk", flat=True)
    )


def post_notify_mentions(*, post_id: int) -> int:
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return 0
    return notify_readers(
        post=post,
        recipient_ids=_mentioned_ids(post.body),
        kind="mention",
        key=f"mention:post:{post.pk}",
        actor_id=post.author_id,
    )


def comment_notify(*, comment_id: int) -> int:
    """The author of the comment replied to, the post's author (of a comment, or of an answer
    to their question), and the people mentioned: one notification each, the most specific
    (someone both replied to and mentioned is told of the reply, once)."""
    comment = Comment.objects.select_related("post", "parent").filter(pk=comment_id).first()
    if comment is None or comment.is_hidden:
        return 0
    post = comment.post
    common: dict[str, Any] = {"post": post, "actor_id": comment.author_id, "comment_id": comment.pk}
    mentioned = set(_mentioned_ids(comment.body))
    told: set[int] = set()
    sent = 0
    parent_author = comment.parent.author_id if comment.parent is not None else None
    if parent_author is not None:
        sent += notify_readers(
            recipient_ids=[parent_author], kind="reply", key=f"reply:{comment.pk}", **common
        )
        told.add(parent_author)
    if post.author_id is not None and post.author_id != parent_author:
        # An answer to a question tells the asker as an answer, not as a mere comment.
        answer = post.kind == PostKind.QUESTION and comment.parent is None
        sent += notify_readers(
            recipient_ids=[post.author_id],
            kind="answer" if answer else "comment",
            key=f"answer:{comment.pk}" if answer else f"comment:{comment.pk}",
            **common,
        )
        told.add(post.author_id)
    sent += notify_readers(
        recipient_ids=mentioned - told,
        kind="mention",
        key=f"mention:comment:{comment.pk}",
        **common,
    )
    return sent


def post_notify_like(*, post_id: int, liker_id: int) -> int:
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.author_id is None:
        return 0
    if not PostLike.objects.filter(post=post, person=liker_id).exists():
        return 0  # unliked before the job ran
    return notify_readers(
        post=post,
        recipient_ids=[post.author_id],
        kind="like",
        key=f"like:post:{post.pk}:{liker_id}",
        actor_id=liker_id,
    )


def comment_notify_like(*, comment_id: int, liker_id: int) -> int:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.author_id is None:
        return 0
    if not CommentLike.objects.filter(comment=comment, person=liker_id).exists():
        return 0
    return notify_readers(
        post=comment.post,
        recipient_ids=[comment.author_id],
        kind="like",
        key=f"like:comment:{comment.pk}:{liker_id}",
        actor_id=liker_id,
        comment_id=comment.pk,
    )
