"""Posts made straight with the ORM, so these tests do not depend on post_create's rules."""

from datetime import datetime

from django.utils import timezone
from django.utils.html import escape

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.models import Post, PostCommunity


def make_post(
    author: User | None,
    communities: list[Community],
    *,
    title: str = "",
    body: str = "Hello",
    kind: str = Post.Kind.POST,
    must_read: bool = False,
    created_at: datetime | None = None,
    hidden: bool = False,
) -> Post:
    post = Post.objects.create(
        author=author,
        kind=kind,
        title=title,
        body=body,
        body_html=f"<p>{escape(body)}</p>",
        must_read=must_read,
    )
    if created_at is not None or hidden:
        post.created_at = created_at or post.created_at
        post.hidden_at = timezone.now() if hidden else None
        post.save(update_fields=["created_at", "hidden_at"])
    PostCommunity.objects.bulk_create(
        [PostCommunity(post=post, community=c, created_at=post.created_at) for c in communities]
    )
    return post
