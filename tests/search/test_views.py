"""The /search/ page (usable without JavaScript), the top bar's suggestions and the similar
questions partial, in French and English."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import posts as post_actions

pytestmark = pytest.mark.django_db


def publish(world, body, *, title="", community="open", kind="post", author="owner"):
    return post_actions.post_publish(
        author=world.people[author],
        communities=[world.communities[community]],
        kind=kind,
        title=title,
        body=body,
    )


def test_the_page_shows_highlighted_results_with_their_place(world, client_for):
    post = publish(world, "La réunion d'équipe est déplacée", title="Planning")
    response = client_for(world.people["member"], language="fr").get("/search/", {"q": "reunions"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f'href="/posts/{post.pk}/"' in body
    assert "<mark>réunion</mark>" in body
    assert "Open club" in body
    assert "Recherche" in body


def test_the_top_bar_has_the_search_box_on_every_page(world, client_for):
    body = client_for(world.people["member"]).get("/").content.decode()
    assert 'action="/search/"' in body
    assert 'hx-get="/search/suggest"' in body


def test_an_empty_query_shows_the_form_and_says_why(world, client_for):
    client = client_for(world.people["member"])
    assert client.get("/search/").status_code == 200
    response = client.get("/search/", {"q": "  "})
    assert response.status_code == 400
    assert 'data-code="empty_query"' in response.content.decode()
    assert client.get("/search/", {"q": "x" * 201}).status_code == 400


def test_bad_filters_are_clear_errors(world, client_for):
    client = client_for(world.people["outsider"])
    response = client.get("/search/", {"q": "hello", "type": "nonsense"})
    assert response.status_code == 400
    assert 'data-code="unknown_type"' in response.content.decode()
    response = client.get("/search/", {"q": "hello", "community": world.communities["secret"].slug})
    assert response.status_code == 400
    assert 'data-code="unknown_community"' in response.content.decode()
    response = client.get("/search/", {"q": "hello", "since": "not-a-date"})
    assert response.status_code == 400
    response = client.get("/search/", {"q": "hello", "cursor": "tampered"})
    assert response.status_code == 400


@pytest.mark.parametrize("q", ["-", '"', "*", "\x00", "a\x00b", "' OR 1=1 --", "NEAR(", "a:*"])
def test_odd_queries_never_fail(world, client_for, q):
    response = client_for(world.people["member"]).get("/search/", {"q": q})
    assert response.status_code in (200, 400)


def test_filters_by_type_and_community(world, client_for):
    in_open = publish(world, "Apiculture urbaine", community="open")
    in_private = publish(world, "Apiculture rurale", community="private", kind="question")
    client = client_for(world.people["member"])
    body = client.get("/search/", {"q": "apiculture", "community": "private-club"}).content.decode()
    assert f"/posts/{in_private.pk}/" in body
    assert f"/posts/{in_open.pk}/" not in body
    body = client.get("/search/", {"q": "apiculture", "type": "post"}).content.decode()
    assert f"/posts/{in_open.pk}/" in body
    assert f"/posts/{in_private.pk}/" not in body


def test_suggestions_are_a_partial_of_readable_results(world, client_for):
    secret = publish(world, "Ruche connectée", community="secret")
    public = publish(world, "Ruche connectée ouverte", community="open")
    body = client_for(world.people["outsider"]).get("/search/suggest", {"q": "ruche"}).content
    body = body.decode()
    assert f"/posts/{public.pk}/" in body
    assert f"/posts/{secret.pk}/" not in body
    assert "<html" not in body
    assert (
        client_for(world.people["outsider"]).get("/search/suggest", {"q": ""}).content.strip()
        == b""
    )


def test_similar_questions_partial(world, client_for):
    question = publish(world, "?", title="Comment réserver une salle", kind="question")
    client = client_for(world.people["member"], language="fr")
    body = client.get(
        "/search/similar-questions", {"title": "réserver salle", "kind": "question"}
    ).content.decode()
    assert f"/posts/{question.pk}/" in body
    assert "Sans réponse" in body or "Unanswered" not in body
    assert (
        client.get(
            "/search/similar-questions", {"title": "réserver salle", "kind": "post"}
        ).content.strip()
        == b""
    )
    form = client.get("/posts/new/").content.decode()
    assert 'hx-get="/search/similar-questions"' in form


def test_the_page_has_a_constant_query_budget(world, client_for):
    client = client_for(world.people["member"])

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/search/", {"q": "frelon"}).status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        publish(world, f"Frelon asiatique {i}", kind="question" if i % 2 else "post")
    measure()  # the first request of a session reads what later ones find cached
    few = measure()
    for i in range(12):
        publish(world, f"Frelon asiatique bis {i}", community="private" if i % 2 else "open")
    assert measure() == few


def test_anonymous_people_are_sent_to_log_in(client_for):
    assert client_for().get("/search/", {"q": "x"}).status_code == 302
    assert client_for().get("/search/suggest", {"q": "x"}).status_code == 302
