"""Publishing, editing and deleting a post, with every effect it has above content."""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db import transaction

from rucher.accounts.models import User
from rucher.actions import tasks
from rucher.communities.models import Community
from rucher.content import services as content
from rucher.content import tasks as content_tasks
from rucher.content.mentions import find_mentions
from rucher.content.models import Post, PostKind
from rucher.integrations import emit as webhooks
from rucher.notifications.announcements import announcement_published
from rucher.qa import services as qa
from rucher.recognition import points
from rucher.recognition import services as recognition
from rucher.search import services as search
from rucher.toolbox import services as toolbox


@transaction.atomic
def post_publish(
    *,
    author: User,
    communities: Sequence[Community],
    kind: str = PostKind.POST,
    title: str = "",
    body: str,
    tags: Iterable[str] = (),
    attachment_ids: Sequence[int] = (),
    must_read: bool = False,
) -> Post:
    """The post's rows (content.services.post_create, which validates everything first), then
    its question state, then its author's points and first contribution; after commit, the
    mentions and the announcement fan out in the background."""
    post = content.post_create(
        author=author,
        communities=communities,
        kind=kind,
        title=title,
        body=body,
        tags=tags,
        attachment_ids=attachment_ids,
        must_read=must_read,
    )
    post_published(post=post, communities=communities)
    return post


def post_published(*, post: Post, communities: Sequence[Community]) -> None:
    """The effects of a new post whose rows exist (also for thanks, whose rows
    rucher.recognition.kudos writes)."""
    toolbox.tool_rows_create(post=post, communities=communities)
    if post.kind == PostKind.QUESTION:
        qa.question_open(post=post, communities=list({c.pk: c for c in communities}.values()))
    search.index_post(post=post, created=True)
    post_id = post.pk
    deferred = settings.RUCHER_DEFERRED_RECOGNITION
    if deferred:
        # Points, the first contribution and the webhooks' fan-out do not decide the answer:
        # after commit, one background task (rucher.actions.recognition_effects says why it
        # stays exact; each enqueue is a write to the queue, the costliest part of a post).
        transaction.on_commit(lambda: tasks.post_published_effects.enqueue(post_id))
    else:
        recognition.first_contribution_published(post=post)
        points.points_on_post_created(post=post)
    if find_mentions(post.body):
        transaction.on_commit(lambda: content_tasks.notify_post_mentions.enqueue(post_id))
    if post.kind == PostKind.ANNOUNCEMENT or post.must_read:
        announcement_published(post_id=post_id)
    if not deferred:
        webhooks.post_created(post_id=post_id)


@transaction.atomic
def post_edit(
    *,
    editor: User,
    post: Post,
    title: str | None = None,
    body: str | None = None,
    tags: Iterable[str] | None = None,
) -> Post:
    """The edit (content.services.post_update); the reputation earned through tags the edit
    removed is withdrawn; people newly mentioned are notified (the notification keys are per
    post: nobody twice)."""
    edited_before = post.edited_at
    tags_before = set(post.tags.values_list("pk", flat=True))
    post = content.post_update(editor=editor, post=post, title=title, body=body, tags=tags)
    search.index_post(post=post)
    removed = tags_before - set(post.tags.values_list("pk", flat=True))
    if removed:
        recognition.reputation_on_post_untagged(post=post, tag_ids=sorted(removed))
    if post.edited_at != edited_before and find_mentions(post.body):
        post_id = post.pk
        transaction.on_commit(lambda: content_tasks.notify_post_mentions.enqueue(post_id))
    return post


@transaction.atomic
def post_remove(*, actor: User, post: Post) -> None:
    """Deletes the post (content.services.post_delete checks who may) after withdrawing the
    points and reputation it and its answers earned (they name the post's rows). The post's
    row is locked first: points still being granted in the background are committed before
    they are withdrawn (rucher.actions.recognition_effects)."""
    Post.objects.select_for_update(of=("self",)).filter(pk=post.pk).exists()
    points.points_withdraw_for_post(post=post)
    recognition.reputation_on_post_delete(post=post)
    content.post_delete(actor=actor, post=post)
