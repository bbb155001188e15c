"""GET /api/v1/experts?tag= and the earned skills of GET /api/v1/people/{username}."""

import pytest

from rucher.accounts import services as accounts
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.core.factories import PersonFactory
from tests.communities.personas import build_world
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def _liked_post(world, community, title, tags, likers):
    post = post_actions.post_publish(
        author=world.people["member"],
        communities=[world.communities[community]],
        title=title,
        body="body",
        tags=tags,
    )
    for liker in likers:
        like_actions.post_like(person=world.people[liker], post=post)
    return post


def test_it_lists_experts_best_first(world, client_for):
    _liked_post(world, "open", "Open", ["Python"], ["manager", "owner"])
    declared = PersonFactory(username="dee", display_name="Dee")
    accounts.profile_update(person=declared, changes={"expertise": ["python"]})
    response = client_for(world.people["outsider"]).call("get", "/experts?tag=PYTHON")
    assert response.status_code == 200
    body = response.json()
    assert body["items"] == [
        {"username": "member", "display_name": "Member", "reputation": 2, "declared": False},
        {"username": "dee", "display_name": "Dee", "reputation": 0, "declared": True},
    ]
    assert body["next"] is None


def test_it_pages_with_a_cursor_and_refuses_a_bad_one(world, client_for):
    for name in ("a", "b", "c"):
        person = PersonFactory(username=name, display_name=name)
        accounts.profile_update(person=person, changes={"expertise": ["go"]})
    client = client_for(world.people["member"])
    first = client.call("get", "/experts?tag=go&limit=2").json()
    assert [i["username"] for i in first["items"]] == ["a", "b"]
    second = client.call("get", f"/experts?tag=go&limit=2&cursor={first['next']}").json()
    assert [i["username"] for i in second["items"]] == ["c"]
    assert client.call("get", "/experts?tag=go&cursor=nope").status_code == 400
    assert client.call("get", f"/experts?tag=python&cursor={first['next']}").status_code == 400


@pytest.mark.parametrize("query", ["", "?tag=", "?tag=%20%23", "?tag=a%00b", "?limit=0&tag=x"])
def test_it_refuses_bad_input_without_crashing(world, client_for, query):
    response = client_for(world.people["member"]).call("get", f"/experts{query}")
    assert response.status_code in (400, 422)
    assert "code" in response.json()


def test_secret_content_never_leaks(world, client_for):
    secret = _liked_post(world, "secret", "TOP-SECRET-TITLE", ["python"], ["manager"])
    # Some evidence the outsider may read, so that the expert is listed at all (what the secret
    # post earned is not counted: test_earned_reputation_counts_only_readable_evidence).
    _liked_post(world, "open", "Open", ["python"], ["owner"])
    response = client_for(world.people["outsider"]).call("get", "/experts?tag=python")
    text = response.content.decode()
    assert response.status_code == 200
    assert "TOP-SECRET-TITLE" not in text
    assert f"/posts/{secret.pk}" not in text and '"id"' not in text
    assert "secret" not in text.lower()
    # Only a person and a number: the same fields as any expert.
    assert set(response.json()["items"][0]) == {
        "username",
        "display_name",
        "reputation",
        "declared",
    }


def test_the_profile_lists_earned_skills_apart_from_declared_ones(world, client_for):
    _liked_post(world, "open", "One", ["python", "django"], ["manager", "owner"])
    _liked_post(world, "open", "Two", ["django"], ["manager"])
    accounts.profile_update(person=world.people["member"], changes={"expertise": ["Cobol"]})
    body = client_for(world.people["outsider"]).call("get", "/people/member").json()
    assert body["earned_skills"] == [
        {"tag": "django", "reputation": 3},
        {"tag": "python", "reputation": 2},
    ]
    assert body["expertise"] == ["Cobol"]
