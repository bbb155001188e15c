"""Creating and editing a community, with its effects above communities: its entry in search
and the outgoing webhooks' `community.created`."""

from typing import Any

from django.db import transaction

from rucher.accounts.models import User
from rucher.communities import services as communities
from rucher.communities.models import Community
from rucher.integrations import emit as webhooks
from rucher.search import services as search


@transaction.atomic
def community_create(*, creator: User, **fields: Any) -> Community:
    """communities.services.community_create (which validates), then the search entry, then
    `community.created` after commit."""
    community = communities.community_create(creator=creator, **fields)
    search.index_community(community=community)
    webhooks.community_created(community_id=community.pk)
    return community


@transaction.atomic
def community_edit(*, actor: User, community: Community, changes: dict[str, Any]) -> Community:
    """communities.services.community_update (managers only), then the search entry."""
    community = communities.community_update(actor=actor, community=community, changes=changes)
    search.index_community(community=community)
    return community
