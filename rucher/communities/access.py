"""The only way to load a community a person may see, and the checks on what they may do in it.

Membership is read from the database on every call (never cached), so a member who leaves, or
a person removed by a manager, loses access with their very next request.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
from rucher.core.prepared import prepared_objects, prepared_rows
from rucher.core.text import is_lookup_key

MAX_SLUG_LENGTH = 60


def is_administrator(viewer: User) -> bool:
    return bool(viewer.is_authenticated and viewer.is_active and viewer.is_administrator)


def with_viewer_membership(queryset: QuerySet[Community], viewer: User) -> QuerySet[Community]:
    """Annotates `my_role` and `my_status` (None when the viewer has no link) in the same query."""
    mine = Membership.objects.filter(community=OuterRef("pk"), person=viewer.pk)
    return queryset.annotate(
        my_role=Subquery(mine.values("role")[:1]),
        my_status=Subquery(mine.values("status")[:1]),
    )


def _status(community: Community) -> str | None:
    return getattr(community, "my_status", None)


def _role(community: Community) -> str | None:
    return getattr(community, "my_role", None)


def is_member(viewer: User, community: Community) -> bool:
    return _status(community) == Membership.Status.MEMBER


def can_see(viewer: User, community: Community) -> bool:
    """Seeing the card and the about page: anyone, except secret communities for outsiders."""
    if not (viewer.is_authenticated and viewer.is_active):
        return False
    if community.visibility != Community.Visibility.SECRET:
        return True
    return is_administrator(viewer) or _status(community) in (
        Membership.Status.MEMBER,
        Membership.Status.INVITED,
    )


def can_read_content(viewer: User, community: Community) -> bool:
    """Reading the stream and the members: open to all, otherwise members only. A person
    removed by a manager no longer reads even an open community (removal is a ban)."""
    if not can_see(viewer, community):
        return False
    if is_administrator(viewer):
        return True
    if community.visibility == Community.Visibility.OPEN:
        return _status(community) != Membership.Status.REMOVED
    return is_member(viewer, community)


def can_manage(viewer: User, community: Community) -> bool:
    if not can_see(viewer, community):
        return False
    if is_administrator(viewer):
        return True
    return is_member(viewer, community) and _role(community) in Membership.MANAGING_ROLES


def can_set_owner(viewer: User, community: Community) -> bool:
    """Only owners (or administrators) make or unmake owners."""
    return is_administrator(viewer) or (
        is_member(viewer, community) and _role(community) == Membership.Role.OWNER
    )


def _community_query(values: Mapping[str, Any]) -> QuerySet[Community]:
    viewer = User(pk=values["person"])
    return with_viewer_membership(Community.objects.filter(slug=values["slug"]), viewer)


def access_community(viewer: User, slug: str, *, for_manage: bool = False) -> Community:
    """Loads the community with the viewer's membership annotated.

    Not found and not allowed to see give the same Http404; a manager action on a community
    the viewer can see but not manage is PermissionDenied (403).
    """
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    if not is_lookup_key(slug, max_length=MAX_SLUG_LENGTH):
        raise Http404
    # On every community page and post creation: compiled once per process
    # (rucher.core.prepared), only run here; the slug is unique.
    found = prepared_objects(
        "access_community", _community_query, {"slug": slug, "person": viewer.pk}
    )
    community = found[0] if found else None
    if community is None or not can_see(viewer, community):
        raise Http404
    if for_manage and not can_manage(viewer, community):
        raise PermissionDenied
    return community


def access_community_content(viewer: User, slug: str) -> Community:
    """For the stream and the members list: 404 unless the viewer may read the content.

    A private community's card and about page are visible (so people can ask to join), but its
    content is 404 to outsiders, identical to a missing object (issue 3's access rule).
    """
    community = access_community(viewer, slug)
    if not can_read_content(viewer, community):
        raise Http404
    return community


def access_community_tab(viewer: User, slug: str, tab: str) -> Community:
    """`access_community_content` for a tab of the community page (blog, forum, ideas,
    questions, members): a tab its managers turned off is 404, like a missing page."""
    community = access_community_content(viewer, slug)
    if not community.tab_on(tab):
        raise Http404
    return community


def refresh_viewer_membership(viewer: User, community: Community) -> Community:
    """Re-reads the viewer's role and status after a write changed them."""
    rows = prepared_rows(
        "viewer_membership",
        _membership_query,
        {"community": community.pk, "person": viewer.pk},
    )
    role, status = rows[0] if rows else (None, None)
    community.my_role = role  # type: ignore[attr-defined]
    community.my_status = status  # type: ignore[attr-defined]
    return community


def _membership_query(values: Mapping[str, Any]) -> QuerySet[Membership, tuple[str, str]]:
    return (
        Membership.objects.filter(community=values["community"], person=values["person"])
        .order_by("pk")
        .values_list("role", "status")[:1]
    )
