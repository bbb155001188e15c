"""`rucher demo` loads the demo organisation once, whatever how often it runs."""

import io

import pytest
from django.core.management import call_command

from rucher.accounts.demo import ADMIN_USERNAME, DEMO_PASSWORD, demo_people
from rucher.accounts.models import Charter, DeclaredSkill, User
from rucher.accounts.selectors import COMPLETE_PROFILE_THRESHOLD


def test_it_describes_forty_distinct_people():
    people = demo_people()
    assert len(people) == 40
    assert len({p["username"] for p in people}) == 40
    assert demo_people() == people  # deterministic


@pytest.mark.django_db
def test_it_loads_the_demo_once():
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "41 people (41 created now)" in out.getvalue()
    usernames = set(User.objects.values_list("username", flat=True))
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "41 people (0 created now)" in out.getvalue()
    assert set(User.objects.values_list("username", flat=True)) == usernames
    assert len(usernames) == 41
    assert Charter.objects.count() == 1

    completeness = list(User.objects.values_list("profile_completeness", flat=True))
    assert sum(c >= COMPLETE_PROFILE_THRESHOLD for c in completeness) >= 20
    assert sum(c < COMPLETE_PROFILE_THRESHOLD for c in completeness) >= 10
    assert DeclaredSkill.objects.exists()

    admin = User.objects.get(username=ADMIN_USERNAME)
    assert admin.is_superuser and admin.is_staff
    assert admin.check_password(DEMO_PASSWORD)
    camille = User.objects.get(username="camille.martin")
    assert camille.check_password(DEMO_PASSWORD)
    assert not camille.is_staff
