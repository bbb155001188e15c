"""Reads of the home feed, curation (on top, selected for you, bookmarks) and read receipts.

Every list here is keyset-paginated and runs a fixed number of queries whatever its length:
one for the rows, then one each for their readable communities and their tags.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from rucher.accounts.models import Follow, User
from rucher.communities.models import Community, Membership
from rucher.content.access import (
    ViewerScope,
    member_community_ids,
    moderated_communities,
    readable_community_q_in,
    readable_posts,
    readable_posts_in,
    scope_in_values,
    viewer_scope,
)
from rucher.content.models import (
    Attachment,
    Bookmark,
    Post,
    PostCommunity,
    PostLike,
    PostRead,
)
from rucher.content.selectors import attach_kudos, attach_visible_communities
from rucher.core.pagination import Page, keyset_page, page_of
from rucher.core.prepared import prepared_objects, prepared_rows

FEED_PAGE_SIZE = 20
ON_TOP_LIMIT = 5
SELECTED_LIMIT = 5


@dataclass
class HomeFeed:
    page: Page[Post]
    on_top: list[Post] = field(default_factory=list)
    selected: list[Post] = field(default_factory=list)
    # Unread must-reads, above everything until acknowledged (never repeated below).
    must_read: list[Post] = field(default_factory=list)


def with_viewer_flags(queryset: QuerySet[Post], viewer: User) -> QuerySet[Post]:
    """Author in the same query, `liked_by_me` and `bookmarked_by_me` as EXISTS columns (the
    kudos line comes with prefetch_for_viewer)."""
    return _with_flags_of(queryset, viewer.pk)


def _with_flags_of(queryset: QuerySet[Post], person_id: int) -> QuerySet[Post]:
    return queryset.select_related("author").annotate(
        liked_by_me=Exists(PostLike.objects.filter(post=OuterRef("pk"), person=person_id)),
        bookmarked_by_me=Exists(Bookmark.objects.filter(post=OuterRef("pk"), person=person_id)),
    )


def _scope_values(viewer: User) -> tuple[ViewerScope, dict[str, int | tuple[int, ...]]]:
    """The viewer's scope and the values of a query compiled once for it (rucher.core.prepared)
    that reads its memberships and readable posts: an administrator reads every post, so only
    their memberships enter the query."""
    scope = viewer_scope(viewer)
    values: dict[str, int | tuple[int, ...]] = {"person": viewer.pk, "member": scope.member}
    if not scope.administrator:
        values |= {"moderated": scope.moderated, "removed": scope.removed}
    return scope, values


def prefetch_for_viewer(posts: Sequence[Post], viewer: User) -> None:
    """Sets `post.visible_communities` (only those the viewer may read: a secret community of
    a cross-post stays invisible) and prefetches tags and attachments: three queries for any
    number of posts (the first compiled once per shape, rucher.core.prepared)."""
    if not posts:
        return
    attach_visible_communities(viewer, posts, order=("community__sort_name", "community_id"))
    prefetch_related_objects(
        list(posts),
        "tags",
        # The cards' thumbnails and file links.
        Prefetch("attachments", queryset=Attachment.objects.order_by("id")),
    )
    attach_kudos(posts)


def _visible(viewer: User) -> QuerySet[Post]:
    """Readable posts, hidden ones excluded even for their moderators (a feed is not a queue)."""
    return readable_posts(viewer).filter(hidden_at__isnull=True)


# Rows read to find the few on-top and selected posts (a post has a row per community).
CURATED_SCAN = 50


def _first_posts(rows: Iterable[int], *, limit: int, exclude: Iterable[int] = ()) -> list[int]:
    """The first `limit` distinct post ids of `rows`, in order, skipping `exclude`."""
    seen = set(exclude)
    ids: list[int] = []
    for post_id in rows:
        if post_id not in seen:
            seen.add(post_id)
            ids.append(post_id)
            if len(ids) == limit:
                break
    return ids


def _on_top_rows(values: Mapping[str, Any]) -> QuerySet[PostCommunity, int]:
    return (
        PostCommunity.objects.filter(community_id__in=values["member"])
        .filter(Q(pinned_at__isnull=False) | Q(featured_at__isnull=False))
        # A post in a community the viewer reads is readable: only hidden ones are left out.
        .filter(post__hidden_at__isnull=True)
        .annotate(curated_at=Coalesce("pinned_at", "featured_at"))
        .order_by("-curated_at", "-post_id")
        .values_list("post_id", flat=True)[:CURATED_SCAN]
    )


def on_top_ids(viewer: User) -> list[int]:
    """Pinned and featured posts of the viewer's communities, newest pin (else feature) first.

    Read from the placements, which are few once filtered on pinned/featured: one query, on
    every home page, so compiled once per number of communities (rucher.core.prepared).
    """
    member = member_community_ids(viewer)
    if not member:
        return []
    rows = prepared_rows("feed:on_top", _on_top_rows, {"member": member})
    return _first_posts((row[0] for row in rows), limit=ON_TOP_LIMIT)


def _selected_rows(
    values: Mapping[str, Any], *, administrator: bool
) -> QuerySet[PostCommunity, int]:
    scope = scope_in_values(values, administrator=administrator)
    return (
        PostCommunity.objects.filter(featured_at__isnull=False)
        .filter(readable_community_q_in(scope, "community"))
        .filter(post__hidden_at__isnull=True)
        .order_by("-featured_at", "-post_id")
        .values_list("post_id", flat=True)[:CURATED_SCAN]
    )


def selected_ids(viewer: User, *, exclude: Iterable[int] = ()) -> list[int]:
    """ "Selected for you" (F-CURATE): featured posts of any community the viewer may read.
    One query, compiled once per shape of scope (rucher.core.prepared)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return []  # reads no community (readable_community_q)
    scope = viewer_scope(viewer)
    values: dict[str, tuple[int, ...]] = {}
    if not scope.administrator:  # administrators read every community: no list in the query
        values = {"member": scope.member, "removed": scope.removed}
    rows = prepared_rows(
        f"feed:selected:{int(scope.administrator)}",
        partial(_selected_rows, administrator=scope.administrator),
        values,
    )
    return _first_posts((row[0] for row in rows), limit=SELECTED_LIMIT, exclude=exclude)


def _posts_by_id(values: Mapping[str, Any]) -> QuerySet[Post]:
    return _with_flags_of(Post.objects.filter(pk__in=values["ids"]), values["person"])


def _posts_in_order(viewer: User, ids: list[int]) -> list[Post]:
    """The posts of `ids` (the caller read them as readable), in this order, with the viewer's
    flags: one query compiled once per number of ids (rucher.core.prepared)."""
    if not ids:
        return []
    found = prepared_objects("feed:posts_by_id", _posts_by_id, {"person": viewer.pk, "ids": ids})
    by_id = {post.pk: post for post in found}
    return [by_id[pk] for pk in ids if pk in by_id]


def on_top_for_person(viewer: User) -> list[Post]:
    """The on-top block (at most 5 posts); prefetch_for_viewer them before display."""
    return _posts_in_order(viewer, on_top_ids(viewer))


def selected_for_person(viewer: User, *, exclude: Iterable[int] = ()) -> list[Post]:
    return _posts_in_order(viewer, selected_ids(viewer, exclude=exclude))


FEED_KEYS = ("-created_at", "-id")


def _feed_queryset_in(
    person_id: int, scope: ViewerScope, *, exclude: Sequence[int]
) -> QuerySet[Post]:
    """The feed's posts for a viewer whose scope is known (`_visible`'s rule)."""
    # "In one of my communities, or by someone I follow" is one correlated EXISTS with the OR
    # inside: with the OR outside, PostgreSQL hashed every placement of the viewer's
    # communities before reading the first post (46,000 rows at 100,000 posts, ten times more
    # at 1,000,000); this way it walks the newest posts and checks each one by its index.
    followed = Follow.objects.filter(follower=person_id).values("followee")
    sources = PostCommunity.objects.filter(post=OuterRef("pk")).filter(
        Q(community_id__in=scope.member) | Q(post__author__in=followed)
    )
    qs = readable_posts_in(scope).filter(hidden_at__isnull=True).filter(Exists(sources))
    return qs.exclude(pk__in=exclude) if exclude else qs


def _first_feed_rows(
    values: Mapping[str, Any], *, administrator: bool, limit: int
) -> QuerySet[Post]:
    scope = scope_in_values(values, administrator=administrator)
    qs = _feed_queryset_in(values["person"], scope, exclude=values["exclude"])
    return _with_flags_of(qs, values["person"]).order_by(*FEED_KEYS)[: limit + 1]


def _feed_page(viewer: User, *, cursor: str | None, limit: int, on_top: list[int]) -> Page[Post]:
    scope_name = f"feed:{viewer.pk}"
    if not (viewer.is_authenticated and viewer.is_active):
        return Page(items=[], next_cursor=None)  # reads no post (readable_posts)
    scope, values = _scope_values(viewer)
    if cursor is None:
        # The first page, on every home page: compiled once per shape (rucher.core.prepared).
        rows = prepared_objects(
            f"feed:first_page:{int(scope.administrator)}:{limit}",
            partial(_first_feed_rows, administrator=scope.administrator, limit=limit),
            values | {"exclude": tuple(on_top)},
        )
        return page_of(rows, keys=FEED_KEYS, limit=limit, scope=scope_name)
    return keyset_page(
        _with_flags_of(_feed_queryset_in(viewer.pk, scope, exclude=on_top), viewer.pk),
        keys=FEED_KEYS,
        cursor=cursor,
        limit=limit,
        scope=scope_name,
    )


def feed_for_person(
    viewer: User, *, cursor: str | None = None, limit: int = FEED_PAGE_SIZE
) -> Page[Post]:
    """The home feed (F-FEED): posts of the viewer's communities and of the people they follow,
    only those they may read, newest first; the "on top" posts are left out (shown above)."""
    page = _feed_page(viewer, cursor=cursor, limit=limit, on_top=on_top_ids(viewer))
    prefetch_for_viewer(page.items, viewer)
    return page


def home_feed(viewer: User, *, cursor: str | None = None, limit: int | None = None) -> HomeFeed:
    """The feed page, plus on its first page the unread must-reads, the on-top and the
    selected-for-you blocks. A post shows in one place only: an unread must-read is neither
    on top nor in the page, an on-top post not in the page, a selected one in neither.

    Eight queries on the first page whatever `limit` (unread must-read ids, on-top ids, the
    page, selected ids, the must-read, on-top and selected posts, then communities, tags and
    attachments of all posts at once); six on the next pages.
    """
    unread = unread_must_read_ids(viewer)
    top = [pk for pk in on_top_ids(viewer) if pk not in unread]
    page = _feed_page(viewer, cursor=cursor, limit=limit or FEED_PAGE_SIZE, on_top=[*unread, *top])
    feed = HomeFeed(page=page)
    if cursor is None:
        chosen = selected_ids(viewer, exclude=[*unread, *top, *(post.pk for post in page.items)])
        blocks = _posts_in_order(viewer, [*unread, *top, *chosen])
        feed.must_read = blocks[: len(unread)]
        feed.on_top = blocks[len(unread) : len(unread) + len(top)]
        feed.selected = blocks[len(unread) + len(top) :]
    prefetch_for_viewer([*feed.must_read, *feed.on_top, *feed.selected, *page.items], viewer)
    return feed


# At most this many unread must-reads wait on top of a page (the newest).
MUST_READ_LIMIT = 3


def _unread_must_read_rows(
    values: Mapping[str, Any], *, administrator: bool
) -> QuerySet[Post, int]:
    scope = scope_in_values(values, administrator=administrator)
    places = PostCommunity.objects.filter(post=OuterRef("pk"))
    places = (
        places.filter(community=values["community"])
        if "community" in values
        else places.filter(community_id__in=scope.member)
    )
    return (
        # `_visible`, for a viewer whose scope is known.
        readable_posts_in(scope)
        .filter(hidden_at__isnull=True)
        .filter(must_read=True)
        .exclude(author=values["person"])
        .filter(Exists(places))
        .exclude(Exists(PostRead.objects.filter(post=OuterRef("pk"), person=values["person"])))
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:MUST_READ_LIMIT]
    )


def unread_must_read_ids(viewer: User, *, community: Community | None = None) -> list[int]:
    """The newest must-read posts of the viewer's communities (or of `community`, which the
    caller has checked the viewer may read) that the viewer has not acknowledged yet, their
    own excepted: one query, on every home and community page, so compiled once per shape of
    scope (rucher.core.prepared)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return []  # reads no post (readable_posts)
    scope = viewer_scope(viewer)
    values: dict[str, int | tuple[int, ...]] = {"person": viewer.pk}
    if community is not None:
        values["community"] = community.pk
    elif not scope.member:
        return []
    if community is None or not scope.administrator:
        # The lists the query reads: the member ids for the viewer's communities; for
        # anyone but an administrator (who reads every post), those of readable_posts_in.
        values["member"] = scope.member
    if not scope.administrator:
        values |= {"moderated": scope.moderated, "removed": scope.removed}
    rows = prepared_rows(
        f"feed:unread_must_read:{int(scope.administrator)}:{int(community is not None)}",
        partial(_unread_must_read_rows, administrator=scope.administrator),
        values,
    )
    return [row[0] for row in rows]


def posts_for_cards(viewer: User, ids: list[int]) -> list[Post]:
    """The posts of `ids` (readable ones, in this order), ready for their cards: with the
    viewer's flags, communities, tags and attachments (no query for no id)."""
    posts = _posts_in_order(viewer, ids)
    prefetch_for_viewer(posts, viewer)
    return posts


# Bookmarks


def bookmarks_for_person(
    viewer: User, *, cursor: str | None = None, limit: int = FEED_PAGE_SIZE
) -> Page[Bookmark]:
    """The viewer's bookmarks, newest first, only of posts they may still read."""
    qs = (
        Bookmark.objects.filter(person=viewer.pk, post__in=_visible(viewer))
        .select_related("post", "post__author")
        .annotate(
            post_liked_by_me=Exists(
                PostLike.objects.filter(post=OuterRef("post"), person=viewer.pk)
            )
        )
    )
    page = keyset_page(
        qs, keys=("-created_at", "-id"), cursor=cursor, limit=limit, scope=f"bm:{viewer.pk}"
    )
    for bookmark in page.items:
        bookmark.post.liked_by_me = bookmark.post_liked_by_me
        bookmark.post.bookmarked_by_me = True
    prefetch_for_viewer([b.post for b in page.items], viewer)
    return page


# Read receipts


def post_readers(
    post: Post, *, cursor: str | None = None, limit: int = FEED_PAGE_SIZE
) -> Page[PostRead]:
    """Who has read the post, latest first (callers check the viewer manages the post)."""
    return keyset_page(
        PostRead.objects.filter(post=post).select_related("person"),
        keys=("-created_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope=f"readers:{post.pk}",
    )


@dataclass
class ReadCounts:
    read: int
    members: int


def post_read_counts(post: Post) -> ReadCounts:
    """How many have read it, out of the active members of its communities (two COUNTs)."""
    members = (
        Membership.objects.filter(
            community__placements__post=post,
            status=Membership.Status.MEMBER,
            person__is_active=True,
        )
        .values("person")
        .distinct()
        .count()
    )
    return ReadCounts(read=PostRead.objects.filter(post=post).count(), members=members)


# Per-post state for the curation and read-receipt includes


@dataclass
class Placement:
    community: Community
    pinned: bool
    featured: bool


@dataclass
class CurationState:
    """What the curation and read-receipt includes need to know about one post."""

    bookmarked: bool
    read_at: datetime | None
    managed: list[Placement]
    can_see_readers: bool


def post_curation_state(viewer: User, post: Post) -> CurationState:
    """Two queries: the viewer's bookmark and read receipt, and the placements they manage."""
    flags = (
        Post.objects.filter(pk=post.pk)
        .annotate(
            bookmarked=Exists(Bookmark.objects.filter(post=OuterRef("pk"), person=viewer.pk)),
            read_at=Subquery(
                PostRead.objects.filter(post=OuterRef("pk"), person=viewer.pk).values("created_at")[
                    :1
                ]
            ),
        )
        .values("bookmarked", "read_at")
        .first()
    ) or {"bookmarked": False, "read_at": None}
    managed = [
        Placement(
            community=pc.community, pinned=pc.pinned_at is not None, featured=bool(pc.featured_at)
        )
        for pc in PostCommunity.objects.filter(
            post=post, community__in=moderated_communities(viewer)
        )
        .select_related("community")
        .order_by("community__sort_name", "community_id")
    ]
    return CurationState(
        bookmarked=bool(flags["bookmarked"]),
        read_at=flags["read_at"],
        managed=managed,
        can_see_readers=bool(managed),
    )
