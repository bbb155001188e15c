"""The profile page: visible to signed-in people only, departed people are gone, bio is safe."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts.models import DeclaredSkill
from rucher.core.factories import PersonFactory


def test_it_shows_a_profile(member_client, colleague):
    response = member_client.get("/people/carol/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Carol Colleague" in body
    assert "Ventes" in body
    assert "carol@example.org" in body
    assert not response.context["is_me"]
    assert 'action="/people/carol/follow"' in body


def test_it_shows_my_own_profile_with_an_edit_link(member_client):
    response = member_client.get("/people/bob/")
    assert response.context["is_me"]
    body = response.content.decode()
    assert 'href="/settings/profile/"' in body
    assert "/people/bob/follow" not in body


def test_it_gives_404_for_an_unknown_person(member_client):
    assert member_client.get("/people/nobody/").status_code == 404


def test_it_gives_404_for_a_departed_person(member_client, departed):
    assert member_client.get("/people/dave/").status_code == 404


def test_it_requires_sign_in(client_for, colleague):
    response = client_for().get("/people/carol/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/people/carol/"


def test_it_sanitises_the_bio(member_client, colleague):
    colleague.bio = (
        "Hello <script>alert('x')</script>\n\n"
        "[my site](https://example.org) [bad](javascript:alert(1))\n\n"
        '<img src=x onerror="alert(2)">'
    )
    colleague.save()
    body = member_client.get("/people/carol/").content.decode()
    assert "<script>alert" not in body
    assert not [tag for tag in re.findall(r"<[^>]*>", body) if "onerror" in tag]
    assert "&lt;script&gt;" in body  # shown as harmless text
    assert 'href="javascript:' not in body
    assert '<a href="https://example.org" rel="noopener nofollow">my site</a>' in body


def test_it_shows_declared_skills_and_the_manager(member_client, colleague, admin_user):
    colleague.manager = admin_user
    colleague.save()
    DeclaredSkill.objects.create(person=colleague, name="Lean management", slug="lean-management")
    body = member_client.get("/people/carol/").content.decode()
    assert 'href="/people/?skill=lean-management"' in body
    assert "Lean management" in body
    assert 'href="/people/alice/"' in body


def test_it_hides_the_manager_link_once_the_manager_left(member_client, colleague, departed):
    colleague.manager = departed
    colleague.save()
    response = member_client.get("/people/carol/")
    assert response.status_code == 200


def _queries_for_profile(client, username):
    client.get(f"/people/{username}/")  # warm the session and charter caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/people/{username}/")
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_it_costs_the_same_queries_whatever_the_number_of_skills(member_client, admin_user):
    few = PersonFactory(username="few", manager=admin_user)
    many = PersonFactory(username="many", manager=admin_user)
    DeclaredSkill.objects.create(person=few, name="S0", slug="s0")
    DeclaredSkill.objects.bulk_create(
        DeclaredSkill(person=many, name=f"S{i}", slug=f"s{i}", position=i) for i in range(20)
    )
    assert _queries_for_profile(member_client, "few") == _queries_for_profile(member_client, "many")


def test_it_gives_404_for_a_nul_byte_in_the_username(member_client):
    assert member_client.get("/people/bo%00b/").status_code == 404
    assert member_client.get("/people/bo%00b/photo").status_code == 404
