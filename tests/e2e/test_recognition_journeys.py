"""Recognition in a real browser: Léa likes Eva's answer; Eva, logged in, sees her points, her
rank this week and the "10 likes" badge appear on her profile (and the badge's notification);
once the week is frozen, the top 3 on the home page names her and leads to the leaderboard.

Background jobs (badge checks, notifications) go through the in-memory queue, drained by
run_queued_tasks() between steps. The weekly freeze gets an explicit clock: the test moves the
week's ledger rows into the last completed week (as if the like had happened then) and calls
weekly_top_freeze(now=…) itself rather than waiting for Monday morning.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from rucher.actions import comments as comment_actions
from rucher.actions import likes as like_actions
from rucher.actions import memberships as membership_actions
from rucher.actions import posts as post_actions
from rucher.communities.models import Community
from rucher.communities.services import community_create
from rucher.content.models import PostKind
from rucher.core.factories import PersonFactory
from rucher.core.testing import run_queued_tasks
from rucher.recognition.leaderboard import last_freezable_week, weekly_top_freeze
from rucher.recognition.models import BadgeAward, PersonScore, PointsEntry
from rucher.recognition.periods import period_scores_rebuild
from tests.recognition.ranking_helpers import local


def score(person) -> int:
    row = PersonScore.objects.filter(person=person).first()
    return row.total if row else 0


@pytest.mark.e2e
def test_a_like_brings_points_a_badge_and_the_top_3(page: Page, live_server, login):
    owner = PersonFactory(username="olivia", display_name="Olivia Owner")
    club = community_create(
        creator=owner,
        name="Python club",
        slug="python-club",
        kind=Community.Kind.EXPERTISE,
        visibility=Community.Visibility.OPEN,
        description="Python help.",
    )
    sam = PersonFactory(username="sam", display_name="Sam Asker")
    eva = PersonFactory(username="eva", display_name="Eva Expert")
    lea = PersonFactory(username="lea", display_name="Léa Liker")
    fans = PersonFactory.create_batch(9)
    for person in (sam, eva, lea, *fans):
        membership_actions.community_join(person=person, community=club)
    question = post_actions.post_publish(
        author=sam,
        communities=[club],
        kind=PostKind.QUESTION,
        title="How do I read a 4 GB CSV file?",
        body="My script runs out of memory.",
    )
    answer = comment_actions.comment_publish(
        author=eva, post=question, body="Read it in chunks with pandas."
    )
    # Nine colleagues liked the answer already: the tenth like makes a badge.
    for fan in fans:
        like_actions.comment_like(person=fan, comment=answer)
    run_queued_tasks()
    before = score(eva)
    assert before > 0
    assert not BadgeAward.objects.filter(person=eva, badge="likes_10").exists()

    # (1) Léa likes Eva's answer.
    login("lea")
    page.goto(f"{live_server.url}/posts/{question.pk}/")
    liked = page.locator(f"#comment-{answer.pk}")
    liked.get_by_role("button", name="Like").click()
    expect(liked.locator(".like-count")).to_have_text("10")
    run_queued_tasks()
    after = score(eva)
    assert after > before

    # (2) Eva sees her points, her rank this week and the new badge on her profile.
    page.context.clear_cookies()
    login("eva")
    page.goto(f"{live_server.url}/people/eva/")
    standing = page.locator(".standing")
    expect(standing.get_by_role("heading", name="Recognition")).to_be_visible()
    expect(standing.locator("#profile-score")).to_have_text(f"{after} points")
    expect(standing.locator("#profile-week-rank")).to_contain_text(f"with {after} points")
    badge = standing.locator('[data-badge="likes_10"]')
    expect(badge).to_contain_text("10 likes")
    expect(badge).to_contain_text("Received 10 likes from colleagues.")
    # The badge was announced, and the notification leads back to the profile.
    page.goto(f"{live_server.url}/notifications/")
    note = page.get_by_role("link", name="You earned the badge “10 likes”")
    expect(note).to_be_visible()
    note.click()
    expect(page).to_have_url(re.compile(r"/people/eva/$"))

    # (3) The week ends and is frozen: the home page shows the top 3.
    week = last_freezable_week(timezone.now())
    PointsEntry.objects.update(created_at=local(week.year, week.month, week.day, 12))
    period_scores_rebuild()  # the ledger was rewritten behind the services' back
    monday_morning = local(week.year, week.month, week.day, 6) + timedelta(days=7, minutes=5)
    assert weekly_top_freeze(now=monday_morning) >= 1
    page.goto(f"{live_server.url}/")
    top = page.locator(".top3")
    # "last week" once the week just ended is frozen; early on Monday, the week before's date.
    heading = re.compile(r"Top 3 of (last week|the week of)")
    expect(top.get_by_role("heading", name=heading)).to_be_visible()
    first = top.locator("li", has=page.get_by_role("link", name="Eva Expert"))
    expect(first).to_contain_text("#1")
    expect(first).to_contain_text(f"{after} points")
    top.get_by_role("link", name="See the leaderboard").click()
    expect(page).to_have_url(re.compile(r"/leaderboard/$"))
    expect(page.get_by_role("heading", name="Leaderboard", level=1)).to_be_visible()
