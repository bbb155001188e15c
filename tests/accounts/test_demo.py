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


def test_demo_job_titles_and_wording_agree_with_their_holders():
    from rucher.accounts.demo import FEMININE_NAMES, demo_people

    people = demo_people()
    women, men = people[:FEMININE_NAMES], people[FEMININE_NAMES:]
    assert {p["grammatical_gender"] for p in women} == {"f"}
    assert {p["grammatical_gender"] for p in men} == {"m"}
    masculine_only = ("Développeur", "Chef ", "Administrateur", "Chargé ", "Ingénieur ")
    for person in women:
        assert not str(person["job_title"]).startswith(masculine_only), person
    feminine_only = ("Développeuse", "Cheffe", "Administratrice", "Chargée", "Ingénieure")
    for person in men:
        assert not str(person["job_title"]).startswith(feminine_only), person
