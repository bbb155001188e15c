"""The standing card of a profile: score, rank this week and badges (F-POINTS, F-BADGES,
F-LEADERBOARD), at a fixed cost in queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rucher.core.factories import PersonFactory
from rucher.recognition.badges import BADGES
from rucher.recognition.leaderboard import score_card
from rucher.recognition.models import BadgeAward
from tests.recognition.ranking_helpers import exclude, grant, local

pytestmark = pytest.mark.django_db


def card(body: str) -> str:
    start = body.index('class="card standing"')
    return body[start : body.index("</section>", start)]


def test_the_profile_shows_score_rank_and_badges(world, client_for):
    carol = PersonFactory(username="carol", display_name="Carol")
    grant(carol, 40, local(2025, 1, 6, 10))  # long ago: counts in the score only
    grant(carol, 7, timezone.now())
    grant(PersonFactory(), 9, timezone.now())
    BadgeAward.objects.create(
        person=carol, badge="likes_10", awarded_at=local(2026, 2, 3, 10), data={"likes": 10}
    )
    body = card(client_for(world.people["member"]).get("/people/carol/").content.decode())
    assert re.search(r'id="profile-score">47 points<', body)
    assert re.search(r'id="profile-week-rank">Number 2 with 7 points<', body)
    assert "10 likes" in body and "Received 10 likes from colleagues." in body
    assert 'datetime="2026-02-03T10:00:00+01:00"' in body
    assert 'href="/leaderboard/"' in body


def test_a_newcomer_has_no_points_and_no_badges(world, client_for):
    body = card(client_for(world.people["member"]).get("/people/member/").content.decode())
    assert 'id="profile-score">0 points<' in body
    assert "Not ranked yet this week" in body
    assert "None yet." in body


def test_an_excluded_account_shows_its_score_but_no_rank(world, client_for):
    bot = PersonFactory(username="bot")
    grant(bot, 12, timezone.now())
    exclude(bot)
    body = card(client_for(world.people["member"]).get("/people/bot/").content.decode())
    assert 'id="profile-score">12 points<' in body
    assert "Not in the rankings" in body
    assert score_card(bot).week is None


def _queries(client, username: str) -> int:
    client.get(f"/people/{username}/")  # warms the session and charter caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/people/{username}/").status_code == 200
    return len(ctx.captured_queries)


def test_the_card_costs_the_same_queries_whatever_the_badges_and_points(world, client_for):
    client = client_for(world.people["member"])
    few = PersonFactory(username="few")
    many = PersonFactory(username="many")
    PersonFactory(username="unranked")
    grant(few, 1, timezone.now())
    BadgeAward.objects.create(person=few, badge="first_post")
    for _ in range(5):
        grant(many, 10, timezone.now())
    for other in PersonFactory.create_batch(5):
        grant(other, 20, timezone.now())
    BadgeAward.objects.bulk_create(
        [BadgeAward(person=many, badge=code) for code, b in BADGES.items() if not b.per_tag]
    )
    ranked = _queries(client, "few")
    assert _queries(client, "many") == ranked
    # Without a rank this week, the rank is not counted: one query less.
    assert _queries(client, "unranked") == ranked - 1
