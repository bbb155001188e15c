"""The people directory: filters, keyset pagination, htmx load-more, constant query count."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.accounts.models import DeclaredSkill, User
from rucher.core.factories import PersonFactory
from rucher.core.pagination import encode_cursor

URL = "/people/"


def _usernames(response):
    return [p.username for p in response.context["page"].items]


def _next_link(response):
    match = re.search(r'<a class="button" href="(\?[^"]*)"', response.content.decode())
    return html.unescape(match.group(1)) if match else None


@pytest.fixture
def people(db, member, colleague, departed):
    python = PersonFactory(
        username="pyth",
        display_name="Paula Python",
        department="DSI",
        site="Lyon",
        job_title="Développeuse",
    )
    DeclaredSkill.objects.create(person=python, name="Python", slug="python")
    DeclaredSkill.objects.create(person=colleague, name="Négociation", slug="negociation")
    return python


def test_it_lists_active_people_by_name(member_client, people):
    response = member_client.get(URL)
    assert response.status_code == 200
    assert _usernames(response) == ["bob", "carol", "pyth"]


def test_it_excludes_departed_people(member_client, people):
    response = member_client.get(URL)
    assert "dave" not in _usernames(response)
    assert "Dave Departed" not in response.content.decode()


def test_it_requires_sign_in(client_for, db):
    assert client_for().get(URL)["Location"] == "/accounts/login/?next=/people/"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=carol", ["carol"]),
        ("q=CAROL", ["carol"]),
        ("q=colleague carol", ["carol"]),
        ("q=ventes", ["carol"]),
        ("q=nantes", ["carol"]),
        ("q=développeuse", ["pyth"]),
        ("q=python", ["pyth"]),
        ("q=dave", []),
        ("q=nobody", []),
        ("department=Finance", ["bob"]),
        ("department=Fin", []),
        ("site=Lyon", ["bob", "pyth"]),
        ("site=Lyon&department=DSI", ["pyth"]),
        ("skill=Python", ["pyth"]),
        ("skill=%23python", ["pyth"]),
        ("skill=Négociation", ["carol"]),
        ("skill=cobol", []),
    ],
)
def test_it_filters(member_client, people, query, expected):
    response = member_client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert _usernames(response) == expected


def test_it_lists_each_person_once_when_several_skills_match(member_client, people):
    DeclaredSkill.objects.create(person=people, name="Python 3", slug="python-3")
    response = member_client.get(f"{URL}?q=python paula")
    assert _usernames(response) == ["pyth"]


def test_it_says_when_nobody_matches(client_for, member, people):
    response = client_for(member).get(f"{URL}?q=nobody")
    assert "Nobody matches these filters." in response.content.decode()


def test_it_offers_departments_and_sites_of_active_people_only(member_client, people):
    PersonFactory(username="gone", department="Secret", site="Mars", is_active=False)
    facets = member_client.get(URL).context["facets"]
    assert facets == {"departments": ["DSI", "Finance", "Ventes"], "sites": ["Lyon", "Nantes"]}


def _walk(client, first_url):
    seen, url, pages = [], first_url, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        seen.extend(_usernames(response))
        pages += 1
        link = _next_link(response)
        url = (URL + link) if link else None
        if link:
            assert response.context["page"].next_cursor in link
    return seen, pages


def test_it_walks_every_page_exactly_once(member_client, people):
    # Ties on the display name must not lose or repeat anyone.
    PersonFactory.create_batch(30, display_name="Same Name")
    PersonFactory.create_batch(25)
    seen, pages = _walk(member_client, URL)
    expected = set(User.objects.filter(is_active=True).values_list("username", flat=True))
    assert len(seen) == len(expected) == 58
    assert set(seen) == expected
    assert pages == 3


def test_it_keeps_filters_across_pages(member_client, people):
    PersonFactory.create_batch(30, site="Lille")
    PersonFactory.create_batch(5, site="Brest")
    seen, pages = _walk(member_client, f"{URL}?site=Lille")
    assert pages == 2
    assert len(seen) == len(set(seen)) == 30
    assert set(User.objects.filter(username__in=seen).values_list("site", flat=True)) == {"Lille"}


def test_it_returns_only_the_next_page_to_htmx(member_client, people):
    PersonFactory.create_batch(30)
    first = member_client.get(URL)
    cursor = first.context["page"].next_cursor
    response = member_client.get(f"{URL}?cursor={cursor}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body
    assert 'class="person-card"' in body
    assert 'role="search"' not in body
    assert not set(_usernames(first)) & set(_usernames(response))


def test_it_renders_the_whole_page_for_htmx_without_cursor(member_client, people):
    response = member_client.get(URL, HTTP_HX_REQUEST="true")
    assert "<html" in response.content.decode()


@pytest.mark.parametrize("cursor", ["garbage", "eyJ9", "x" * 300])
def test_it_rejects_a_tampered_cursor(member_client, people, cursor):
    response = member_client.get(f"{URL}?cursor={cursor}")
    assert response.status_code == 400


def test_it_rejects_a_cursor_from_another_filter(member_client, people):
    PersonFactory.create_batch(30, site="Lille")
    cursor = member_client.get(f"{URL}?site=Lille").context["page"].next_cursor
    assert member_client.get(f"{URL}?site=Lyon&cursor={cursor}").status_code == 400
    assert member_client.get(f"{URL}?cursor={cursor}").status_code == 400


def test_it_rejects_a_forged_but_unsigned_cursor(member_client, people):
    import base64

    forged = base64.urlsafe_b64encode(b'["people::::",["a",1]]:fake').decode().rstrip("=")
    assert member_client.get(f"{URL}?cursor={forged}").status_code == 400


def test_it_rejects_a_well_signed_cursor_of_the_wrong_shape(member_client, people):
    cursor = encode_cursor(["only-one-key"], scope="people::::")
    assert member_client.get(f"{URL}?cursor={cursor}").status_code == 400


def _queries_for_directory(client):
    client.get(URL)  # warm the session, charter and facet caches
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL)
    assert response.status_code == 200
    return len(ctx), len(response.context["page"].items)


def _with_skills(people):
    DeclaredSkill.objects.bulk_create(
        DeclaredSkill(person=p, name=f"Skill {i}", slug=f"skill-{i}", position=i)
        for p in people
        for i in range(3)
    )


def test_it_costs_the_same_queries_for_5_or_60_people(member_client, member):
    _with_skills([member, *PersonFactory.create_batch(4)])
    few_queries, few_shown = _queries_for_directory(member_client)
    _with_skills(PersonFactory.create_batch(55))
    many_queries, many_shown = _queries_for_directory(member_client)
    assert (few_shown, many_shown) == (5, 24)
    assert many_queries == few_queries


def test_it_costs_the_same_queries_on_later_pages(member_client, member):
    _with_skills(PersonFactory.create_batch(59))
    first_queries, _ = _queries_for_directory(member_client)
    cursor = member_client.get(URL).context["page"].next_cursor
    with CaptureQueriesContext(connection) as ctx:
        member_client.get(f"{URL}?cursor={cursor}")
    assert len(ctx) == first_queries
