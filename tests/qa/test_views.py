"""Question pages: lists, the post page's state and accept button, reports, the home block."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.qa.models import Question
from tests.qa.conftest import answer, ask, declare, paris

pytestmark = pytest.mark.django_db

MONDAY_9 = paris(2026, 6, 8, 9, 0)


def test_the_list_shows_readable_questions_by_status_and_tag(world, client_for):
    p, c = world.people, world.communities
    q_open = ask(p["member"], [c["open"]], at=MONDAY_9, tags=("Python",), title="Open one")
    ask(p["member"], [c["private"]], at=MONDAY_9, title="Private one")
    answer(p["manager"], q_open, at=paris(2026, 6, 8, 10, 0))
    member = client_for(p["member"])
    html = member.get("/questions/").content.decode()
    assert "Open one" in html and "Private one" in html
    unanswered = member.get("/questions/?status=unanswered").content.decode()
    assert "Private one" in unanswered and "Open one" not in unanswered
    tagged = member.get("/questions/?tag=PYTHON").content.decode()
    assert "Open one" in tagged and "Private one" not in tagged
    outsider = client_for(p["outsider"])
    assert "Private one" not in outsider.get("/questions/").content.decode()
    assert outsider.get("/questions/?community=private-club").status_code == 404
    assert outsider.get("/c/private-club/questions/").status_code == 404
    community = member.get("/c/private-club/questions/").content.decode()
    assert "Private one" in community and "Open one" not in community
    assert member.get("/questions/?cursor=bad").status_code == 400
    assert client_for().get("/questions/").status_code == 302


def test_the_post_page_shows_the_due_time_and_the_accept_button(world, client_for):
    p, c = world.people, world.communities
    post = ask(p["member"], [c["open"]], at=MONDAY_9)
    first = answer(p["ambassador"], post, at=paris(2026, 6, 8, 10, 0))
    answer(p["owner"], post, at=paris(2026, 6, 8, 10, 30), parent=first)
    html = client_for(p["member"]).get(f"/posts/{post.pk}/").content.decode()
    assert "answered within the promise" in html
    assert html.count("Accept this answer") == 1  # not on the reply
    fresh = ask(p["member"], [c["open"]], at=MONDAY_9, title="Fresh")
    assert "answer due by" in client_for(p["member"]).get(f"/posts/{fresh.pk}/").content.decode()
    assert (
        "Accept this answer"
        not in client_for(p["member"]).get(f"/posts/{fresh.pk}/").content.decode()
    )
    other = client_for(p["member"]).get(f"/posts/{post.pk}/").content.decode()
    assert "Accept this answer" in other
    assert (
        "Accept this answer"
        not in client_for(p["ambassador"]).get(f"/posts/{post.pk}/").content.decode()
    )
    assert (
        "Accept this answer" in client_for(p["manager"]).get(f"/posts/{post.pk}/").content.decode()
    )


def test_accepting_through_the_page(world, client_for):
    p, c = world.people, world.communities
    post = ask(p["member"], [c["private"]], at=MONDAY_9)
    first = answer(p["ambassador"], post, at=paris(2026, 6, 8, 10, 0))
    reply = answer(p["owner"], post, at=paris(2026, 6, 8, 10, 30), parent=first)
    member = client_for(p["member"])
    response = member.post(f"/posts/{post.pk}/accept", {"comment_id": reply.pk}, follow=True)
    assert "accept the answer itself" in response.content.decode()
    assert Question.objects.get(post=post).accepted_comment_id is None
    assert (
        client_for(p["ambassador"])
        .post(f"/posts/{post.pk}/accept", {"comment_id": first.pk})
        .status_code
        == 403
    )
    assert (
        client_for(p["outsider"])
        .post(f"/posts/{post.pk}/accept", {"comment_id": first.pk})
        .status_code
        == 404
    )
    response = member.post(f"/posts/{post.pk}/accept", {"comment_id": first.pk})
    assert response.status_code == 302
    assert Question.objects.get(post=post).accepted_comment_id == first.pk
    html = member.get(f"/posts/{post.pk}/").content.decode()
    assert "accepted-answer" in html and "See the accepted answer" in html


def test_the_report_page_draws_an_svg_chart(world, client_for):
    p, c = world.people, world.communities
    post = ask(p["member"], [c["open"]], at=MONDAY_9)
    answer(p["manager"], post, at=paris(2026, 6, 8, 10, 0))
    html = client_for(p["member"]).get("/questions/report/").content.decode()
    assert "<svg" in html and 'class="bar"' in html and "Open club" in html
    assert "cdn" not in html.lower()
    weekly = client_for(p["member"]).get("/c/open-club/questions/report/?since=2026-06-01")
    assert weekly.status_code == 200 and "2026-06-08" in weekly.content.decode()
    assert client_for(p["outsider"]).get("/c/private-club/questions/report/").status_code == 404
    assert client_for(p["member"]).get("/questions/report/?since=nonsense").status_code == 200


def test_home_lists_questions_i_can_answer(world, client_for):
    p, c = world.people, world.communities
    declare(p["manager"], "python")
    ask(p["member"], [c["private"]], at=MONDAY_9, tags=("Python",), title="Snake question")
    ask(p["member"], [c["private"]], at=MONDAY_9, tags=("rust",), title="Crab question")
    html = client_for(p["manager"]).get("/").content.decode()
    assert "Questions you can answer" in html
    html = html.split('id="can-answer-title"')[1].split("</section>")[0]
    assert "Snake question" in html and "Crab question" not in html
    assert "Questions you can answer" not in client_for(p["member"]).get("/").content.decode()


def _count(client):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/questions/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("size", [20, 50])
def test_the_list_runs_a_fixed_number_of_queries(world, client_for, monkeypatch, size):
    import rucher.qa.views as views

    p, c = world.people, world.communities
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    for i in range(5):
        ask(p["member"], [c["open"], c["private"]], at=MONDAY_9, tags=(f"t{i}",), title=f"q{i}")
    client = client_for(p["member"])
    _count(client)  # the first request of a session does some one-off work
    small = _count(client)
    for i in range(size):
        post = ask(p["owner"], [c["open"]], at=MONDAY_9, tags=("x", f"y{i}"), title=f"more {i}")
        answer(p["manager"], post, at=paris(2026, 6, 8, 10, 0))
    monkeypatch.setattr(views, "PAGE_SIZE", size)
    assert _count(client) == small


def test_an_unanswered_question_past_its_due_time_is_marked_overdue(world, client_for):
    p, c = world.people, world.communities
    late = ask(p["member"], [c["open"]], at=MONDAY_9, title="Late one")
    done = ask(p["member"], [c["open"]], at=MONDAY_9, title="Done one")
    answer(p["manager"], done, at=paris(2026, 6, 8, 10, 0))
    Question.objects.filter(post__in=[late, done]).update(due_at=paris(2026, 6, 8, 17, 0))
    client = client_for(p["member"])
    items = client.get("/questions/").content.decode().split('class="question-item"')[1:]
    late_item = next(i for i in items if "Late one" in i)
    done_item = next(i for i in items if "Done one" in i)
    assert "Overdue" in late_item and "q-unanswered" in late_item
    assert "Overdue" not in done_item and "q-answered" in done_item
    assert "Overdue" in client.get(f"/posts/{late.pk}/").content.decode()
    assert "Overdue" not in client.get(f"/posts/{done.pk}/").content.decode()
