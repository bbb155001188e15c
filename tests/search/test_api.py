"""GET /api/v1/search and GET /api/v1/questions/similar as API.md says: shapes, cursors, the
access rule, and every bad input as a 400 with a stable code (never a 500)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import comments as comment_actions
from rucher.actions import posts as post_actions
from rucher.qa import services as qa_services
from rucher.search import services as search_services
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for(world):
    from rucher.accounts import services

    def make(position):
        _token, raw = services.token_create(person=world.people[position], name="tests")
        return ApiClient(HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def publish(world, body, *, title="", community="open", kind="post", author="owner"):
    return post_actions.post_publish(
        author=world.people[author],
        communities=[world.communities[community]],
        kind=kind,
        title=title,
        body=body,
    )


def test_it_returns_ranked_items_with_the_contract_fields(world, api_for):
    in_title = publish(world, "Rien", title="Télétravail le vendredi")
    in_body = publish(world, "On parle du télétravail ici", title="Divers")
    comment = comment_actions.comment_publish(
        author=world.people["member"], post=in_body, body="Le télétravail me va"
    )
    response = api_for("member").get("/api/v1/search", {"q": "teletravail"})
    assert response.status_code == 200
    data = response.json()
    assert data["next"] is None
    items = data["items"]
    assert items[0]["id"] == in_title.pk
    first = items[0]
    assert first["type"] == "post"
    assert first["title"] == "Télétravail le vendredi"
    assert first["url"] == f"/posts/{in_title.pk}/"
    assert isinstance(first["score"], float)
    assert first["created_at"]
    assert first["community"] == {"slug": "open-club", "name": "Open club"}
    assert first["author"]["username"] == "owner"
    assert "username" not in first and "slug" not in first
    assert {(i["type"], i["id"]) for i in items} == {
        ("post", in_title.pk),
        ("post", in_body.pk),
        ("comment", comment.pk),
    }
    assert "<mark>télétravail</mark>" in next(i for i in items if i["type"] == "comment")["snippet"]


def test_people_and_communities_have_their_keys(world, api_for):
    person = world.people["manager"]
    person.job_title = "Responsable logistique"
    person.save()
    search_services.index_person(person=person)
    search_services.index_community(community=world.communities["open"])
    client = api_for("member")
    [item] = client.get("/api/v1/search", {"q": "logistique", "type": "person"}).json()["items"]
    assert item["username"] == "manager"
    assert "id" not in item
    [item] = client.get("/api/v1/search", {"q": "open club", "type": "community"}).json()["items"]
    assert item["slug"] == "open-club"
    assert item["url"] == "/c/open-club/"


def test_cursors_page_through_everything_once(world, api_for):
    posts = [publish(world, f"Compost numéro {i}") for i in range(7)]
    client = api_for("member")
    seen, cursor = [], None
    while True:
        params = {"q": "compost", "limit": 3}
        if cursor:
            params["cursor"] = cursor
        data = client.get("/api/v1/search", params).json()
        seen += [item["id"] for item in data["items"]]
        cursor = data["next"]
        if not cursor:
            break
    assert sorted(seen) == sorted(p.pk for p in posts)
    bad = client.get("/api/v1/search", {"q": "compost", "cursor": "tampered"})
    assert bad.status_code == 400
    # A cursor made for another query is no good either.
    other = client.get("/api/v1/search", {"q": "compost", "limit": 1}).json()["next"]
    assert client.get("/api/v1/search", {"q": "autre", "cursor": other}).status_code == 400


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "empty_query"),
        ({"q": ""}, "empty_query"),
        ({"q": "   "}, "empty_query"),
        ({"q": "x" * 201}, "query_too_long"),
        ({"q": "ok", "type": "nonsense"}, "unknown_type"),
        ({"q": "ok", "community": "no-such-community"}, "unknown_community"),
        ({"q": "ok", "community": "secret-club"}, "unknown_community"),
        ({"q": "ok", "community": "private-club"}, "unknown_community"),
        ({"q": "ok", "author": "nobody-here"}, "unknown_author"),
    ],
)
def test_bad_input_is_a_400_with_a_code(world, api_for, params, code):
    response = api_for("outsider").get("/api/v1/search", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code
    assert body["detail"]
    if code == "unknown_type":
        assert body["allowed"] == ["post", "comment", "question", "document", "person", "community"]
        assert "type" in body["fields"]


@pytest.mark.parametrize(
    "q",
    ["-", '"', "*", '"""', "-*", "a\x00b", "\x00", "' OR 1=1; --", "NEAR(a b)", "a:* & !b", "(("],
)
def test_operators_and_syntax_are_text_never_a_500(world, api_for, q):
    response = api_for("member").get("/api/v1/search", {"q": q})
    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert response.json()["code"] == "empty_query"


def test_the_access_rule_holds_through_the_api(world, api_for):
    secret = publish(world, "Projet confidentiel Abeille", community="secret")
    private = publish(world, "Projet interne Abeille", community="private")
    assert api_for("outsider").get("/api/v1/search", {"q": "abeille"}).json()["items"] == []
    ids = {
        i["id"] for i in api_for("member").get("/api/v1/search", {"q": "abeille"}).json()["items"]
    }
    assert ids == {secret.pk, private.pk}
    assert ApiClient().get("/api/v1/search", {"q": "abeille"}).status_code == 401


def test_the_list_has_a_constant_query_budget(world, api_for):
    client = api_for("member")

    def measure():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/search", {"q": "pollen"}).status_code == 200
        return len(ctx.captured_queries)

    publish(world, "Pollen un", kind="question")
    measure()
    few = measure()
    for i in range(10):
        post = publish(world, f"Pollen {i}", kind="question" if i % 2 else "post")
        comment_actions.comment_publish(author=world.people["member"], post=post, body="pollen")
    assert measure() == few
    assert few <= 6


def test_similar_questions_with_their_status(world, api_for):
    question = publish(world, "Où ?", title="Réserver une salle de réunion", kind="question")
    answer = comment_actions.comment_publish(
        author=world.people["member"], post=question, body="Avec l'outil de réservation"
    )
    qa_services.answer_accept(actor=world.people["owner"], post=question, comment_id=answer.pk)
    publish(world, "Pas une question", title="Réserver une salle")
    for i in range(7):
        publish(world, "?", title=f"Salle numéro {i}", kind="question")
    response = api_for("member").get("/api/v1/questions/similar", {"q": "réservation de salles"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 5
    assert items[0]["id"] == question.pk
    assert items[0]["status"] == "accepted"
    assert all(i["type"] == "question" for i in items)
    empty = api_for("member").get("/api/v1/questions/similar", {"q": ""})
    assert empty.status_code == 400
    assert empty.json()["code"] == "empty_query"


def test_profile_and_community_edits_are_searchable_at_once(world, api_for):
    member = api_for("member")
    response = member.patch(
        "/api/v1/me",
        {"job_title": "Cheffe de projet", "expertise": ["Kubernetes"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    outsider = api_for("outsider")
    found = outsider.get("/api/v1/search", {"q": "kubernetes", "type": "person"}).json()
    assert [i["username"] for i in found["items"]] == ["member"]
    created = member.post(
        "/api/v1/communities",
        {
            "name": "Jardiniers",
            "description": "Potagers partagés",
            "kind": "interest",
            "visibility": "secret",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    slug = created.json()["slug"]
    mine = member.get("/api/v1/search", {"q": "potager", "type": "community"}).json()["items"]
    assert [i["slug"] for i in mine] == [slug]
    # A secret community is invisible to those outside it.
    assert outsider.get("/api/v1/search", {"q": "potager"}).json()["items"] == []
    member.patch(
        f"/api/v1/communities/{slug}",
        {"visibility": "open", "description": "Vergers"},
        content_type="application/json",
    )
    theirs = outsider.get("/api/v1/search", {"q": "verger"}).json()["items"]
    assert [i["slug"] for i in theirs] == [slug]
    assert outsider.get("/api/v1/search", {"q": "potager"}).json()["items"] == []
