"""Reads for moderators: the queue of open reports, hidden content, and the audit log."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from rucher.accounts.models import User
from rucher.communities.access import is_administrator
from rucher.content.access import moderated_communities, readable_community_q, viewer_scope
from rucher.content.models import Comment, Post, PostCommunity
from rucher.core.models import AuditEvent
from rucher.core.pagination import Page, keyset_page
from rucher.moderation.models import Report


def is_moderator(viewer: User) -> bool:
    """Moderates at least one community (or administers the network)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return False
    return is_administrator(viewer) or bool(viewer_scope(viewer).moderated)


def _in_moderated_community(viewer: User, post_ref: str) -> Exists:
    return Exists(
        PostCommunity.objects.filter(
            post=OuterRef(post_ref), community__in=moderated_communities(viewer)
        )
    )


def _placements_seen_by(viewer: User) -> Prefetch:
    # Only the communities the viewer may read: a cross-post into a secret community must not
    # reveal that community to a manager of another one.
    return Prefetch(
        "post__placements",
        queryset=PostCommunity.objects.filter(readable_community_q(viewer, "community"))
        .select_related("community")
        .order_by("community__sort_name"),
    )


def moderation_queue(viewer: User, *, cursor: str | None, limit: int) -> Page[Report]:
    """Open reports on posts in communities the viewer moderates (all for administrators),
    newest first. Two queries whatever the page size."""
    if not (viewer.is_authenticated and viewer.is_active):
        return Page(items=[], next_cursor=None)
    reports = Report.objects.filter(status=Report.Status.OPEN)
    if not is_administrator(viewer):
        reports = reports.filter(_in_moderated_community(viewer, "post_id"))
    reports = reports.select_related(
        "reporter", "post", "post__author", "comment", "comment__author"
    ).prefetch_related(_placements_seen_by(viewer))
    return keyset_page(
        reports, keys=("-created_at", "-id"), cursor=cursor, limit=limit, scope="moderation-queue"
    )


def hidden_posts(viewer: User, *, limit: int = 20) -> list[Post]:
    """Recently hidden posts the viewer may restore, most recently hidden first."""
    posts: QuerySet[Post] = Post.objects.filter(hidden_at__isnull=False)
    if not is_administrator(viewer):
        posts = posts.filter(_in_moderated_community(viewer, "pk"))
    return list(posts.select_related("author", "hidden_by").order_by("-hidden_at", "-id")[:limit])


def hidden_comments(viewer: User, *, limit: int = 20) -> list[Comment]:
    """Recently hidden comments the viewer may restore, most recently hidden first."""
    comments: QuerySet[Comment] = Comment.objects.filter(hidden_at__isnull=False)
    if not is_administrator(viewer):
        comments = comments.filter(_in_moderated_community(viewer, "post_id"))
    return list(
        comments.select_related("author", "hidden_by", "post").order_by("-hidden_at", "-id")[:limit]
    )


def audit_actions() -> list[str]:
    """The actions present in the log, for the filter."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())


def audit_log(*, action: str | None, cursor: str | None, limit: int) -> Page[AuditEvent]:
    """The audit log, newest first, optionally one action only (administrators only: the
    caller checks)."""
    events = AuditEvent.objects.select_related("actor")
    if action:
        events = events.filter(action=action)
    scope = f"audit:{action or ''}"
    return keyset_page(events, keys=("-created_at", "-id"), cursor=cursor, limit=limit, scope=scope)
