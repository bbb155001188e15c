"""Editing one's profile: completeness, expertise tags, validation that saves nothing."""

import pytest

from rucher.accounts.models import DeclaredSkill
from rucher.accounts.services import COMPLETENESS_WEIGHTS, MAX_TAG_LENGTH, MAX_TAGS

URL = "/settings/profile/"

FULL = {
    "display_name": "Bob Member",
    "job_title": "Contrôleur de gestion",
    "department": "Finance",
    "site": "Lyon",
    "phone": "+33 4 00 00 00 00",
    "bio": "I count *things*.",
    "expertise": "Python, python , Lean   management, #Excel",
    "interests": "Vélo, Cuisine, vélo",
    "offers": "Excel pivot tables.",
    "reading": "Les Échos.",
}


def _post(client, **changes):
    return client.post(URL, {**FULL, **changes})


@pytest.fixture
def client(client_for, member):
    return client_for(member)


def test_it_shows_the_form_with_current_values(client, member):
    member.job_title = "Analyste"
    member.save()
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["form"].initial["job_title"] == "Analyste"
    assert response.context["form"].initial["display_name"] == "Bob Member"


def test_it_requires_sign_in(client_for, db):
    assert client_for().get(URL)["Location"].startswith("/accounts/login/")


def test_it_saves_every_field_and_raises_completeness(client, member):
    assert member.profile_completeness == 0
    response = _post(client)
    assert response.status_code == 302
    assert response["Location"] == URL
    member.refresh_from_db()
    assert member.job_title == "Contrôleur de gestion"
    assert member.bio == "I count *things*."
    assert member.phone == "+33 4 00 00 00 00"
    assert member.offers == "Excel pivot tables."
    assert member.reading == "Les Échos."
    assert member.profile_completeness == 100 - COMPLETENESS_WEIGHTS["photo"]


def test_it_counts_only_the_filled_fields(client, member):
    _post(client, phone="", bio="", expertise="", interests="", offers="", reading="")
    member.refresh_from_db()
    expected = sum(COMPLETENESS_WEIGHTS[k] for k in ("job_title", "department", "site"))
    assert member.profile_completeness == expected == 30


def test_it_lowers_completeness_when_fields_are_cleared(client, member):
    _post(client)
    _post(client, bio="   ", expertise="")
    member.refresh_from_db()
    expected = 100 - sum(COMPLETENESS_WEIGHTS[k] for k in ("photo", "bio", "expertise"))
    assert member.profile_completeness == expected
    assert member.bio == ""
    assert not member.declared_skills.exists()


def test_it_normalises_and_deduplicates_expertise(client, member):
    _post(client)
    skills = list(DeclaredSkill.objects.filter(person=member).values_list("name", "slug"))
    assert skills == [
        ("Python", "python"),
        ("Lean management", "lean-management"),
        ("Excel", "excel"),
    ]
    member.refresh_from_db()
    assert member.interests == ["Vélo", "Cuisine"]


def test_it_replaces_expertise_on_each_save(client, member):
    _post(client)
    _post(client, expertise="SAP")
    assert list(member.declared_skills.values_list("name", flat=True)) == ["SAP"]


def test_it_shows_saved_expertise_back_in_the_form(client):
    _post(client)
    response = client.get(URL)
    assert response.context["form"].initial["expertise"] == "Python, Lean management, Excel"


def test_it_rejects_an_overlong_field_and_saves_nothing(client, member):
    response = _post(client, job_title="x" * 151)
    assert response.status_code == 400
    assert response.context["form"].errors["job_title"]
    member.refresh_from_db()
    assert member.job_title == ""
    assert member.profile_completeness == 0
    assert not member.declared_skills.exists()


def test_it_rejects_an_overlong_tag_and_saves_nothing(client, member):
    response = _post(client, expertise="Python, " + "y" * (MAX_TAG_LENGTH + 1))
    assert response.status_code == 400
    assert "at most 50 characters" in response.context["form"].errors["expertise"][0]
    member.refresh_from_db()
    assert member.job_title == ""
    assert not member.declared_skills.exists()


def test_it_rejects_too_many_tags(client, member):
    tags = ", ".join(f"tag{i}" for i in range(MAX_TAGS + 1))
    response = _post(client, expertise=tags)
    assert response.status_code == 400
    assert response.context["form"].errors["expertise"]
    assert not member.declared_skills.exists()


@pytest.mark.parametrize("field", ["bio", "job_title", "expertise", "display_name"])
def test_it_rejects_a_nul_byte_and_saves_nothing(client, member, field):
    response = _post(client, **{field: "evil\x00value"})
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    member.refresh_from_db()
    assert member.job_title == ""
    assert member.display_name == "Bob Member"


def test_it_rejects_other_control_characters(client, member):
    response = _post(client, bio="bell\x07")
    assert response.status_code == 400
    assert response.context["form"].errors["bio"] == ["Control characters are not allowed."]
    member.refresh_from_db()
    assert member.bio == ""


@pytest.mark.parametrize("name", ["", "   "])
def test_it_requires_a_display_name(client, member, name):
    response = _post(client, display_name=name)
    assert response.status_code == 400
    assert response.context["form"].errors["display_name"]
    member.refresh_from_db()
    assert member.display_name == "Bob Member"


def test_it_updates_the_sort_name_with_the_display_name(client, member):
    _post(client, display_name="Émile Zola")
    member.refresh_from_db()
    assert member.display_name == "Émile Zola"
    assert member.sort_name == "emile zola"  # accents folded: "emile" finds them


def test_it_shows_the_completeness_meter(client):
    _post(client)
    response = client.get(URL)
    assert 'aria-valuenow="80"' in response.content.decode()
