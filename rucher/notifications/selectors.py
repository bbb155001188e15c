"""Reads of the inbox: what a person may still see, and how many are unread.

A notification about a post the recipient can no longer read (they left its community, it was
hidden) is neither listed nor counted: the post's readability is checked on every read.
"""

from collections.abc import Mapping
from functools import partial
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.access import (
    ViewerScope,
    readable_posts_in,
    scope_in_values,
    viewer_scope,
)
from rucher.core.memo import request_memo
from rucher.core.pagination import Page, keyset_page
from rucher.core.prepared import prepared_rows
from rucher.notifications.models import Notification

PAGE_SIZE = 20
# The badge shows "99+" beyond: counting further would only cost time.
UNREAD_CAP = 100


def _scope(person: User) -> ViewerScope:
    if not (person.is_authenticated and person.is_active):
        return ViewerScope((), (), ())  # reads no post (callers are signed-in people)
    return viewer_scope(person)


def _visible_in(person_id: int, scope: ViewerScope) -> QuerySet[Notification]:
    """The rule of `visible_notifications`, for a recipient whose scope is known."""
    # A correlated EXISTS, not `post__in=<readable posts>`: PostgreSQL would evaluate the IN
    # over every readable post of the organisation (1 s at 100,000 posts, on every page).
    visible_post = Q(post__isnull=True) | Exists(
        readable_posts_in(scope).filter(pk=OuterRef("post_id"), hidden_at__isnull=True)
    )
    visible_comment = Q(comment__isnull=True) | Q(comment__hidden_at__isnull=True)
    # Without a post, a notification about a secret community needs its membership (a
    # rejected requester of a private community still sees the decision).
    visible_community = (
        Q(post__isnull=False)
        | Q(community__isnull=True)
        | ~Q(community__visibility=Community.Visibility.SECRET)
        | Q(community_id__in=scope.member)
    )
    return Notification.objects.filter(recipient=person_id).filter(
        visible_post & visible_comment & visible_community
    )


def visible_notifications(person: User) -> QuerySet[Notification]:
    # The memberships are read once (a memo for this build, shared with the request's when
    # there is one; see rucher.core.memo).
    with request_memo():
        return _visible_in(person.pk, _scope(person))


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


def _unread_ids(
    values: Mapping[str, Any], *, administrator: bool
) -> QuerySet[Notification, tuple[int]]:
    return (
        _visible_in(values["person"], scope_in_values(values, administrator=administrator))
        .filter(read_at__isnull=True)
        .values_list("pk")[:UNREAD_CAP]
    )


def unread_count(person: User) -> int:
    """One COUNT over the partial unread index, bounded by UNREAD_CAP. On every page (the top
    bar's badge), so it is compiled once per process for each shape of scope
    (rucher.core.prepared): compiling its readability conditions cost more than running them."""
    with request_memo():
        scope = _scope(person)
    values: dict[str, int | tuple[int, ...]] = {"person": person.pk, "member": scope.member}
    if not scope.administrator:  # administrators read every post: no other list in the query
        values |= {"moderated": scope.moderated, "removed": scope.removed}
    rows = prepared_rows(
        f"unread_count:{int(scope.administrator)}",
        partial(_unread_ids, administrator=scope.administrator),
        values,
        wrap="SELECT COUNT(*) FROM ({sql}) unread",
    )
    return int(rows[0][0])
