"""The "my points" page: the ledger with its total, links only to what the viewer may read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.communities import services as communities
from rucher.recognition import points
from rucher.recognition.models import PointsEntry, PointsValue
from tests.recognition.test_points import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    return world.people


def test_my_points_lists_the_ledger_with_the_total(world, client_for, people):
    post = publish(people["member"], world.communities["open"], title="Budget 2027", body="b")
    like_actions.post_like(person=people["manager"], post=post)
    like_actions.post_unlike(person=people["manager"], post=post)
    body = client_for(people["member"]).get("/people/member/points/").content.decode()
    assert "My points" in body
    assert "15 points" in body
    assert "First contribution" in body and "Like received" in body
    assert "(withdrawn)" in body and "-2" in body
    assert f'href="/posts/{post.pk}/">Budget 2027</a>' in body


def test_colleagues_see_the_points_but_never_what_they_may_not_read(world, client_for, people):
    secret = publish(people["member"], world.communities["secret"], title="Project X", body="b")
    publish(people["member"], world.communities["open"], title="Open news", body="b")
    outsider = client_for(people["outsider"]).get("/people/member/points/").content.decode()
    assert "Points of Member" in outsider and "20 points" in outsider
    assert "Open news" in outsider
    assert "Project X" not in outsider and f"/posts/{secret.pk}/" not in outsider
    insider = client_for(people["manager"]).get("/people/member/points/").content.decode()
    assert "Project X" in insider
    # A member who leaves loses the link at once.
    communities.community_leave(person=people["manager"], community=world.communities["secret"])
    again = client_for(people["manager"]).get("/people/member/points/").content.decode()
    assert "Project X" not in again


def test_a_hidden_comment_is_not_linked(world, client_for, people):
    post = publish(people["owner"], world.communities["open"], title="T", body="b")
    comment = comment_actions.comment_publish(author=people["member"], post=post, body="c")
    from rucher.moderation import services as moderation

    moderation.comment_hide(actor=people["owner"], comment=comment)
    comment_actions.comment_publish(author=people["member"], post=post, body="visible")
    body = client_for(people["outsider"]).get("/people/member/points/").content.decode()
    assert body.count(f"/posts/{post.pk}/#comment-") == 1


def test_the_page_loads_more_with_a_cursor_and_refuses_a_bad_one(world, client_for, people):
    person = people["member"]
    PointsValue.objects.create(reason="comment", points=1, daily_cap=0)
    for i in range(35):
        points.points_grant(person_id=person.pk, reason="comment", key=f"k{i}")
    client = client_for(person)
    page = client.get("/people/member/points/")
    body = page.content.decode()
    assert body.count('class="points"') == 30
    cursor = page.context["page"].next_cursor
    more = client.get(f"/people/member/points/?cursor={cursor}", HTTP_HX_REQUEST="true")
    assert more.content.decode().count('class="points"') == 5
    assert "<html" not in more.content.decode()
    assert client.get("/people/member/points/?cursor=forged").status_code == 400
    assert client.get("/people/nobody/points/").status_code == 404
    assert client_for().get("/people/member/points/").status_code == 302


def _queries(client, path):
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx)


def test_the_page_costs_the_same_queries_whatever_its_length(world, client_for, people):
    person, other = people["member"], people["manager"]
    client = client_for(other)
    post = publish(person, world.communities["open"])
    comment = comment_actions.comment_publish(author=person, post=post, body="c")
    few = _queries(client, "/people/member/points/")
    for i in range(10):
        extra = publish(person, world.communities["private"], body=f"p{i}")
        comment_actions.comment_publish(author=person, post=extra, body="c")
    like_actions.comment_like(person=other, comment=comment)
    assert PointsEntry.objects.filter(person=person).count() > 20
    assert _queries(client, "/people/member/points/") == few
