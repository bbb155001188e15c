"""@-mention autocomplete (issue 15): what follows an @ finds colleagues by name, accents and
case folded, with their photo or initials and job title; the username is what gets inserted,
the syntax rucher.content.mentions links."""

import pytest
from django.utils import translation

from rucher.accounts.lookup import people_named
from rucher.content.mentions import render_rich_text
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_typing_without_accents_finds_the_accented_name(world, client_for):
    PersonFactory(username="helene", display_name="Hélène Durand", job_title="Juriste")
    client = client_for(world.people["member"])
    for typed in ("hel", "HELENE", "hélè", "@durand", "helene dur"):
        html = client.get("/suggest/mentions/", {"q": typed}).content.decode()
        assert 'data-username="helene"' in html, typed
        assert "Hélène Durand" in html and "Juriste" in html
        assert 'class="avatar placeholder' in html  # initials on a colour, no photo
        assert 'role="option"' in html


def test_departed_people_and_bots_are_not_suggested(world, client_for):
    PersonFactory(username="gone", display_name="Hélène Partie", is_active=False)
    PersonFactory(username="robot", display_name="Hélène Robot", is_bot=True)
    html = client_for(world.people["member"]).get("/suggest/mentions/", {"q": "helene"})
    assert html.content.decode().strip() == ""


def test_too_little_typed_suggests_nobody_and_anonymous_is_sent_to_log_in(world, client_for):
    PersonFactory(username="helene", display_name="Hélène Durand")
    client = client_for(world.people["member"])
    assert client.get("/suggest/mentions/", {"q": "h"}).content.decode().strip() == ""
    assert client.get("/suggest/mentions/").content.decode().strip() == ""
    assert client.get("/suggest/mentions/", {"q": "x" * 500}).status_code == 200
    assert client_for(None).get("/suggest/mentions/", {"q": "helene"}).status_code == 302


def test_the_inserted_username_is_a_mention_the_text_links(world):
    PersonFactory(username="helene", display_name="Hélène Durand")
    rendered = render_rich_text("Merci @helene pour la relecture.")
    assert rendered.mentions == {"helene"}
    assert '<a class="mention" href="/people/helene/">@helene</a>' in rendered.html


def test_a_name_typed_without_accents_designates_the_person(world):
    helene = PersonFactory(username="hd", display_name="Hélène Durand")
    assert people_named("helene durand") == [helene]
    assert people_named("HÉLÈNE DURAND") == [helene]


def test_the_text_boxes_of_posts_and_comments_ask_for_mentions(world, client_for, content):
    client = client_for(world.people["member"])
    home = client.get("/").content.decode()
    assert 'data-mentions="/suggest/mentions/"' in home
    post = client.get(f"/posts/{content.posts['open'].pk}/").content.decode()
    assert post.count('data-mentions="/suggest/mentions/"') >= 1
