"""Publishing a blog article (with its cover), directly or from a draft."""

from collections.abc import Iterable

from django.db import transaction

from rucher.accounts.models import User
from rucher.actions.posts import post_publish
from rucher.communities.models import Community
from rucher.content.models import Post, PostKind
from rucher.toolbox import services as toolbox
from rucher.toolbox.models import ArticleDraft


@transaction.atomic
def article_publish(
    *,
    author: User,
    community: Community,
    title: str,
    body: str,
    cover: toolbox.Cover | None = None,
    tags: Iterable[str] = (),
) -> Post:
    """The post (kind article: every effect of a new post) and its cover, in one transaction."""
    post = post_publish(
        author=author,
        communities=[community],
        kind=PostKind.ARTICLE,
        title=title,
        body=body,
        tags=tags,
    )
    if cover is not None:
        toolbox.article_cover_set(actor=author, post=post, cover=cover)
    return post


@transaction.atomic
def article_draft_publish(*, author: User, draft: ArticleDraft) -> Post:
    """The draft becomes a published article (published now) and is gone."""
    post = article_publish(
        author=author,
        community=draft.community,
        title=draft.title,
        body=draft.body,
        cover=toolbox.draft_cover(draft),
    )
    toolbox.article_draft_delete(author=author, draft=draft)
    return post
