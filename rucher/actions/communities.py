"""Creating a community, with its effects above communities (the outgoing webhooks)."""

from typing import Any

from django.db import transaction

from rucher.accounts.models import User
from rucher.communities import services as communities
from rucher.communities.models import Community
from rucher.integrations import emit as webhooks


@transaction.atomic
def community_create(*, creator: User, **fields: Any) -> Community:
    """communities.services.community_create, then `community.created` after commit."""
    community = communities.community_create(creator=creator, **fields)
    webhooks.community_created(community_id=community.pk)
    return community
