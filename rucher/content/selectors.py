"""Reads of content: a community's stream, a post's page, its comments, revisions, tags.

Each selector owns its joins and prefetches: a page costs the same number of queries whatever
its size.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content import access
from rucher.content.models import (
    Attachment,
    Comment,
    CommentLike,
    Post,
    PostCommunity,
    PostKind,
    PostLike,
    PostRevision,
    Tag,
)
from rucher.core.pagination import Page, keyset_page, page_of
from rucher.core.prepared import prepared_instances, prepared_objects

MAX_PINNED = 5
# The community directory's activity figure: posts published in the last ACTIVITY_DAYS days.
ACTIVITY_DAYS = 30
# A thanks post shows "A thanks B — value" (rucher.recognition): for one post, joined.
KUDOS_JOINS = ("kudos__giver", "kudos__receiver", "kudos__value")


def attach_kudos(posts: Sequence[Post]) -> None:
    """Loads the thanks line of the kudos posts among `posts` (giver, receiver, value): one
    query, only when there is one. Lists no longer join it into every row: the four joins cost
    more to compile and read than this query (`make bench`, docs/performance.md)."""
    thanks = [post for post in posts if post.kind == PostKind.KUDOS]
    if thanks:
        kudos = Post.kudos.related.related_model  # rucher.recognition's model, not imported here
        prefetch_related_objects(
            thanks,
            Prefetch(
                "kudos",
                queryset=kudos.objects.select_related(  # type: ignore[attr-defined]
                    "giver", "receiver", "value"
                ),
            ),
        )


def _liked(viewer: User, ref: str = "pk") -> Exists:
    return Exists(PostLike.objects.filter(post=OuterRef(ref), person=viewer.pk))


def comment_liked(viewer: User) -> Exists:
    return Exists(CommentLike.objects.filter(comment=OuterRef("pk"), person=viewer.pk))


def _attachments() -> Prefetch:
    return Prefetch("attachments", queryset=Attachment.objects.order_by("id"))


def _placements_readable(
    values: Mapping[str, Any], *, administrator: bool, order: tuple[str, ...]
) -> QuerySet[PostCommunity]:
    scope = access.scope_in_values(values, administrator=administrator)
    return (
        PostCommunity.objects.filter(post__in=values["ids"])
        .filter(access.readable_community_q_in(scope, "community"))
        .select_related("community")
        .order_by(*order)
    )


def attach_visible_communities(
    viewer: User, posts: Sequence[Post], *, order: tuple[str, ...] = ("community__name", "id")
) -> None:
    """Sets `visible_communities` on each post: only those the viewer may read, in the order
    of the placements' `order` (one query, on most list pages: compiled once per shape of
    scope and number of posts, rucher.core.prepared)."""
    by_post: dict[int, list[Community]] = {post.pk: [] for post in posts}
    if posts and viewer.is_authenticated and viewer.is_active:  # others read no community
        scope = access.viewer_scope(viewer)
        values: dict[str, tuple[int, ...]] = {"ids": tuple(by_post)}
        if not scope.administrator:  # administrators read every community: no list
            values |= {"member": scope.member, "removed": scope.removed}
        placements = prepared_objects(
            f"visible_communities:{int(scope.administrator)}:{','.join(order)}",
            partial(_placements_readable, administrator=scope.administrator, order=order),
            values,
        )
        for placement in placements:
            by_post[placement.post_id].append(placement.community)
    for post in posts:
        post.visible_communities = by_post[post.pk]  # type: ignore[attr-defined]


def _stream_placements_of(
    person_id: int, community_id: int, *, managed: bool
) -> QuerySet[PostCommunity]:
    qs = PostCommunity.objects.filter(community=community_id)
    if not managed:
        qs = qs.filter(post__hidden_at__isnull=True)
    liked = Exists(PostLike.objects.filter(post=OuterRef("post_id"), person=person_id))
    return qs.select_related("post", "post__author").annotate(liked_by_me=liked)


def _stream_placements(viewer: User, community: Community) -> QuerySet[PostCommunity]:
    managed = community_access.can_manage(viewer, community)
    return _stream_placements_of(viewer.pk, community.pk, managed=managed)


def _posts_from(viewer: User, placements: list[PostCommunity]) -> list[Post]:
    posts = []
    for placement in placements:
        post = placement.post
        post.liked_by_me = placement.liked_by_me  # type: ignore[attr-defined]
        post.pinned_at = placement.pinned_at  # type: ignore[attr-defined]
        posts.append(post)
    if posts:
        prefetch_related_objects(posts, Prefetch("tags", queryset=Tag.objects.order_by("slug")))
        prefetch_related_objects(posts, _attachments())
    attach_kudos(posts)
    attach_visible_communities(viewer, posts)
    return posts


def community_stream(
    viewer: User,
    community: Community,
    *,
    kind: str | None = None,
    cursor: str | None = None,
    limit: int = 20,
    without_pinned: bool = False,
    exclude: Sequence[int] = (),
) -> Page[Post]:
    """Newest first; hidden posts only for the community's moderators. Five queries a page.
    `without_pinned` leaves out the posts `community_pinned` shows above the stream (a page
    that shows both would show them twice); `exclude` those shown elsewhere on the page (the
    unread must-reads).

    `community` comes from access_community_content (the viewer's membership is annotated).
    """
    managed = community_access.can_manage(viewer, community)
    keys = ("-created_at", "-post_id")
    scope = f"stream:{community.pk}:{kind or ''}"
    if cursor is None and kind in _STREAM_KINDS:
        # The first page, on every community page: compiled once per shape (rucher.core.prepared).
        rows = prepared_objects(
            f"stream:first:{int(managed)}:{int(without_pinned)}:{kind or ''}:{limit}",
            partial(
                _stream_first_rows,
                managed=managed,
                without_pinned=without_pinned,
                kind=kind,
                limit=limit,
            ),
            {"person": viewer.pk, "community": community.pk, "exclude": tuple(exclude)},
        )
        page = page_of(rows, keys=keys, limit=limit, scope=scope)
    else:
        qs = _stream_filtered(
            _stream_placements_of(viewer.pk, community.pk, managed=managed),
            without_pinned=without_pinned,
            exclude=exclude,
            kind=kind,
        )
        page = keyset_page(qs, keys=keys, cursor=cursor, limit=limit, scope=scope)
    return Page(items=_posts_from(viewer, page.items), next_cursor=page.next_cursor)


# The kinds a first page is compiled for (none, or a post kind): not any string from a request.
_STREAM_KINDS = {None, "", *Post.Kind.values}


def _stream_filtered(
    qs: QuerySet[PostCommunity],
    *,
    without_pinned: bool,
    exclude: Sequence[int],
    kind: str | None,
) -> QuerySet[PostCommunity]:
    if without_pinned:
        qs = qs.filter(pinned_at__isnull=True)
    if exclude:
        qs = qs.exclude(post_id__in=list(exclude))
    if kind:
        qs = qs.filter(post__kind=kind)
    return qs


def _stream_first_rows(
    values: Mapping[str, Any],
    *,
    managed: bool,
    without_pinned: bool,
    kind: str | None,
    limit: int,
) -> QuerySet[PostCommunity]:
    qs = _stream_placements_of(values["person"], values["community"], managed=managed)
    qs = _stream_filtered(qs, without_pinned=without_pinned, exclude=values["exclude"], kind=kind)
    return qs.order_by("-created_at", "-post_id")[: limit + 1]


def community_pinned(
    viewer: User, community: Community, *, exclude: Sequence[int] = ()
) -> list[Post]:
    """Pinned posts shown above the stream (at most five, last pinned first), but those in
    `exclude` (shown elsewhere on the page)."""
    qs = _stream_placements(viewer, community)
    if exclude:
        qs = qs.exclude(post_id__in=list(exclude))
    placements = list(
        qs.filter(pinned_at__isnull=False).order_by("-pinned_at", "-post_id")[:MAX_PINNED]
    )
    return _posts_from(viewer, placements)


def recent_post_counts(community_ids: Sequence[int]) -> dict[int, int]:
    """Posts published (and not hidden by moderation) in each community over the last
    ACTIVITY_DAYS days; one aggregate query over the community stream index, none when empty.
    Communities without such posts are absent (read them as 0)."""
    if not community_ids:
        return {}
    since = timezone.now() - timedelta(days=ACTIVITY_DAYS)
    # Hidden posts are left out by an anti-join on the few hidden posts (index post_hidden):
    # a join that read each placement's post read every post of the database instead (a
    # parallel scan of 1,000,000 posts, 30–330 ms; 14 ms after, docs/performance.md).
    hidden = Post.objects.filter(pk=OuterRef("post_id"), hidden_at__isnull=False)
    rows = (
        PostCommunity.objects.filter(community__in=community_ids, created_at__gte=since)
        .exclude(Exists(hidden))
        .values("community")
        .annotate(posts=Count("post"))
        .order_by()
    )
    return {row["community"]: row["posts"] for row in rows}


def attach_recent_post_counts(communities: Sequence[Community]) -> None:
    """Sets `recent_posts` on each community (recent_post_counts): one query for them all."""
    counts = recent_post_counts([community.pk for community in communities])
    for community in communities:
        community.recent_posts = counts.get(community.pk, 0)  # type: ignore[attr-defined]


def readable_post_ids_in(viewer: User, ids: list[int]) -> set[int]:
    return set(access.readable_posts(viewer).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass
class PostPage:
    post: Post
    communities: list[Community]
    tags: list[Tag]
    attachments: list[Attachment]
    liked_by_me: bool
    can_edit: bool
    can_delete: bool
    can_moderate: bool
    member_of_any: bool = False
    images: list[Attachment] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)


def post_detail(viewer: User, post: Post) -> Post:
    """The post as the API shows it (the post comes from access_post): its author, tags,
    attachments, `liked_by_me` and `visible_communities`, without the page's thanks line and
    permissions. Four queries."""
    found = (
        Post.objects.filter(pk=post.pk)
        .select_related("author")
        .annotate(liked_by_me=_liked(viewer))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("slug")), _attachments())
        .get()
    )
    attach_visible_communities(viewer, [found])
    return found


def post_detail_created(viewer: User, post: Post, communities: Sequence[Community]) -> Post:
    """post_detail of a post the viewer has just published (content.services.post_create),
    without reading it back: its tags and attachments are those post_create kept on it, nobody
    has liked it yet (and its author never will), and its author is a member of each of its
    communities, so all of them are visible. A cross-post reads its communities (one query)
    so that they come in the database's order of names, as post_detail gives them."""
    post.liked_by_me = False  # type: ignore[attr-defined]
    unique = list({community.pk: community for community in communities}.values())
    if len(unique) == 1:
        post.visible_communities = unique  # type: ignore[attr-defined]
    else:
        attach_visible_communities(viewer, [post])
    return post


def post_page(viewer: User, post: Post) -> PostPage:
    """Everything around a post (the post comes from access_post): constant query count."""
    post_with = (
        Post.objects.filter(pk=post.pk)
        .select_related("author", *KUDOS_JOINS)
        .annotate(liked_by_me=_liked(viewer))
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("slug")), _attachments())
        .get()
    )
    attach_visible_communities(viewer, [post_with])
    communities: list[Community] = post_with.visible_communities  # type: ignore[attr-defined]
    can_moderate = access.can_moderate_post(viewer, post_with)
    attachments = list(post_with.attachments.all())
    member_ids = set(access.member_community_ids(viewer)) & {c.pk for c in communities}
    return PostPage(
        post=post_with,
        communities=communities,
        tags=list(post_with.tags.all()),
        attachments=attachments,
        liked_by_me=bool(post_with.liked_by_me),
        can_edit=post_with.author_id == viewer.pk,
        can_delete=post_with.author_id == viewer.pk or can_moderate,
        can_moderate=can_moderate,
        member_of_any=bool(member_ids),
        images=[a for a in attachments if a.is_image],
        files=[a for a in attachments if not a.is_image],
    )


def comments_page(
    viewer: User,
    post: Post,
    *,
    can_moderate: bool | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Comment]:
    """Top-level comments oldest first, each with its replies (`shown_replies`), authors,
    attachments and `liked_by_me`; hidden comments only for moderators. Three queries: the
    comments, their replies, the attachments of both (the first page's two are compiled once
    per process, rucher.core.prepared: a thread's page is the busiest page after the home)."""
    if can_moderate is None:
        can_moderate = access.can_moderate_post(viewer, post)
    keys, scope = ("created_at", "id"), f"comments:{post.pk}"
    shown = int(can_moderate)
    if cursor is None:
        rows = prepared_objects(
            f"comments:first:{shown}:{limit}",
            partial(_top_comments, can_moderate=can_moderate, limit=limit),
            {"person": viewer.pk, "post": post.pk},
        )
        page = page_of(rows, keys=keys, limit=limit, scope=scope)
    else:
        top = Comment.objects.filter(post=post, parent__isnull=True)
        if not can_moderate:
            top = top.filter(hidden_at__isnull=True)
        top = top.select_related("author").annotate(liked_by_me=comment_liked(viewer))
        page = keyset_page(top, keys=keys, cursor=cursor, limit=limit, scope=scope)
    if not page.items:
        return page
    parents = tuple(comment.pk for comment in page.items)
    replies = prepared_objects(
        f"comments:replies:{shown}",
        partial(_replies, can_moderate=can_moderate),
        {"person": viewer.pk, "parents": parents},
    )
    by_parent: dict[int, list[Comment]] = {pk: [] for pk in parents}
    for reply in replies:
        by_parent[reply.parent_id].append(reply)  # type: ignore[index]
    for comment in page.items:
        comment.shown_replies = by_parent[comment.pk]  # type: ignore[attr-defined]
    # One query for the attachments of the comments and of their replies.
    prefetch_related_objects([*page.items, *replies], _attachments())
    return page


def _with_like(qs: QuerySet[Comment], values: Mapping[str, Any]) -> QuerySet[Comment]:
    liked = CommentLike.objects.filter(comment=OuterRef("pk"), person=values["person"])
    return qs.select_related("author").annotate(liked_by_me=Exists(liked))


def _top_comments(
    values: Mapping[str, Any], *, can_moderate: bool, limit: int
) -> QuerySet[Comment]:
    top = Comment.objects.filter(post=values["post"], parent__isnull=True)
    if not can_moderate:
        top = top.filter(hidden_at__isnull=True)
    return _with_like(top, values).order_by("created_at", "id")[: limit + 1]


def _replies(values: Mapping[str, Any], *, can_moderate: bool) -> QuerySet[Comment]:
    replies = Comment.objects.filter(parent__in=values["parents"])
    if not can_moderate:
        replies = replies.filter(hidden_at__isnull=True)
    return _with_like(replies, values).order_by("created_at", "id")


def post_revisions(post: Post) -> list[PostRevision]:
    return list(PostRevision.objects.filter(post=post).select_related("editor")[:100])


def tag_posts(viewer: User, tag: Tag, *, cursor: str | None = None, limit: int = 20) -> Page[Post]:
    """Readable posts with this tag, newest first."""
    qs = (
        access.readable_posts(viewer)
        .filter(tags=tag)
        .select_related("author")
        .annotate(liked_by_me=_liked(viewer))
    )
    page = keyset_page(
        qs, keys=("-created_at", "-id"), cursor=cursor, limit=limit, scope=f"tag:{tag.pk}"
    )
    posts: list[Post] = page.items
    if posts:
        prefetch_related_objects(posts, Prefetch("tags", queryset=Tag.objects.order_by("slug")))
        prefetch_related_objects(posts, _attachments())
    attach_kudos(posts)
    attach_visible_communities(viewer, posts)
    return Page(items=posts, next_cursor=page.next_cursor)


def _communities_by_name(values: Mapping[str, Any]) -> QuerySet[Community]:
    return Community.objects.filter(pk__in=values["ids"]).order_by("sort_name", "id")


def member_communities_for_posting(viewer: User) -> list[Community]:
    """The viewer's communities by name (the composer's picker, on every home and community
    page): one query compiled once per number of memberships (rucher.core.prepared)."""
    member = access.member_community_ids(viewer)
    if not member:
        return []
    return prepared_instances(
        Community, "communities_by_name", _communities_by_name, {"ids": member}
    )


def is_first_post(post: Post) -> bool:
    """THE first-post rule (first contribution: points, welcome notification): no earlier post
    by the same author (ties on time broken by id)."""
    if post.author_id is None:
        return False
    earlier = Post.objects.filter(author=post.author_id).filter(
        Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk)
    )
    return not earlier.exists()
