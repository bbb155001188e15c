"""Whom a person reports to, set by themselves or an administrator, on the web and through
`PATCH /api/v1/me {"manager": …}`; the network ambassador flag, set by administrators on the
person's profile (issue 14, items 5 and 12)."""

import pytest
from django.test import Client

from rucher.accounts import services
from rucher.accounts.models import User
from rucher.core.audit import AuditEvent
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _api(person, language="en"):
    _token, raw = services.token_create(person=person, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE=language)


def _patch_me(api, body):
    return api.patch("/api/v1/me", body, content_type="application/json")


def test_a_person_names_their_manager_through_the_api(member, colleague):
    api = _api(member)
    response = _patch_me(api, {"manager": "carol"})
    assert response.status_code == 200, response.content
    assert response.json()["manager"] == "carol"
    member.refresh_from_db()
    assert member.manager_id == colleague.pk
    # By display name too (case folded), and "" for nobody.
    assert _patch_me(api, {"manager": "carol colleague"}).json()["manager"] == "carol"
    assert _patch_me(api, {"manager": ""}).json()["manager"] is None
    member.refresh_from_db()
    assert member.manager_id is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("nobody-here", "Nobody is called “nobody-here”"),
        ("bob", "cannot be their own manager"),
        ("dave", "Nobody is called “dave”"),  # departed: no longer a colleague
    ],
)
def test_a_bad_manager_is_refused_and_nothing_changes(member, colleague, departed, value, message):
    services.profile_update(person=member, changes={"manager": colleague, "bio": "Before"})
    response = _patch_me(_api(member), {"manager": value, "bio": "After"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert message in str(body["fields"]["manager"])
    member.refresh_from_db()
    assert (member.manager_id, member.bio) == (colleague.pk, "Before")


def test_a_reporting_chain_cannot_go_round(member, colleague):
    services.profile_update(person=colleague, changes={"manager": member})
    response = _patch_me(_api(member, "fr"), {"manager": "carol"})
    assert response.status_code == 400
    assert "Carol Colleague rend déjà compte à Bob Member" in str(response.json())


def test_two_namesakes_ask_for_the_username(member):
    PersonFactory(username="jean.1", display_name="Jean Dupont")
    PersonFactory(username="jean.2", display_name="Jean Dupont")
    response = _patch_me(_api(member), {"manager": "Jean Dupont"})
    assert response.status_code == 400
    assert "give the username" in str(response.json())
    assert _patch_me(_api(member), {"manager": "jean.2"}).json()["manager"] == "jean.2"


def test_the_profile_form_sets_the_manager_and_the_profile_says_reports_to(
    member, member_client, colleague
):
    form = member_client.get("/settings/profile/")
    assert 'name="manager"' in form.content.decode()
    response = member_client.post(
        "/settings/profile/", {"display_name": "Bob Member", "manager": "Carol Colleague"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.manager_id == colleague.pk
    # Saved again as shown (the manager's name), the manager stays.
    assert 'value="Carol Colleague"' in member_client.get("/settings/profile/").content.decode()
    member_client.post(
        "/settings/profile/", {"display_name": "Bob Member", "manager": "Carol Colleague"}
    )
    member.refresh_from_db()
    assert member.manager_id == colleague.pk
    page = member_client.get("/people/bob/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Reports to" in page and "/people/carol/" in page


def test_the_profile_form_explains_an_unknown_manager(member, member_client):
    response = member_client.post(
        "/settings/profile/",
        {"display_name": "Bob Member", "manager": "Personne Inconnue"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 400
    assert "Personne ne s’appelle « Personne Inconnue »" in response.content.decode()


def test_an_administrator_names_a_network_ambassador_and_a_manager(
    admin_user, admin_client, member, colleague
):
    page = admin_client.get("/people/bob/").content.decode()
    assert 'id="person-admin"' in page
    response = admin_client.post(
        "/people/bob/administer", {"is_ambassador": "on", "manager": "carol"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.is_ambassador and member.manager_id == colleague.pk
    assert AuditEvent.objects.filter(action="person.ambassador", target="bob").count() == 1
    assert (
        "Network ambassador"
        in admin_client.get("/people/bob/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    # Unticked: no longer an ambassador.
    admin_client.post("/people/bob/administer", {"manager": "Carol Colleague"})
    member.refresh_from_db()
    assert not member.is_ambassador and member.manager_id == colleague.pk


def test_only_administrators_set_the_flag(member, member_client, colleague):
    assert 'id="person-admin"' not in member_client.get("/people/carol/").content.decode()
    response = member_client.post("/people/carol/administer", {"is_ambassador": "on"})
    assert response.status_code == 404
    assert not User.objects.get(pk=colleague.pk).is_ambassador


def test_a_bad_manager_from_the_administrator_is_explained(admin_client, member):
    response = admin_client.post(
        "/people/bob/administer",
        {"is_ambassador": "on", "manager": "nobody"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Nobody is called “nobody”" in response.content.decode()
    member.refresh_from_db()
    assert not member.is_ambassador
