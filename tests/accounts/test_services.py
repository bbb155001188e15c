"""Writes about people that the web pages do not fully reach: creation, validation, counters."""

import pytest
from django.core.exceptions import ValidationError

from rucher.accounts import services
from rucher.accounts.models import Follow, User
from rucher.core.models import AuditEvent


@pytest.mark.django_db
def test_it_creates_a_person_with_computed_completeness(admin_user):
    person = services.person_create(
        username="eve",
        email="eve@example.org",
        display_name="Eve",
        password="a-long-passphrase-1",
        department="RH",
        site="Paris",
        job_title="Recruteuse",
        created_by=admin_user,
    )
    assert person.password.startswith("argon2")
    assert person.check_password("a-long-passphrase-1")
    assert person.profile_completeness == 30
    assert AuditEvent.objects.get(action="person.create").target == "eve"


@pytest.mark.django_db
def test_it_creates_a_person_without_usable_password():
    person = services.person_create(username="eve", email="eve@example.org", display_name="Eve")
    assert not person.has_usable_password()


def test_it_refuses_duplicate_usernames_and_emails_whatever_the_case(member):
    with pytest.raises(ValidationError) as info:
        services.person_create(username="BOB", email="BOB@example.org", display_name="B")
    assert set(info.value.message_dict) == {"username", "email"}


@pytest.mark.django_db
def test_it_reports_every_bad_field_at_once():
    with pytest.raises(ValidationError) as info:
        services.person_create(username="bad name!", email="nope", display_name="", password="123")
    assert set(info.value.message_dict) == {"username", "email", "display_name", "password"}
    assert not User.objects.exists()


def test_it_rejects_unknown_profile_fields(member):
    with pytest.raises(ValidationError) as info:
        services.profile_update(person=member, changes={"is_staff": True})
    assert "is_staff" in info.value.message_dict
    member.refresh_from_db()
    assert not member.is_staff


def test_it_rejects_being_ones_own_manager(member):
    with pytest.raises(ValidationError) as info:
        services.profile_update(person=member, changes={"manager": member})
    assert "manager" in info.value.message_dict


def test_it_sets_and_clears_a_manager(member, admin_user):
    services.profile_update(person=member, changes={"manager": admin_user})
    assert User.objects.get(pk=member.pk).manager == admin_user
    services.profile_update(person=member, changes={"manager": None})
    assert User.objects.get(pk=member.pk).manager is None


@pytest.mark.parametrize(
    "changes",
    [
        {"expertise": "Python"},
        {"expertise": ["ok", 3]},
        {"meet_opt_out": "yes"},
        {"language": "de"},
        {"bio": 12},
        {"manager": "alice"},
    ],
)
def test_it_rejects_wrongly_typed_values(member, changes):
    with pytest.raises(ValidationError) as info:
        services.profile_update(person=member, changes=changes)
    assert set(info.value.message_dict) == set(changes)


def test_it_keeps_declared_skills_when_expertise_is_not_changed(member):
    services.profile_update(person=member, changes={"expertise": ["Python"]})
    services.profile_update(person=member, changes={"job_title": "Dev"})
    member.refresh_from_db()
    assert services.person_expertise(member) == ["Python"]
    weights = services.COMPLETENESS_WEIGHTS
    # The member persona already has a department and a site.
    assert member.profile_completeness == sum(
        weights[k] for k in ("job_title", "expertise", "department", "site")
    )


def test_it_keeps_counters_exact_through_follow_and_unfollow(member, colleague):
    assert services.follow_create(follower=member, followee=colleague) is True
    assert services.follow_create(follower=member, followee=colleague) is False
    assert services.follow_delete(follower=member, followee=colleague) is True
    assert services.follow_delete(follower=member, followee=colleague) is False
    member.refresh_from_db()
    colleague.refresh_from_db()
    assert (member.following_count, colleague.follower_count) == (0, 0)


def test_it_refuses_a_self_follow_in_the_service(member):
    with pytest.raises(ValidationError):
        services.follow_create(follower=member, followee=member)
    assert not Follow.objects.exists()


def test_it_sets_the_language(member):
    services.language_set(person=member, language="en")
    assert User.objects.get(pk=member.pk).language == "en"
    with pytest.raises(ValidationError):
        services.language_set(person=member, language="xx")


def test_it_puts_newcomers_in_the_welcome_community(db):
    from rucher.actions.people import person_create
    from rucher.communities.models import Community, Membership

    welcome = Community.objects.get(default_role=Community.DefaultRole.WELCOME)
    before = welcome.member_count
    person = person_create(
        username="newcomer", email="newcomer@example.org", display_name="New Comer"
    )
    assert Membership.objects.filter(
        person=person, community=welcome, status=Membership.Status.MEMBER
    ).exists()
    welcome.refresh_from_db()
    assert welcome.member_count == before + 1
