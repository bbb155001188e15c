"""Notifications caused by content, fanned out by background tasks (rucher.content.tasks):
mentions, comments and replies, answers, likes. Each recipient must be able to read the post
(rucher.content.access.readers_among); each notification is keyed, so a retried job notifies
nobody twice."""

from typing import Any

from rucher.accounts.models import User
from rucher.content import access
from rucher.content.mentions import find_mentions
from rucher.content.models import Comment, CommentLike, Post, PostCommunity, PostKind, PostLike
from rucher.notifications.services import notify


def _mentioned_ids(body: str) -> list[int]:
    names = sorted(find_mentions(body))[:200]
    if not names:
        return []
    return list(
        User.objects.filter(username__in=names, is_active=True).values_list("pk", flat=True)
    )


def _first_community_id(post: Post) -> int | None:
    return PostCommunity.objects.filter(post=post).values_list("community_id", flat=True).first()


def post_notify_mentions(*, post_id: int) -> int:
    post = Post.objects.filter(pk=post_id).first()
    if post is None:
        return 0
    recipients = access.readers_among(post, _mentioned_ids(post.body))
    return notify(
        recipient_ids=recipients,
        kind="mention",
        key=f"mention:post:{post.pk}",
        actor_id=post.author_id,
        post_id=post.pk,
        community_id=_first_community_id(post),
    )


def comment_notify(*, comment_id: int) -> int:
    """Mentions in a comment, the post's author, and the author of the comment replied to."""
    comment = Comment.objects.select_related("post", "parent").filter(pk=comment_id).first()
    if comment is None or comment.is_hidden:
        return 0
    post = comment.post
    community_id = _first_community_id(post)
    common: dict[str, Any] = {
        "actor_id": comment.author_id,
        "post_id": post.pk,
        "comment_id": comment.pk,
        "community_id": community_id,
    }
    mentioned = set(_mentioned_ids(comment.body))
    candidates = mentioned | {post.author_id or 0}
    if comment.parent is not None:
        candidates.add(comment.parent.author_id or 0)
    readers = set(access.readers_among(post, candidates - {0}))
    sent = notify(
        recipient_ids=mentioned & readers,
        kind="mention",
        key=f"mention:comment:{comment.pk}",
        **common,
    )
    if comment.parent is not None and comment.parent.author_id in readers:
        sent += notify(
            recipient_ids=[comment.parent.author_id or 0],
            kind="reply",
            key=f"reply:{comment.pk}",
            **common,
        )
    if post.author_id in readers and (
        comment.parent is None or comment.parent.author_id != post.author_id
    ):
        # An answer to a question tells the asker as an answer, not as a mere comment.
        answer = post.kind == PostKind.QUESTION and comment.parent is None
        sent += notify(
            recipient_ids=[post.author_id or 0],
            kind="answer" if answer else "comment",
            key=f"answer:{comment.pk}" if answer else f"comment:{comment.pk}",
            **common,
        )
    return sent


def post_notify_like(*, post_id: int, liker_id: int) -> int:
    post = Post.objects.filter(pk=post_id).first()
    if post is None or post.author_id is None:
        return 0
    if not PostLike.objects.filter(post=post, person=liker_id).exists():
        return 0  # unliked before the job ran
    return notify(
        recipient_ids=access.readers_among(post, [post.author_id]),
        kind="like",
        key=f"like:post:{post.pk}:{liker_id}",
        actor_id=liker_id,
        post_id=post.pk,
        community_id=_first_community_id(post),
    )


def comment_notify_like(*, comment_id: int, liker_id: int) -> int:
    comment = Comment.objects.select_related("post").filter(pk=comment_id).first()
    if comment is None or comment.author_id is None:
        return 0
    if not CommentLike.objects.filter(comment=comment, person=liker_id).exists():
        return 0
    return notify(
        recipient_ids=access.readers_among(comment.post, [comment.author_id]),
        kind="like",
        key=f"like:comment:{comment.pk}:{liker_id}",
        actor_id=liker_id,
        post_id=comment.post_id,
        comment_id=comment.pk,
        community_id=_first_community_id(comment.post),
    )
