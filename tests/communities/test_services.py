"""Community services: create, join, leave, roles, requests, with member_count kept exact."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from rucher.actions import memberships as membership_actions
from rucher.communities import services
from rucher.communities.models import Community, Membership
from rucher.core.errors import NotFound
from rucher.core.factories import PersonFactory
from rucher.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def make(creator, **kwargs):
    fields = {"name": "Lean management", "kind": "practice", "visibility": "open"}
    fields.update(kwargs)
    return services.community_create(creator=creator, **fields)


def count(community):
    community.refresh_from_db(fields=["member_count"])
    exact = Membership.objects.filter(community=community, status="member").count()
    assert community.member_count == exact
    return exact


def test_it_makes_the_creator_owner(member):
    community = make(member, answer_promise_hours=24)
    assert community.slug == "lean-management"
    membership = Membership.objects.get(community=community)
    assert (membership.person, membership.role, membership.status) == (member, "owner", "member")
    assert count(community) == 1
    assert AuditEvent.objects.filter(action="community.create", target=community.slug).exists()


def test_it_derives_distinct_slugs_from_names(member):
    first = make(member, name="Café & Qualité")
    second = make(member, name="Café & Qualité")
    assert first.slug == "cafe-qualite"
    assert second.slug == "cafe-qualite-2"
    assert make(member, name="!!!").slug == "community"
    assert make(member, name="New").slug == "new-2"  # "new" is reserved for /communities/new/


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answer_promise_hours": 0}, "answer_promise_hours"),
        ({"answer_promise_hours": -1}, "answer_promise_hours"),
        ({"answer_promise_hours": True}, "answer_promise_hours"),
        ({"name": "x" * 101}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"description": "a\x00"}, "description"),
        ({"kind": "gossip"}, "kind"),
        ({"visibility": "public"}, "visibility"),
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "new"}, "slug"),
        ({"slug": "x\x00"}, "slug"),
    ],
)
def test_it_names_the_bad_field(member, changes, field):
    with pytest.raises(ValidationError) as info:
        make(member, **changes)
    assert field in info.value.message_dict
    assert not Community.objects.filter(default_role="").exists()


def test_a_duplicate_slug_is_refused(member):
    make(member, slug="lean")
    with pytest.raises(ValidationError) as info:
        make(member, name="Other", slug="lean")
    assert "slug" in info.value.message_dict
    assert Community.objects.filter(slug="lean").count() == 1


def test_the_database_refuses_a_non_positive_promise(member):
    community = make(member)
    for hours in (0, -1):
        with pytest.raises(IntegrityError), transaction.atomic():
            Community.objects.filter(pk=community.pk).update(answer_promise_hours=hours)


def test_joining_an_open_community_makes_a_member_once(member, colleague):
    community = make(member)
    first = membership_actions.community_join(person=colleague, community=community)
    again = membership_actions.community_join(person=colleague, community=community)
    assert first.status == again.status == "member"
    assert count(community) == 2


def test_joining_a_private_community_is_a_request_until_approved(member, colleague):
    community = make(member, visibility="private")
    membership = membership_actions.community_join(person=colleague, community=community)
    assert membership.status == "requested"
    assert count(community) == 1
    membership_actions.request_approve(actor=member, community=community, person=colleague)
    assert Membership.objects.get(community=community, person=colleague).status == "member"
    assert count(community) == 2
    with pytest.raises(NotFound):  # nothing pending any more
        membership_actions.request_approve(actor=member, community=community, person=colleague)
    assert count(community) == 2


def test_a_rejected_request_leaves_nothing(member, colleague):
    community = make(member, visibility="private")
    membership_actions.community_join(person=colleague, community=community)
    membership_actions.request_reject(actor=member, community=community, person=colleague)
    assert not Membership.objects.filter(community=community, person=colleague).exists()
    assert count(community) == 1
    assert AuditEvent.objects.filter(action="community.request_reject").exists()


def test_a_secret_community_cannot_be_joined_without_invitation(member, colleague):
    community = make(member, visibility="secret")
    with pytest.raises(NotFound):
        membership_actions.community_join(person=colleague, community=community)
    membership_actions.membership_set_role(
        actor=member, community=community, person=colleague, role="member", invite=True
    )
    assert count(community) == 1
    assert (
        membership_actions.community_join(person=colleague, community=community).status == "member"
    )
    assert count(community) == 2


def test_leaving_updates_the_count(member, colleague):
    community = make(member)
    membership_actions.community_join(person=colleague, community=community)
    assert services.community_leave(person=colleague, community=community) is True
    assert services.community_leave(person=colleague, community=community) is False
    assert count(community) == 1


def test_withdrawing_a_request_does_not_touch_the_count(member, colleague):
    community = make(member, visibility="private")
    membership_actions.community_join(person=colleague, community=community)
    services.community_leave(person=colleague, community=community)
    assert count(community) == 1


def test_the_last_owner_cannot_leave(member, colleague):
    community = make(member)
    with pytest.raises(ValidationError) as info:
        services.community_leave(person=member, community=community)
    assert info.value.code == "last_owner"
    assert count(community) == 1
    membership_actions.membership_set_role(
        actor=member, community=community, person=colleague, role="owner"
    )
    assert services.community_leave(person=member, community=community)
    assert count(community) == 1


def test_the_last_owner_cannot_be_demoted(member):
    community = make(member)
    with pytest.raises(ValidationError) as info:
        membership_actions.membership_set_role(
            actor=member, community=community, person=member, role="member"
        )
    assert "role" in info.value.message_dict
    assert Membership.objects.get(community=community, person=member).role == "owner"


def test_managers_add_and_promote_but_only_owners_make_owners(member, colleague):
    community = make(member)
    manager = PersonFactory()
    membership_actions.membership_set_role(
        actor=member, community=community, person=manager, role="manager"
    )
    membership, created = membership_actions.membership_set_role(
        actor=manager, community=community, person=colleague, role="member"
    )
    assert created and membership.status == "member"
    membership, created = membership_actions.membership_set_role(
        actor=manager, community=community, person=colleague, role="ambassador"
    )
    assert not created and membership.role == "ambassador"
    with pytest.raises(ValidationError):
        membership_actions.membership_set_role(
            actor=manager, community=community, person=colleague, role="owner"
        )
    with pytest.raises(ValidationError):
        membership_actions.membership_set_role(
            actor=manager, community=community, person=member, role="member"
        )
    assert count(community) == 3
    assert AuditEvent.objects.filter(action="community.member_set").count() == 3


def test_adding_a_requester_approves_them(member, colleague):
    community = make(member, visibility="private")
    membership_actions.community_join(person=colleague, community=community)
    membership, created = membership_actions.membership_set_role(
        actor=member, community=community, person=colleague, role="member", invite=True
    )
    assert not created and membership.status == "member"
    assert count(community) == 2


def test_members_and_outsiders_cannot_manage(member, colleague):
    community = make(member)
    membership_actions.community_join(person=colleague, community=community)
    outsider = PersonFactory()
    for actor in (colleague, outsider):
        with pytest.raises(PermissionDenied):
            membership_actions.membership_set_role(
                actor=actor, community=community, person=outsider, role="manager"
            )
        with pytest.raises(PermissionDenied):
            services.community_update(actor=actor, community=community, changes={"name": "X"})


def test_administrators_manage_without_being_members(admin_user, member, colleague):
    community = make(member, visibility="secret")
    services.community_update(
        actor=admin_user, community=community, changes={"answer_promise_hours": 48}
    )
    membership_actions.membership_set_role(
        actor=admin_user, community=community, person=colleague, role="owner"
    )
    community.refresh_from_db()
    assert community.answer_promise_hours == 48
    assert count(community) == 2


def test_an_update_validates_and_audits(member):
    community = make(member)
    with pytest.raises(ValidationError) as info:
        services.community_update(
            actor=member, community=community, changes={"answer_promise_hours": 0, "name": ""}
        )
    assert set(info.value.message_dict) == {"answer_promise_hours", "name"}
    services.community_update(
        actor=member, community=community, changes={"name": "Zen", "answer_promise_hours": None}
    )
    community.refresh_from_db()
    assert (community.name, community.sort_name, community.answer_promise_hours) == (
        "Zen",
        "zen",
        None,
    )
    assert AuditEvent.objects.filter(action="community.update").exists()


def test_a_fresh_installation_has_the_default_communities(db):
    welcome = Community.objects.get(default_role="welcome")
    support = Community.objects.get(default_role="help")
    assert (welcome.slug, welcome.name, welcome.visibility) == ("bienvenue", "Bienvenue", "open")
    assert (support.slug, support.name, support.visibility) == ("support", "Support / SAV", "open")
    for community in (welcome, support):
        assert "Bienvenue" in community.description or "Support" in community.description
        assert "Welcome" in community.description or "help" in community.description
        assert community.sort_name == community.name.casefold()
