"""Liking and unliking: the like's row, then the points and the skill reputation it earns
(two ledgers, two calls), and the author's notification in the background."""

from django.conf import settings
from django.db import transaction

from rucher.accounts.models import User
from rucher.actions import tasks
from rucher.content import services as content
from rucher.content import tasks as content_tasks
from rucher.content.models import Comment, Post
from rucher.content.services import LikeState
from rucher.recognition import points
from rucher.recognition import services as recognition


@transaction.atomic
def post_like(*, person: User, post: Post) -> LikeState:
    state = content.post_like(person=person, post=post)
    if state.changed:
        post_id, liker_id = post.pk, person.pk
        if settings.RUCHER_DEFERRED_RECOGNITION:
            # Points, reputation and the author's notification do not decide the answer: one
            # background task after commit (rucher.actions.recognition_effects).
            transaction.on_commit(lambda: tasks.post_liked_effects.enqueue(post_id, liker_id))
            return state
        points.points_on_post_like(post=post, liker_id=person.pk, liked=True)
        recognition.reputation_on_post_like(post=post, liker=person, liked=True)
        transaction.on_commit(lambda: content_tasks.notify_post_liked.enqueue(post_id, liker_id))
    return state


@transaction.atomic
def post_unlike(*, person: User, post: Post) -> LikeState:
    state = content.post_unlike(person=person, post=post)
    if state.changed:
        points.points_on_post_like(post=post, liker_id=person.pk, liked=False)
        recognition.reputation_on_post_like(post=post, liker=person, liked=False)
    return state


@transaction.atomic
def comment_like(*, person: User, comment: Comment) -> LikeState:
    state = content.comment_like(person=person, comment=comment)
    if state.changed:
        points.points_on_comment_like(comment=comment, liker_id=person.pk, liked=True)
        recognition.reputation_on_comment_like(comment=comment, liker=person, liked=True)
        comment_id, liker_id = comment.pk, person.pk
        transaction.on_commit(
            lambda: content_tasks.notify_comment_liked.enqueue(comment_id, liker_id)
        )
    return state


@transaction.atomic
def comment_unlike(*, person: User, comment: Comment) -> LikeState:
    state = content.comment_unlike(person=person, comment=comment)
    if state.changed:
        points.points_on_comment_like(comment=comment, liker_id=person.pk, liked=False)
        recognition.reputation_on_comment_like(comment=comment, liker=person, liked=False)
    return state
