"""Who may read which figures: administrators the whole network, managers their communities.

The rule on communities is communities.access's (`access_community`, `can_manage`) and
content.access's (`moderated_communities`); nothing here restates who reads what.
"""

from dataclasses import dataclass, field

from django.http import Http404

from rucher.accounts.models import User
from rucher.communities.access import access_community, is_administrator
from rucher.communities.models import Community
from rucher.content.access import moderated_communities


@dataclass(frozen=True)
class Scope:
    """The figures a viewer reads: the whole network (`community_ids` None), or some
    communities (the ones they manage, or the one they chose)."""

    community_ids: tuple[int, ...] | None
    communities: list[Community] = field(default_factory=list, compare=False)
    chosen: Community | None = field(default=None, compare=False)

    @property
    def ids(self) -> tuple[int, ...]:
        """The scope's community ids (empty for the network)."""
        return self.community_ids or ()

    @property
    def is_network(self) -> bool:
        return self.community_ids is None


def can_read_analytics(viewer: User) -> bool:
    """Whether the dashboard exists for the viewer (administrators, managers of a community)."""
    if not (viewer.is_authenticated and viewer.is_active):
        return False
    return is_administrator(viewer) or moderated_communities(viewer).exists()


def access_analytics(viewer: User, community_slug: str | None = None) -> Scope:
    """The viewer's scope. Members and outsiders: 404 (the dashboard does not exist for them).
    With a community: 404 unless the viewer may see it, 403 when they see it but do not
    manage it (communities.access's answer)."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    if community_slug:
        if not can_read_analytics(viewer):
            raise Http404
        community = access_community(viewer, community_slug, for_manage=True)
        return Scope((community.pk,), [community], chosen=community)
    if is_administrator(viewer):
        return Scope(None)
    managed = list(moderated_communities(viewer).order_by("sort_name", "id"))
    if not managed:
        raise Http404
    return Scope(tuple(c.pk for c in managed), managed)
