"""Loading polls: a poll is readable exactly when its post is (rucher.content.access), and
gone when its community's Polls tab is off."""

from django.http import Http404

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.content.access import MAX_ID, access_post
from rucher.polls.models import Poll


def access_poll(viewer: User, poll_id: int) -> Poll:
    if not (viewer.is_authenticated and viewer.is_active) or not 0 < poll_id <= MAX_ID:
        raise Http404
    poll = Poll.objects.select_related("community").filter(pk=poll_id).first()
    if poll is None or not poll.community.tab_on(Community.Tab.POLLS):
        raise Http404
    access_post(viewer, poll.post_id)
    return poll
