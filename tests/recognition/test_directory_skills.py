"""The directory's skill filter finds who knows about X (issue 14, item 9): people who declared
the skill and people who earned reputation in it, most reputation first — counting only
evidence the viewer may read (a skill earned in a secret community stays inside it)."""

import pytest
from django.test import Client

from rucher.accounts import services as accounts
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.core.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _earn(world, author, community, likers, tag="python"):
    post = post_actions.post_publish(
        author=author, communities=[world.communities[community]], title="t", body="b", tags=[tag]
    )
    for liker in likers:
        like_actions.post_like(person=world.people[liker], post=post)


@pytest.fixture
def skilled(world):
    people = world.people
    _earn(world, people["member"], "open", ["owner"])  # 1 in python
    _earn(world, people["manager"], "open", ["owner", "member"])  # 2 in python
    _earn(world, people["ambassador"], "secret", ["owner", "member", "manager"])  # 3, secret
    declared = PersonFactory(username="dee", display_name="Dee Declared")
    accounts.profile_update(person=declared, changes={"expertise": ["Python"]})
    return declared


def _api(person):
    _token, raw = accounts.token_create(person=person, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", HTTP_ACCEPT_LANGUAGE="en")


def test_the_api_directory_ranks_earned_then_declared(world, skilled):
    found = _api(world.people["outsider"]).get("/api/v1/people?skill=Python").json()
    assert [p["username"] for p in found["items"]] == ["manager", "member", "dee"]
    insider = _api(world.people["owner"]).get("/api/v1/people?skill=python").json()
    assert [p["username"] for p in insider["items"]] == ["ambassador", "manager", "member", "dee"]


def test_the_web_directory_ranks_earned_then_declared(world, client_for, skilled):
    body = client_for(world.people["outsider"]).get("/people/?skill=python").content.decode()
    links = {u: body.find(f'href="/people/{u}/"') for u in ("manager", "member", "dee")}
    assert 0 <= links["manager"] < links["member"] < links["dee"]
    assert 'href="/people/ambassador/"' not in body


def test_the_skill_list_pages_by_keyset(world, skilled):
    api = _api(world.people["outsider"])
    first = api.get("/api/v1/people?skill=python&limit=2").json()
    assert [p["username"] for p in first["items"]] == ["manager", "member"]
    second = api.get(f"/api/v1/people?skill=python&limit=2&cursor={first['next']}").json()
    assert [p["username"] for p in second["items"]] == ["dee"] and second["next"] is None
