"""API: GET /leaderboard, GET /top3, GET /people/{username}/badges (API.md, "Recognition")."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.content.models import Post, PostCommunity
from rucher.core.factories import PersonFactory
from rucher.recognition import leaderboard as boards
from rucher.recognition.badges import badges_check
from rucher.recognition.leaderboard import weekly_top_freeze
from rucher.recognition.models import BadgeAward
from tests.communities.personas import build_world
from tests.recognition.ranking_helpers import exclude, grant, local
from tests.shared import shared_fixture

pytestmark = pytest.mark.django_db


@shared_fixture
def world(admin_user):
    world = build_world(admin_user)
    now = timezone.now()
    p, c = world.people, world.communities
    grant(p["member"], 8, now, community=c["open"])
    grant(p["manager"], 8, now, community=c["private"])
    grant(p["owner"], 3, now, community=c["secret"])
    return world


def items(response):
    assert response.status_code == 200, response.content
    return [(i["rank"], i["username"], i["points"]) for i in response.json()["items"]]


def test_the_leaderboard_ranks_densely(world, client_for):
    api = client_for(world.people["outsider"])
    response = api.call("GET", "/leaderboard")
    assert items(response) == [(1, "member", 8), (1, "manager", 8), (2, "owner", 3)]
    body = response.json()
    assert body["next"] is None
    assert set(body["items"][0]) == {"rank", "username", "display_name", "points"}
    assert body["items"][0]["display_name"] == "Member"
    for period in ("week", "month", "all"):
        assert len(items(api.call("GET", f"/leaderboard?period={period}"))) == 3


def test_a_bad_period_or_limit_is_422_in_the_error_shape(world, client_for):
    api = client_for(world.people["member"])
    for query in ("period=year", "period=", "limit=0", "limit=101", "limit=x"):
        response = api.call("GET", f"/leaderboard?{query}")
        assert response.status_code == 422, query
        body = response.json()
        assert body["code"] == "invalid"
        assert set(body["fields"]) <= {"period", "limit"}


def test_pages_keep_dense_ranks_and_bad_cursors_are_400(world, client_for):
    api = client_for(world.people["member"])
    first = api.call("GET", "/leaderboard?limit=1").json()
    second = api.call("GET", f"/leaderboard?limit=2&cursor={first['next']}").json()
    assert [(i["rank"], i["username"]) for i in first["items"] + second["items"]] == [
        (1, "member"),
        (1, "manager"),
        (2, "owner"),
    ]
    assert second["next"] is None
    bad = api.call("GET", "/leaderboard?cursor=abc")
    assert bad.status_code == 400
    assert bad.json()["code"] == "invalid_cursor"
    other_board = api.call("GET", f"/leaderboard?period=all&cursor={first['next']}")
    assert other_board.status_code == 400


def test_a_community_board(world, client_for):
    api = client_for(world.people["member"])
    assert items(api.call("GET", "/leaderboard?community=private-club")) == [(1, "manager", 8)]
    # An empty filter is the organisation's board.
    assert len(items(api.call("GET", "/leaderboard?community="))) == 3


@pytest.mark.parametrize("position", ["outsider", "requester", "leaver"])
def test_a_secret_or_private_board_is_404_to_non_members(world, client_for, position):
    api = client_for(world.people[position])
    for slug in ("secret-club", "private-club", "no-such-club"):
        response = api.call("GET", f"/leaderboard?community={slug}")
        assert response.status_code == 404, slug
        assert response.json() == {"detail": "Not found.", "code": "not_found"}
    assert api.call("GET", "/leaderboard?community=open-club").status_code == 200


def test_the_organisation_board_names_no_secret_content(world, client_for):
    owner, secret = world.people["owner"], world.communities["secret"]
    post = Post.objects.create(author=owner, title="Project Nightingale", body="Hush")
    PostCommunity.objects.create(post=post, community=secret, created_at=post.created_at)
    grant(owner, 20, timezone.now(), community=secret)
    api = client_for(world.people["outsider"])
    for period in ("week", "month", "all"):
        response = api.call("GET", f"/leaderboard?period={period}")
        assert (1, "owner", 23) in items(response)
        text = response.content.decode()
        for word in ("Nightingale", "Secret club", "secret-club", f'"id": {post.pk}', "post"):
            assert word not in text, (period, word)


def test_excluded_accounts_are_absent(world, client_for):
    exclude(world.people["member"])
    api = client_for(world.people["member"])
    assert items(api.call("GET", "/leaderboard")) == [(1, "manager", 8), (2, "owner", 3)]


def test_anonymous_callers_are_401(anon_api):
    for path in ("/leaderboard", "/top3", "/people/bob/badges"):
        response = anon_api.call("GET", path)
        assert response.status_code == 401, path
        assert response.json()["code"] == "not_authenticated"


def _count(api, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.call("GET", path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("period", ["week", "all"])
def test_the_query_count_does_not_depend_on_the_limit(world, client_for, period):
    now = timezone.now()
    for i in range(30):
        grant(PersonFactory(), i + 1, now, community=world.communities["open"])
    api = client_for(world.people["member"])
    _count(api, "/leaderboard")  # warms the token's last use
    for extra in ("", "&community=open-club"):
        small = _count(api, f"/leaderboard?period={period}&limit=2{extra}")
        large = _count(api, f"/leaderboard?period={period}&limit=100{extra}")
        assert small == large, extra


# --- top 3 ---------------------------------------------------------------------------------


def test_top3_is_empty_before_any_freeze(world, client_for):
    response = client_for(world.people["member"]).call("GET", "/top3")
    assert response.json() == {"week_start": None, "items": []}


def test_top3_is_the_last_frozen_week(world, client_for):
    week = boards.last_freezable_week(timezone.now())
    moment = local(week.year, week.month, week.day, 12) + timedelta(days=1)
    ann, ben = PersonFactory(username="ann"), PersonFactory(username="ben")
    grant(ann, 30, moment)
    grant(ben, 30, moment)
    weekly_top_freeze()
    response = client_for(world.people["member"]).call("GET", "/top3")
    assert response.json()["week_start"] == week.isoformat()
    assert items(response) == [(1, "ann", 30), (2, "ben", 30)]  # ties broken: older first


# --- badges ----------------------------------------------------------------------------------


def test_a_persons_badges(world, client_for):
    member = world.people["member"]
    Post.objects.create(author=member, body="Hello")
    badges_check(person_id=member.pk, now=local(2026, 3, 4, 10))
    response = client_for(world.people["outsider"]).call("GET", "/people/member/badges")
    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {
                "code": "first_post",
                "name": "First post",
                "why": "Published a first post.",
                "tag": None,
                "awarded_at": "2026-03-04T09:00:00Z",
            }
        ]
    }
    assert BadgeAward.objects.count() == 1


def test_badges_of_unknown_or_departed_people_are_404(world, client_for, departed):
    api = client_for(world.people["member"])
    for username in ("nobody", "dave", "a%00b"):
        response = api.call("GET", f"/people/{username}/badges")
        assert response.status_code in (404, 422), username
        if response.status_code == 404:
            assert response.json()["code"] == "not_found"
    assert api.call("GET", "/people/dave/badges").status_code == 404
