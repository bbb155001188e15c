"""Questions through the API: lists, accepting an answer, the answer-time report."""

from unittest import mock

import pytest

from rucher.actions import comments as comment_actions
from rucher.actions import posts as post_actions
from rucher.qa.models import Question
from tests.communities.personas import build_world
from tests.qa.conftest import answer, ask, paris
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db

MONDAY_9 = paris(2026, 6, 8, 9, 0)


@shared_fixture
def world(admin_user):
    world = build_world(admin_user)
    for community in world.communities.values():
        community.answer_promise_hours = 8
        community.save(update_fields=["answer_promise_hours"])
    return world


@pytest.fixture
def thread(world):
    p, c = world.people, world.communities
    post = ask(p["member"], [c["private"]], at=MONDAY_9, tags=("Python",))
    first = answer(p["manager"], post, at=paris(2026, 6, 8, 10, 0))
    second = answer(p["ambassador"], post, at=paris(2026, 6, 8, 11, 0))
    reply = answer(p["owner"], post, at=paris(2026, 6, 8, 12, 0), parent=first)
    other = ask(p["member"], [c["private"]], at=MONDAY_9, title="Other")
    elsewhere = answer(p["manager"], other, at=paris(2026, 6, 8, 10, 0))
    return {"post": post, "first": first, "second": second, "reply": reply, "else": elsewhere}


def _accept(client, post, comment_id):
    return client.call("POST", f"/posts/{post.pk}/accept", {"comment_id": comment_id})


def test_the_asker_accepts_then_changes_the_answer(world, thread, client_for):
    client = client_for(world.people["member"])
    response = _accept(client, thread["post"], thread["first"].pk)
    assert response.status_code == 200
    assert response.json()["accepted_comment"] == thread["first"].pk
    assert response.json()["accepted_by"] == "member"
    response = _accept(client, thread["post"], thread["second"].pk)
    assert response.json()["accepted_comment"] == thread["second"].pk
    listed = client.call("GET", "/questions?status=accepted").json()["items"]
    assert [q["accepted_comment"] for q in listed] == [thread["second"].pk]


def test_a_manager_may_accept(world, thread, client_for):
    response = _accept(client_for(world.people["owner"]), thread["post"], thread["second"].pk)
    assert response.status_code == 200


def test_accepting_bad_comments_is_a_clear_400(world, thread, client_for):
    client = client_for(world.people["member"])
    reply = _accept(client, thread["post"], thread["reply"].pk)
    assert reply.status_code == 400
    assert "reply" in reply.json()["detail"] and "comment_id" in reply.json()["fields"]
    elsewhere = _accept(client, thread["post"], thread["else"].pk)
    assert elsewhere.status_code == 400
    assert "not an answer to this question" in elsewhere.json()["detail"]
    missing = _accept(client, thread["post"], 2**62)
    assert missing.status_code == 400
    assert _accept(client, thread["post"], "12").status_code == 422
    assert client.call("POST", f"/posts/{thread['post'].pk}/accept", {}).status_code == 422


def test_a_non_asker_member_gets_403_and_an_outsider_404(world, thread, client_for):
    ambassador = client_for(world.people["ambassador"])
    assert _accept(ambassador, thread["post"], thread["first"].pk).status_code == 403
    outsider = client_for(world.people["outsider"])
    assert _accept(outsider, thread["post"], thread["first"].pk).status_code == 404
    assert Question.objects.get(post=thread["post"]).accepted_comment_id is None


def test_accepting_on_a_plain_post_is_400(world, client_for):

    post = post_actions.post_publish(
        author=world.people["member"], communities=[world.communities["open"]], body="Hi"
    )
    comment = comment_actions.comment_publish(author=world.people["manager"], post=post, body="Hey")
    response = _accept(client_for(world.people["member"]), post, comment.pk)
    assert response.status_code == 400


def test_the_list_filters_by_status_community_and_tag(world, client_for):
    p, c = world.people, world.communities
    q_open = ask(p["member"], [c["open"]], at=MONDAY_9, tags=("python",), title="open")
    q_private = ask(p["member"], [c["private"]], at=MONDAY_9, tags=("Python",), title="private")
    q_other = ask(p["member"], [c["open"]], at=MONDAY_9, tags=("rust",), title="rust")
    answer(p["manager"], q_open, at=paris(2026, 6, 8, 10, 0))
    client = client_for(p["member"])

    def ids(query):
        response = client.call("GET", f"/questions{query}")
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    assert ids("") == {q_open.pk, q_private.pk, q_other.pk}
    assert ids("?tag=PYTHON") == ids("?tag=python") == {q_open.pk, q_private.pk}
    assert ids("?status=unanswered") == {q_private.pk, q_other.pk}
    assert ids("?status=answered") == {q_open.pk}
    assert ids("?status=accepted") == set()
    assert ids("?community=private-club") == {q_private.pk}
    assert ids("?status=") == ids("")
    item = client.call("GET", "/questions?status=answered").json()["items"][0]
    assert item["due_at"] == "2026-06-08T15:00:00Z"  # 17:00 in Paris
    assert item["first_answer_at"] == "2026-06-08T08:00:00Z"
    assert item["accepted_comment"] is None and item["tags"] == ["python"]
    outsider = client_for(p["outsider"])
    listed = outsider.call("GET", "/questions").json()["items"]
    assert {i["id"] for i in listed} == {q_open.pk, q_other.pk}
    assert outsider.call("GET", "/questions?community=private-club").status_code == 404
    assert outsider.call("GET", "/questions?status=bogus").status_code == 422
    assert outsider.call("GET", "/questions?cursor=bogus").status_code == 400


def test_the_list_pages_by_cursor(world, client_for):
    for i in range(3):
        ask(world.people["member"], [world.communities["open"]], at=MONDAY_9, title=f"q{i}")
    client = client_for(world.people["member"])
    first = client.call("GET", "/questions?limit=2").json()
    assert len(first["items"]) == 2 and first["next"]
    rest = client.call("GET", f"/questions?limit=2&cursor={first['next']}").json()
    assert len(rest["items"]) == 1 and rest["next"] is None


def test_the_report(world, client_for):
    p, c = world.people, world.communities
    q1 = ask(p["member"], [c["open"]], at=MONDAY_9)
    answer(p["manager"], q1, at=paris(2026, 6, 8, 11, 0))
    q2 = ask(p["member"], [c["private"]], at=MONDAY_9, title="late")
    answer(p["manager"], q2, at=paris(2026, 6, 9, 10, 0))
    q3 = ask(p["member"], [c["private"]], at=MONDAY_9, title="overdue")
    client = client_for(p["member"])
    with mock.patch("django.utils.timezone.now", return_value=paris(2026, 6, 10, 12, 0)):
        body = client.call("GET", "/reports/answer-times").json()
        by_date = client.call(
            "GET", "/reports/answer-times?community=private-club&since=2026-06-08&until=2026-06-09"
        ).json()
    assert body["questions"] == 3 and body["answered"] == 2
    assert body["answered_within_promise"] == 1
    assert body["share_within_promise"] == 0.3333
    assert body["median_hours_to_first_answer"] == 6.0  # of 2 and 10 working hours
    assert [q["id"] for q in body["overdue"]] == [q3.pk]
    assert by_date["questions"] == 2 and by_date["answered_within_promise"] == 0
    outsider = client_for(p["outsider"])
    assert outsider.call("GET", "/reports/answer-times").json()["questions"] == 1
    assert outsider.call("GET", "/reports/answer-times?community=private-club").status_code == 404
    assert outsider.call("GET", "/reports/answer-times?since=yesterday").status_code == 422
