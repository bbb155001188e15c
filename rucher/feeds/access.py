"""Loading a watch feed: the only way a view or the API gets one by id."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.access import with_viewer_membership
from rucher.communities.models import Community
from rucher.feeds.models import WatchFeed


def access_feed(viewer: User, feed_id: int) -> WatchFeed:
    """A feed its viewer runs: a personal feed only for its owner (404 for anyone else); a
    community's for its managers (404 when the community is invisible to the viewer, 403 when
    they see it without managing it)."""
    if not (viewer.is_authenticated and viewer.is_active):
        raise Http404
    if isinstance(feed_id, bool) or not 0 < feed_id < 2**63:
        raise Http404
    feed = WatchFeed.objects.filter(pk=feed_id).first()
    if feed is None:
        raise Http404
    if feed.owner_id is not None:
        if feed.owner_id != viewer.pk:
            raise Http404
        return feed
    assert feed.community_id is not None  # the check constraint: one subscriber
    community = with_viewer_membership(
        Community.objects.filter(pk=feed.community_id), viewer
    ).first()
    if community is None or not community_access.can_see(viewer, community):
        raise Http404
    if not community_access.can_manage(viewer, community):
        raise PermissionDenied
    feed.community = community
    return feed
