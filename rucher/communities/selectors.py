"""Reads about communities: browsing, a community's page, its members, pending requests."""

from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet

from rucher.accounts.models import Follow, User
from rucher.communities import access
from rucher.communities.models import Community, Membership
from rucher.core.pagination import Page, keyset_page

MAX_PENDING_SHOWN = 200
# "Your colleagues joined": how many communities, and how many colleagues named on each.
COLLEAGUE_SUGGESTIONS = 3
COLLEAGUE_NAMES = 2


def communities_visible_to(
    viewer: User,
    *,
    kind: str | None = None,
    mine: bool = False,
    cursor: str | None = None,
    limit: int = 24,
) -> Page[Community]:
    """Communities by name, each with the viewer's role and status; one query per page.

    Secret communities appear only to their members and invitees (and administrators).
    """
    qs: QuerySet[Community] = access.with_viewer_membership(Community.objects.all(), viewer)
    links = Membership.objects.filter(community=OuterRef("pk"), person=viewer.pk)
    if not access.is_administrator(viewer):
        insider = Exists(
            links.filter(status__in=[Membership.Status.MEMBER, Membership.Status.INVITED])
        )
        qs = qs.filter(~Q(visibility=Community.Visibility.SECRET) | insider)
    if mine:
        qs = qs.filter(Exists(links.filter(status=Membership.Status.MEMBER)))
    if kind:
        qs = qs.filter(kind=kind)
    scope = f"communities:{kind or ''}:{int(mine)}"
    return keyset_page(qs, keys=("sort_name", "id"), cursor=cursor, limit=limit, scope=scope)


@dataclass
class ColleagueSuggestion:
    community: Community
    colleague_count: int
    names: list[str]


def _colleague_ids(viewer: User) -> set[int]:
    """The viewer's colleagues: the people they follow, their manager, their manager's other
    reports and their own reports; one query, a UNION of indexed lookups. (The same rule as an
    OR of conditions on the memberships made PostgreSQL read every membership: 32 ms at 10,000
    people, docs/performance.md.)"""
    parts = [
        Follow.objects.filter(follower=viewer.pk).values_list("followee_id", flat=True),
        User.objects.filter(manager_id=viewer.pk).values_list("pk", flat=True),
    ]
    if viewer.manager_id is not None:
        parts.append(
            User.objects.filter(
                Q(pk=viewer.manager_id) | Q(manager_id=viewer.manager_id)
            ).values_list("pk", flat=True)
        )
    return set(parts[0].union(*parts[1:])) - {viewer.pk}


def colleague_communities(
    viewer: User, *, limit: int = COLLEAGUE_SUGGESTIONS
) -> list[ColleagueSuggestion]:
    """Open and private communities the viewer's colleagues belong to and the viewer has no
    link with (not a member, no request, no invitation), most colleagues first, then the most
    recently joined; up to four queries whatever the number of colleagues (one without
    colleagues)."""
    colleagues = _colleague_ids(viewer)
    if not colleagues:
        return []
    mine = Membership.objects.filter(person=viewer.pk).values("community")
    theirs = Membership.objects.filter(
        person__in=colleagues,
        status=Membership.Status.MEMBER,
        person__is_active=True,
        community__visibility__in=[Community.Visibility.OPEN, Community.Visibility.PRIVATE],
    ).exclude(community__in=mine)
    ranked = list(
        theirs.values("community")
        .annotate(colleagues=Count("person", distinct=True), latest=Max("created_at"))
        .order_by("-colleagues", "-latest", "community")[:limit]
    )
    if not ranked:
        return []
    ids = [row["community"] for row in ranked]
    communities = access.with_viewer_membership(Community.objects.filter(pk__in=ids), viewer)
    by_id = {community.pk: community for community in communities}
    names: dict[int, list[str]] = {pk: [] for pk in ids}
    # Most recent first; bounded: enough rows to name two colleagues per community.
    for community_id, name in (
        theirs.filter(community__in=ids)
        .order_by("-created_at", "-id")
        .values_list("community", "person__display_name")[: limit * 20]
    ):
        if len(names[community_id]) < COLLEAGUE_NAMES:
            names[community_id].append(name)
    return [
        ColleagueSuggestion(
            community=by_id[row["community"]],
            colleague_count=row["colleagues"],
            names=names[row["community"]],
        )
        for row in ranked
        if row["community"] in by_id
    ]


def members_page(
    community: Community, *, cursor: str | None = None, limit: int = 50
) -> Page[Membership]:
    """Current members (not requests or invitations) by name, with their person; one query."""
    qs = Membership.objects.filter(
        community=community, status=Membership.Status.MEMBER, person__is_active=True
    ).select_related("person")
    return keyset_page(
        qs,
        keys=("person__sort_name", "id"),
        cursor=cursor,
        limit=limit,
        scope=f"members:{community.pk}",
    )


def pending_requests(community: Community) -> list[Membership]:
    """Requests waiting for a manager's decision, oldest first."""
    return list(
        Membership.objects.filter(
            community=community, status=Membership.Status.REQUESTED, person__is_active=True
        )
        .select_related("person")
        .order_by("created_at", "id")[:MAX_PENDING_SHOWN]
    )


def leaders(community: Community) -> list[Membership]:
    """Owners and managers, shown on the community page so people know whom to ask."""
    return list(
        Membership.objects.filter(
            community=community,
            status=Membership.Status.MEMBER,
            role__in=Membership.MANAGING_ROLES,
            person__is_active=True,
        )
        .select_related("person")
        .order_by("person__sort_name", "id")[:20]
    )


@dataclass
class CommunityPage:
    community: Community
    my_role: str | None
    my_status: str | None
    can_read: bool
    can_manage: bool
    leaders: list[Membership]


def community_for_page(viewer: User, community: Community) -> CommunityPage:
    """What the community page shows around its stream (the community comes from access)."""
    return CommunityPage(
        community=community,
        my_role=getattr(community, "my_role", None),
        my_status=getattr(community, "my_status", None),
        can_read=access.can_read_content(viewer, community),
        can_manage=access.can_manage(viewer, community),
        leaders=leaders(community),
    )


def default_community(role: str) -> Community | None:
    return Community.objects.filter(default_role=role).first()
