"""GET /api/v1/people/{username}/points: the ledger and the total, objects only when readable."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import posts as post_actions
from rucher.recognition import points
from rucher.recognition.models import PointsValue
from tests.communities.personas import build_world
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    return build_world(admin_user)


def _post(world, visibility, title, author="member"):
    return post_actions.post_publish(
        author=world.people[author],
        communities=[world.communities[visibility]],
        title=title,
        body="body",
    )


def test_it_lists_the_ledger_newest_first_with_the_total(world, client_for):
    post = _post(world, "open", "Open news")
    like_actions.post_like(person=world.people["manager"], post=post)
    like_actions.post_unlike(person=world.people["manager"], post=post)
    response = client_for(world.people["member"]).call("get", "/people/member/points")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 15
    assert body["next"] is None
    assert [(i["reason"], i["points"], i["withdrawal"]) for i in body["items"]] == [
        ("like_received", -2, True),
        ("like_received", 2, False),
        ("first_contribution", 10, False),
        ("post", 5, False),
    ]
    assert body["items"][-1]["object"] == {
        "type": "post",
        "id": post.pk,
        "post": post.pk,
        "title": "Open news",
        "url": f"/posts/{post.pk}/",
    }
    assert body["items"][0]["at"].endswith("Z") or "+00:00" in body["items"][0]["at"]


def test_objects_in_communities_the_caller_cannot_read_are_null(world, client_for):
    secret = _post(world, "secret", "Project X")
    question = _post(world, "private", "Private question")
    comment_actions.comment_publish(author=world.people["member"], post=question, body="my comment")
    outsider = client_for(world.people["outsider"]).call("get", "/people/member/points")
    body = outsider.json()
    assert body["total"] == 5 + 10 + 5 + 2
    assert all(item["object"] is None for item in body["items"])
    assert "Project X" not in outsider.content.decode()
    insider = client_for(world.people["owner"]).call("get", "/people/member/points").json()
    types = {item["object"]["type"] for item in insider["items"]}
    assert types == {"post", "comment"}
    assert any(item["object"]["title"] == "Project X" for item in insider["items"]) is True
    assert secret.pk in {item["object"]["id"] for item in insider["items"]}


def test_it_pages_with_a_cursor_and_refuses_a_bad_one(world, client_for):
    PointsValue.objects.create(reason="comment", points=1, daily_cap=0)
    for i in range(5):
        points.points_grant(person_id=world.people["member"].pk, reason="comment", key=f"k{i}")
    api = client_for(world.people["manager"])
    first = api.call("get", "/people/member/points?limit=3").json()
    assert len(first["items"]) == 3 and first["next"]
    second = api.call("get", f"/people/member/points?limit=3&cursor={first['next']}").json()
    assert len(second["items"]) == 2 and second["next"] is None
    bad = api.call("get", "/people/member/points?cursor=forged")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_cursor"
    other = api.call("get", f"/people/manager/points?cursor={first['next']}")
    assert other.status_code == 400  # a cursor belongs to one person's list
    assert api.call("get", "/people/member/points?limit=0").status_code == 422


def test_unknown_or_departed_people_are_404_and_anonymous_401(
    world, client_for, anon_api, departed
):
    api = client_for(world.people["member"])
    assert api.call("get", "/people/nobody/points").json()["code"] == "not_found"
    assert api.call("get", f"/people/{departed.username}/points").status_code == 404
    assert anon_api.call("get", "/people/member/points").status_code == 401


def test_the_list_costs_the_same_queries_whatever_its_length(world, client_for):
    api = client_for(world.people["manager"])

    def queries():
        api.call("get", "/people/member/points?limit=50")
        with CaptureQueriesContext(connection) as ctx:
            assert api.call("get", "/people/member/points?limit=50").status_code == 200
        return len(ctx)

    post = _post(world, "open", "One")
    comment_actions.comment_publish(author=world.people["member"], post=post, body="c")
    few = queries()
    for i in range(8):
        extra = _post(world, "private", f"P{i}")
        comment_actions.comment_publish(author=world.people["member"], post=extra, body="c")
    assert queries() == few
