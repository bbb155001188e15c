"""Reads of the inbox: what a person may still see, and how many are unread.

A notification about a post the recipient can no longer read (they left its community, it was
hidden) is neither listed nor counted: the post's readability is checked on every read.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.access import member_community_ids, readable_posts
from rucher.core.memo import request_memo
from rucher.core.pagination import Page, keyset_page
from rucher.notifications.models import Notification

PAGE_SIZE = 20
# The badge shows "99+" beyond: counting further would only cost time.
UNREAD_CAP = 100


def visible_notifications(person: User) -> QuerySet[Notification]:
    # Both conditions read the person's memberships: once (a memo for this build, shared
    # with the request's when there is one; see rucher.core.memo).
    with request_memo():
        # A correlated EXISTS, not `post__in=<readable posts>`: PostgreSQL would evaluate the IN
        # over every readable post of the organisation (1 s at 100,000 posts, on every page).
        visible_post = Q(post__isnull=True) | Exists(
            readable_posts(person).filter(pk=OuterRef("post_id"), hidden_at__isnull=True)
        )
        visible_comment = Q(comment__isnull=True) | Q(comment__hidden_at__isnull=True)
        # Without a post, a notification about a secret community needs its membership (a
        # rejected requester of a private community still sees the decision).
        visible_community = (
            Q(post__isnull=False)
            | Q(community__isnull=True)
            | ~Q(community__visibility=Community.Visibility.SECRET)
            | Q(community_id__in=member_community_ids(person))
        )
        return Notification.objects.filter(recipient=person.pk).filter(
            visible_post & visible_comment & visible_community
        )


def inbox_page(
    person: User, *, unread: bool = False, cursor: str | None = None, limit: int = PAGE_SIZE
) -> Page[Notification]:
    """Newest first; one query whatever the page size (actor, community, post, comment joined)."""
    qs = visible_notifications(person).select_related("actor", "community", "post", "comment")
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return keyset_page(
        qs,
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope=f"inbox:{person.pk}:{int(unread)}",
    )


def unread_count(person: User) -> int:
    """One COUNT over the partial unread index, bounded by UNREAD_CAP."""
    qs = visible_notifications(person).filter(read_at__isnull=True)
    return qs.values("pk")[:UNREAD_CAP].count()
