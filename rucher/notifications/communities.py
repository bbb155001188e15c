"""Notifications about memberships: a request to join for the managers, the decision for
the person who asked (composed by rucher.actions.memberships)."""

from rucher.communities.models import Membership
from rucher.notifications.fallback import administrator_ids
from rucher.notifications.services import notify


def join_request_notify(*, membership: Membership, key: str) -> int:
    managers = list(
        Membership.objects.filter(
            community_id=membership.community_id,
            status=Membership.Status.MEMBER,
            role__in=Membership.MANAGING_ROLES,
            person__is_active=True,
        ).values_list("person_id", flat=True)
    )
    # A community nobody manages: the administrators decide (they manage every community; the
    # organisation's ambassadors could not approve).
    return notify(
        recipient_ids=managers or administrator_ids(),
        kind="join_request",
        key=f"join_request:{key}",
        actor_id=membership.person_id,
        community_id=membership.community_id,
    )


def join_decision_notify(
    *, person_id: int, community_id: int, actor_id: int, key: str, approved: bool
) -> int:
    return notify(
        recipient_ids=[person_id],
        kind="join_decision",
        key=f"join_decision:{key}",
        actor_id=actor_id,
        community_id=community_id,
        data={"approved": approved},
    )
