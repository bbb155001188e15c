"""Creating a person, with the communities every newcomer starts in; editing a profile."""

from typing import Any

from django.db import transaction

from rucher.accounts import services as accounts
from rucher.accounts.models import User
from rucher.actions.memberships import community_join
from rucher.communities.models import Community
from rucher.integrations import emit as webhooks
from rucher.search import services as search


@transaction.atomic
def person_create(
    *,
    username: str,
    email: str,
    display_name: str,
    password: str | None = None,
    department: str = "",
    site: str = "",
    job_title: str = "",
    is_staff: bool = False,
    created_by: User | None = None,
) -> User:
    """The account (accounts.services.person_create), then the welcome community
    (F-DEFAULT-COMMUNITIES), so that their home and first questions have somewhere to go."""
    person = accounts.person_create(
        username=username,
        email=email,
        display_name=display_name,
        password=password,
        department=department,
        site=site,
        job_title=job_title,
        is_staff=is_staff,
        created_by=created_by,
    )
    welcome = Community.objects.filter(default_role=Community.DefaultRole.WELCOME).first()
    if welcome is not None:
        community_join(person=person, community=welcome)
    webhooks.person_joined(person_id=person.pk)
    search.index_person(person=person)
    return person


@transaction.atomic
def profile_edit(*, person: User, changes: dict[str, Any]) -> User:
    """The profile's changes (accounts.services.profile_update validates them), then the
    person's entry in search (name, job title, department, site, expertise)."""
    person = accounts.profile_update(person=person, changes=changes)
    search.index_person(person=person)
    return person
