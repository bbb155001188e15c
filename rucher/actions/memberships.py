"""Joining, requests, roles and removals, with their effects above communities: the
managers' and the requester's notifications, the ambassador badge, the points a removal
withdraws."""

from django.db import transaction

from rucher.accounts.models import User
from rucher.communities import services as communities
from rucher.communities.models import Community, Membership
from rucher.integrations import emit as webhooks
from rucher.notifications.communities import join_decision_notify, join_request_notify
from rucher.recognition.badges import badges_check_enqueue
from rucher.recognition.points import points_withdraw_for_community


@transaction.atomic
def community_join(*, person: User, community: Community) -> Membership:
    """communities.services.community_join; a new request tells the managers after commit."""
    membership, requested = communities.community_join_or_request(
        person=person, community=community
    )
    if requested:
        key = communities.request_key(membership)
        transaction.on_commit(lambda: join_request_notify(membership=membership, key=key))
    elif membership.status == Membership.Status.MEMBER:
        webhooks.person_joined(person_id=person.pk, community_id=community.pk)
    return membership


@transaction.atomic
def request_approve(*, actor: User, community: Community, person: User) -> Membership:
    membership = communities.request_approve(actor=actor, community=community, person=person)
    webhooks.person_joined(person_id=person.pk, community_id=community.pk)
    _decision(membership.person_id, community.pk, actor, communities.request_key(membership), True)
    return membership


@transaction.atomic
def request_reject(*, actor: User, community: Community, person: User) -> None:
    key = communities.request_reject(actor=actor, community=community, person=person)
    _decision(person.pk, community.pk, actor, key, False)


def _decision(person_id: int, community_id: int, actor: User, key: str, approved: bool) -> None:
    """Deferred until commit; the key is taken now, while a rejected request still has its id."""
    actor_id = actor.pk
    transaction.on_commit(
        lambda: join_decision_notify(
            person_id=person_id,
            community_id=community_id,
            actor_id=actor_id,
            key=key,
            approved=approved,
        )
    )


@transaction.atomic
def membership_set_role(
    *,
    actor: User,
    community: Community,
    person: User,
    role: str,
    invite: bool = False,
) -> tuple[Membership, bool]:
    """communities.services.membership_set_role; a new ambassador may earn their badge."""
    membership, created = communities.membership_set_role(
        actor=actor, community=community, person=person, role=role, invite=invite
    )
    if membership.is_member and role == Membership.Role.AMBASSADOR:
        badges_check_enqueue(person_id=person.pk)
    return membership, created


@transaction.atomic
def membership_remove(*, actor: User, community: Community, person: User) -> Membership:
    """communities.services.membership_remove, then the person loses the points earned in
    the community."""
    membership = communities.membership_remove(actor=actor, community=community, person=person)
    points_withdraw_for_community(person_id=person.pk, community_id=community.pk)
    return membership
