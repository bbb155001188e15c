"""Commenting (answering, for a question), editing and deleting a comment, with its effects."""

from collections.abc import Sequence

from django.db import transaction

from rucher.accounts.models import User
from rucher.content import services as content
from rucher.content import tasks as content_tasks
from rucher.content.mentions import find_mentions
from rucher.content.models import Comment, Post, PostKind
from rucher.integrations import emit as webhooks
from rucher.qa import services as qa
from rucher.recognition import points
from rucher.recognition import services as recognition
from rucher.search import services as search
from rucher.toolbox import services as toolbox


@transaction.atomic
def comment_publish(
    *,
    author: User,
    post: Post,
    body: str,
    parent: Comment | None = None,
    attachment_ids: Sequence[int] = (),
) -> Comment:
    """The comment's rows, then the question's first answer (qa), then the points; after
    commit the mentions, the reply and the post's author are notified in the background. A forum
    topic refuses replies once closed (409 topic_closed), and moves up its forum."""
    toolbox.topic_check_open(post=post)
    comment = content.comment_create(
        author=author, post=post, body=body, parent=parent, attachment_ids=attachment_ids
    )
    search.index_comment(comment=comment, created=True)
    first_answer = post.kind == PostKind.QUESTION and qa.answer_recorded(comment=comment, post=post)
    toolbox.topic_activity_refresh(post=post)
    points.points_on_comment_created(comment=comment, post=post)
    comment_id = comment.pk
    transaction.on_commit(lambda: content_tasks.notify_comment_created.enqueue(comment_id))
    webhooks.comment_created(comment_id=comment_id, first_answer=first_answer)
    return comment


@transaction.atomic
def comment_edit(*, editor: User, comment: Comment, body: str) -> Comment:
    """The edit; people newly mentioned are notified (keys: nobody twice)."""
    edited_before = comment.edited_at
    comment = content.comment_update(editor=editor, comment=comment, body=body)
    search.index_comment(comment=comment)
    if comment.edited_at != edited_before and find_mentions(comment.body):
        comment_id = comment.pk
        transaction.on_commit(lambda: content_tasks.notify_comment_created.enqueue(comment_id))
    return comment


@transaction.atomic
def comment_remove(*, actor: User, comment: Comment) -> None:
    """Withdraws what the comment and its replies earned, deletes them (content checks who
    may), then lets the question find its next first answer."""
    points.points_withdraw_for_comment(comment=comment)
    recognition.reputation_on_comment_delete(comment=comment)
    content.comment_delete(actor=actor, comment=comment)
    if comment.post.kind == PostKind.QUESTION:
        qa.answer_removed(post_id=comment.post_id)
    toolbox.topic_activity_refresh(post=comment.post)
