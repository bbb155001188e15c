"""Loading events a person may see. The readability rule is rucher.content.access's (the
event's community); on top of it, an event is gone when its community's Events tab is off."""

from django.db.models import Q, QuerySet
from django.http import Http404

from rucher.accounts.models import User
from rucher.agenda.models import Event
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.access import MAX_ID, readable_community_q, reads_community, viewer_scope


def tab_on_q() -> Q:
    # tabs_off is a comma-separated list of tab codes; no other code contains "events".
    return ~Q(community__tabs_off__contains=Community.Tab.EVENTS)


def readable_events(viewer: User) -> QuerySet[Event]:
    """Events in the communities whose content the viewer may read, Events tab on."""
    return Event.objects.filter(readable_community_q(viewer, "community"), tab_on_q())


def access_event(viewer: User, event_id: int, *, for_write: bool = False) -> Event:
    """The event, or 404 (missing and not allowed are the same answer). `for_write` locks the
    row (call inside a transaction)."""
    if not (viewer.is_authenticated and viewer.is_active) or not 0 < event_id <= MAX_ID:
        raise Http404
    events = Event.objects.select_related("community", "author")
    if for_write:
        events = events.select_for_update(of=("self",))
    event = events.filter(pk=event_id).first()
    if event is None:
        raise Http404
    community = event.community
    if not reads_community(viewer_scope(viewer), community.pk, community.visibility):
        raise Http404
    if not community.tab_on(Community.Tab.EVENTS):
        raise Http404
    return event


def can_edit_event(viewer: User, event: Event) -> bool:
    """The author while still a member, or the community's managers."""
    community = community_access.with_viewer_membership(
        Community.objects.filter(pk=event.community_id), viewer
    ).first()
    if community is None:
        return False
    if community_access.can_manage(viewer, community):
        return True
    return event.author_id == viewer.pk and community_access.is_member(viewer, community)
