"""The only way to load a post, a comment or an attachment a person may read.

A post is readable through any of its communities the viewer may read (open ones unless a
manager removed them from it, those they are a member of; administrators read everything).
Membership is read once per request (`viewer_scope`, forgotten as soon as a membership changes)
and never kept between requests, so leaving a community revokes access at once. Not found and
not allowed are the same 404.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities.access import access_community, is_administrator
from rucher.communities.models import Community, Membership
from rucher.content.models import Attachment, Comment, Post, PostCommunity, Tag
from rucher.core.memo import memoized
from rucher.core.prepared import prepared_instances, prepared_rows

MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ViewerScope:
    """The viewer's links to communities, read in one query: the ids they are a member of,
    moderate (owner or manager) and were removed from; administrators read everything."""

    member: tuple[int, ...]
    moderated: tuple[int, ...]
    removed: tuple[int, ...]
    administrator: bool = False


def reads_community(scope: ViewerScope, community_id: int, visibility: str) -> bool:
    """THE readability rule, on values already loaded: a community's content is readable by
    its members, by everyone when it is open (except the people a manager removed from it:
    removal is a ban), and by administrators. `_readable_q` is the same rule as a query."""
    if scope.administrator or community_id in scope.member:
        return True
    return visibility == Community.Visibility.OPEN and community_id not in scope.removed


def readable_through(scope: ViewerScope, places: Iterable[tuple[int, str]]) -> list[int]:
    """Of the places (community id, visibility) of some content, e.g. a post's communities,
    the ids the viewer may read it through, in the given order (empty: not readable). No
    query: for batches that prefetched the rows (digests, notification fan-out)."""
    return [
        community_id
        for community_id, visibility in places
        if reads_community(scope, community_id, visibility)
    ]


def _scope_rows(values: Mapping[str, Any]) -> QuerySet[Membership, tuple[int, str, str]]:
    return Membership.objects.filter(
        person=values["person"],
        status__in=(Membership.Status.MEMBER, Membership.Status.REMOVED),
    ).values_list("community_id", "status", "role")


def viewer_scope(viewer: User) -> ViewerScope:
    """One small query, once per request (rucher.core.memo): every access filter below is
    written with these ids instead of compiling the same membership subqueries into every
    query of the page."""

    def read() -> ViewerScope:
        member: list[int] = []
        moderated: list[int] = []
        removed: list[int] = []
        # On every page: compiled once per process (rucher.core.prepared), only run here.
        rows = prepared_rows("viewer_scope", _scope_rows, {"person": viewer.pk})
        for community_id, status, role in rows:
            if status == Membership.Status.REMOVED:
                removed.append(community_id)
                continue
            member.append(community_id)
            if role in Membership.MANAGING_ROLES:
                moderated.append(community_id)
        return ViewerScope(
            tuple(sorted(member)),
            tuple(sorted(moderated)),
            tuple(sorted(removed)),
            administrator=is_administrator(viewer),
        )

    if viewer.pk is None:
        return ViewerScope((), (), ())
    return memoized(("viewer_scope", viewer.pk), read)


def _readable_q(scope: ViewerScope, community: str = "") -> Q:
    """Open communities except those the viewer was removed from, plus their memberships.

    `community` is the path to the community from the filtered model ("" on Community)."""
    key = f"{community}_id" if community else "pk"
    visibility = f"{community}__visibility" if community else "visibility"
    readable = Q(**{visibility: Community.Visibility.OPEN})
    if scope.removed:
        readable &= ~Q(**{f"{key}__in": scope.removed})
    if scope.member:
        readable |= Q(**{f"{key}__in": scope.member})
    return readable


# A cross-post goes to at most this many communities (content.services.MAX_COMMUNITIES).
MAX_COMMUNITIES_PER_POST = 20


def communities_for_posting(author: User, slugs: Sequence[str]) -> list[Community]:
    """Resolves the slugs of a cross-post; any unknown (or unseeable) slug rejects the post."""
    errors: list[str] = []
    wanted: list[str] = []
    for slug in slugs:
        if not isinstance(slug, str) or not slug.strip():
            continue
        if slug.strip() not in wanted:
            wanted.append(slug.strip())
    if len(wanted) > MAX_COMMUNITIES_PER_POST:
        raise ValidationError(
            {"communities": [_("At most %(max)d communities.") % {"max": MAX_COMMUNITIES_PER_POST}]}
        )
    found: list[Community] = []
    for slug in wanted:
        try:
            found.append(access_community(author, slug))
        except Http404:  # unknown and unseeable are the same answer
            errors.append(_("Unknown community: “%(slug)s”.") % {"slug": slug[:60]})
    if errors:
        raise ValidationError({"communities": errors})
    return found


def readable_community_q(viewer: User, community: str = "") -> Q:
    """`readable_communities` as a condition on any model with a path to its community
    (e.g. "community" on PostCommunity): no subquery to compile into the caller's query."""
    if not (viewer.is_authenticated and viewer.is_active):
        return Q(pk__in=[])
    if is_administrator(viewer):
        return Q()
    return _readable_q(viewer_scope(viewer), community)


def readable_community_q_in(scope: ViewerScope, community: str = "") -> Q:
    """`readable_community_q` for an active viewer whose scope is already known (for queries
    compiled once per shape of scope, like `readable_posts_in`)."""
    return Q() if scope.administrator else _readable_q(scope, community)


def scope_in_values(values: Mapping[str, Any], *, administrator: bool) -> ViewerScope:
    """The scope a query compiled once (rucher.core.prepared) is built for: its "member",
    "moderated" and "removed" values (each may be left out when the query does not use it)."""
    return ViewerScope(
        member=tuple(values.get("member", ())),
        moderated=tuple(values.get("moderated", ())),
        removed=tuple(values.get("removed", ())),
        administrator=administrator,
    )


def member_community_ids(viewer: User) -> tuple[int, ...]:
    """Ids of the communities the viewer is a member of (read once per request)."""
    return viewer_scope(viewer).member


def readable_communities(viewer: User) -> QuerySet[Community]:
    """Communities whose content the viewer may read (open ones unless removed, their own)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return Community.objects.none()
    return Community.objects.filter(readable_community_q(viewer))


def member_communities(viewer: User) -> QuerySet[Community]:
    """Communities the viewer is a member of (their home feed's sources)."""
    return Community.objects.filter(pk__in=member_community_ids(viewer))


def moderated_communities(viewer: User) -> QuerySet[Community]:
    """Communities the viewer moderates (owner or manager); all for administrators."""
    if is_administrator(viewer):
        return Community.objects.all()
    return Community.objects.filter(pk__in=viewer_scope(viewer).moderated)


def readable_posts(viewer: User) -> QuerySet[Post]:
    """Posts readable by the viewer: in a readable community, and not hidden by moderation
    (moderators of one of its communities still see hidden posts)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return Post.objects.none()
    if is_administrator(viewer):
        return readable_posts_in(ViewerScope((), (), (), administrator=True))
    return readable_posts_in(viewer_scope(viewer))


def readable_posts_in(scope: ViewerScope) -> QuerySet[Post]:
    """`readable_posts` for an active viewer whose scope is already known (the same rule;
    also how `rucher.core.prepared` compiles a query once for every scope of the same shape:
    the query depends on the scope's ids only through their number)."""
    if scope.administrator:
        # Every community is readable and moderated: every placed post, hidden ones included.
        return Post.objects.filter(Exists(PostCommunity.objects.filter(post=OuterRef("pk"))))
    placed = PostCommunity.objects.filter(post=OuterRef("pk")).filter(
        _readable_q(scope, "community")
    )
    posts = Post.objects.filter(Exists(placed))
    if not scope.moderated:
        return posts.filter(hidden_at__isnull=True)
    moderated = PostCommunity.objects.filter(post=OuterRef("pk"), community_id__in=scope.moderated)
    return posts.filter(Q(hidden_at__isnull=True) | Exists(moderated))


def readers_among(post: Post, person_ids: Iterable[int]) -> list[int]:
    """Those of the given people who may read the post now (one query): `reads_community` as
    a query over several people (active ones; administrators read every placed post)."""
    ids = sorted(set(person_ids))
    if not ids or post.is_hidden:
        return []
    places = PostCommunity.objects.filter(post=post)
    member = Membership.objects.filter(
        person=OuterRef("pk"),
        community__in=places.values("community"),
        status=Membership.Status.MEMBER,
    )
    # Removal is a ban: an open community does not make the post readable to those removed.
    removed = Membership.objects.filter(
        person=OuterRef(OuterRef("pk")),
        community=OuterRef("community"),
        status=Membership.Status.REMOVED,
    )
    open_place = places.filter(community__visibility=Community.Visibility.OPEN).exclude(
        Exists(removed)
    )
    return list(
        User.objects.filter(pk__in=ids, is_active=True)
        .filter(Exists(member) | Exists(open_place) | Q(is_staff=True) | Q(is_superuser=True))
        .values_list("pk", flat=True)
    )


def first_readable_communities(post: Post, person_ids: Iterable[int]) -> dict[int, int]:
    """For each of the given people who may read the post now, the first of its communities
    (in the order it was placed in) they read it through: what a notification or an email
    about the post names, so that nobody is shown the name of a community they cannot read.
    Three small queries; the rule is `reads_community`'s."""
    ids = sorted(set(person_ids))
    if not ids or post.is_hidden:
        return {}
    places = list(
        PostCommunity.objects.filter(post=post)
        .order_by("id")
        .values_list("community_id", "community__visibility")
    )
    links: dict[int, tuple[list[int], list[int]]] = {pk: ([], []) for pk in ids}
    for person_id, community_id, status in Membership.objects.filter(
        person_id__in=ids,
        community_id__in=[place[0] for place in places],
        status__in=(Membership.Status.MEMBER, Membership.Status.REMOVED),
    ).values_list("person_id", "community_id", "status"):
        links[person_id][status == Membership.Status.REMOVED].append(community_id)
    found: dict[int, int] = {}
    for pk, is_staff, is_superuser in User.objects.filter(pk__in=ids, is_active=True).values_list(
        "pk", "is_staff", "is_superuser"
    ):
        member, removed = links[pk]
        scope = ViewerScope(
            member=tuple(member),
            moderated=(),
            removed=tuple(removed),
            administrator=is_staff or is_superuser,
        )
        readable = readable_through(scope, places)
        if readable:
            found[pk] = readable[0]
    return found


def can_moderate_post(viewer: User, post: Post) -> bool:
    if is_administrator(viewer):
        return PostCommunity.objects.filter(post=post).exists()
    moderated = viewer_scope(viewer).moderated
    if not moderated:
        return False
    return PostCommunity.objects.filter(post=post, community_id__in=moderated).exists()


def _check_id(value: int) -> None:
    if not 0 < value <= MAX_ID:
        raise Http404


def access_post(
    viewer: User, post_id: int, *, for_write: bool = False, with_author: bool = True
) -> Post:
    """Loads a readable post; for_write also requires being its author (403 otherwise).
    `with_author=False` for callers that need only the post's own columns (a like): the query
    is then compiled once per process for each shape of the viewer's scope (`_readable_post`)
    and only run, and `post.author` would be one more query."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    _check_id(post_id)
    if with_author:
        post = readable_posts(viewer).filter(pk=post_id).select_related("author").first()
    else:
        post = _readable_post(viewer, post_id)
    if post is None:
        raise Http404
    if for_write and post.author_id != viewer.pk:
        raise PermissionDenied
    return post


def _readable_post_query(values: Mapping[str, Any], *, administrator: bool) -> QuerySet[Post]:
    return readable_posts_in(scope_in_values(values, administrator=administrator)).filter(
        pk=values["post"]
    )


def _readable_post(viewer: User, post_id: int) -> Post | None:
    """`readable_posts(viewer).filter(pk=post_id).first()` without compiling it each time
    (rucher.core.prepared): the readability conditions cost more to compile than to run."""
    administrator = is_administrator(viewer)
    values: dict[str, int | tuple[int, ...]] = {"post": post_id}
    if not administrator:  # administrators read every placed post: no list in the query
        scope = viewer_scope(viewer)
        values |= {"member": scope.member, "moderated": scope.moderated, "removed": scope.removed}
    found = prepared_instances(
        Post,
        f"readable_post:{int(administrator)}",
        partial(_readable_post_query, administrator=administrator),
        values,
    )
    return found[0] if found else None


def access_post_for_moderation(viewer: User, post_id: int) -> Post:
    post = access_post(viewer, post_id)
    if not can_moderate_post(viewer, post):
        raise PermissionDenied
    return post


def access_comment(viewer: User, comment_id: int, *, for_write: bool = False) -> Comment:
    """Loads a comment on a readable post; hidden comments only for moderators."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    _check_id(comment_id)
    comment = (
        Comment.objects.filter(pk=comment_id, post__in=readable_posts(viewer))
        .select_related("post", "author")
        .first()
    )
    if comment is None:
        raise Http404
    if comment.is_hidden and not can_moderate_post(viewer, comment.post):
        raise Http404
    if for_write and comment.author_id != viewer.pk:
        raise PermissionDenied
    return comment


def access_attachment(viewer: User, attachment_id: int) -> Attachment:
    """An attachment is readable with its post (or its comment's post); an unattached upload
    only by its uploader."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    _check_id(attachment_id)
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise Http404
    if attachment.post_id is None and attachment.comment_id is None:
        if attachment.uploader_id != viewer.pk:
            raise Http404
        return attachment
    if attachment.comment_id is not None:
        access_comment(viewer, attachment.comment_id)
    else:
        access_post(viewer, attachment.post_id)  # type: ignore[arg-type]
    return attachment


def access_tag(viewer: User, slug: str) -> Tag:
    """Loads a tag that some post the viewer may read carries: a tag used only in communities
    the viewer cannot read is as unknown as a tag nobody used (404)."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    tag = (
        Tag.objects.filter(slug=slug)
        .filter(Exists(readable_posts(viewer).filter(tags=OuterRef("pk"))))
        .first()
    )
    if tag is None:
        raise Http404
    return tag
