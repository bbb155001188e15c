"""The only way to load a community a person may see, and the checks on what they may do in it.

Membership is read from the database on every call (never cached), so a member who leaves, or
a person removed by a manager, loses access with their very next request.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from rucher.accounts.models import User
from rucher.communities.models import Community, Membership
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


def access_community(viewer: User, slug: str, *, for_manage: bool = False) -> Community:
    """Loads the community with the viewer's membership annotated.

    Not found and not allowed to see give the same Http404; a manager action on a community
    the viewer can see but not manage is PermissionDenied (403).
    """
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    if not is_lookup_key(slug, max_length=MAX_SLUG_LENGTH):
        raise Http404
    community = with_viewer_membership(Community.objects.filter(slug=slug), viewer).first()
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
    membership = (
        Membership.objects.filter(community=community, person=viewer.pk)
        .values("role", "status")
        .first()
    )
    community.my_role = membership["role"] if membership else None  # type: ignore[attr-defined]
    community.my_status = membership["status"] if membership else None  # type: ignore[attr-defined]
    return community
