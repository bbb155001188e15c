"""An integration publishing into a community through an incoming webhook, as its bot."""

from django.db import transaction

from rucher.content import services as content
from rucher.content import tasks as content_tasks
from rucher.content.mentions import find_mentions
from rucher.content.models import Post, PostKind
from rucher.integrations import emit as webhooks
from rucher.integrations.models import IncomingToken


@transaction.atomic
def incoming_publish(*, token: IncomingToken, title: str, body: str) -> Post:
    """The post's rows, then (after commit) its mentions and the outgoing webhooks. Unlike a
    person's post: no points, no first-contribution welcome, no question clock."""
    post = content.post_create(
        author=token.bot, communities=[token.community], kind=PostKind.POST, title=title, body=body
    )
    post_id = post.pk
    if find_mentions(post.body):
        transaction.on_commit(lambda: content_tasks.notify_post_mentions.enqueue(post_id))
    webhooks.post_created(post_id=post_id)
    return post
