"""The nightly rollup: a day's rows equal a direct count of what happened that day, however
often the day is rebuilt."""

from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rucher.analytics.models import ActivityDay, CommunityDay, ContributionDay
from rucher.analytics.rollups import REFRESH_DAYS, rollup_day, rollup_days_due
from rucher.core.testing import run_queued_tasks
from tests.analytics.conftest import paris
from tests.analytics.helpers import History, comment, like, publish, seed_history

pytestmark = pytest.mark.django_db

START = date(2026, 3, 2)


@pytest.fixture
def history(world) -> History:
    return seed_history(world, days=10, start=START)


def _expected(history: History, day: date, community=None) -> dict[str, int]:
    events = history.on(day, community)
    count = {
        kind: sum(1 for e in events if e.kind == kind)
        for kind in ("post", "question", "comment", "answer", "like")
    }
    return {
        "posts": count["post"] + count["question"],
        "questions": count["question"],
        "comments": count["comment"] + count["answer"],
        "answers": count["answer"],
        "likes": count["like"],
    }


def _actual(day: date, community=None) -> dict[str, int]:
    row = CommunityDay.objects.get(day=day, community=community)
    return {k: getattr(row, k) for k in ("posts", "questions", "comments", "answers", "likes")}


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(offset=st.integers(min_value=0, max_value=9))
def test_it_equals_a_direct_count_on_any_day(world, history, offset):
    day = START + timedelta(days=offset)
    rollup_day(day=day)
    assert _actual(day) == _expected(history, day)
    for community in world.communities.values():
        assert _actual(day, community) == _expected(history, day, community)
    # Every contributor of the day has a fact, and the per-person rows add up to the community's.
    contributors = {e.person.pk for e in history.on(day)}
    assert contributors <= set(
        ActivityDay.objects.filter(day=day).values_list("person_id", flat=True)
    )
    for community in world.communities.values():
        rows = ContributionDay.objects.filter(day=day, community=community)
        assert sum(r.posts for r in rows) == _expected(history, day, community)["posts"]
        assert sum(r.likes for r in rows) == _expected(history, day, community)["likes"]


def test_rebuilding_a_day_changes_nothing(world, history):
    day = START + timedelta(days=3)
    rollup_day(day=day)
    first = list(CommunityDay.objects.filter(day=day).order_by("community_id").values())
    contributions = ContributionDay.objects.filter(day=day).count()
    rollup_day(day=day)
    again = list(CommunityDay.objects.filter(day=day).order_by("community_id").values())
    strip = lambda rows: [{k: v for k, v in r.items() if k not in ("id", "built_at")} for r in rows]  # noqa: E731
    assert strip(first) == strip(again)
    assert ContributionDay.objects.filter(day=day).count() == contributions
    assert CommunityDay.objects.filter(day=day, community__isnull=True).count() == 1


def test_a_cross_post_counts_once_in_the_network_and_once_per_community(world):
    c, p = world.communities, world.people
    at = paris(2026, 3, 2, 10, 0)
    publish(History(), "post", p["member"], [c["open"], c["private"]], at)
    rollup_day(day=at.date())
    assert _actual(at.date())["posts"] == 1
    assert _actual(at.date(), c["open"])["posts"] == 1
    assert _actual(at.date(), c["private"])["posts"] == 1


def test_question_columns_answer_rate_and_promise(world):
    c, p = world.communities, world.people
    c["open"].answer_promise_hours = 8
    c["open"].save(update_fields=["answer_promise_hours"])
    history = History()
    monday = paris(2026, 6, 8, 9, 0)
    q1 = publish(history, "question", p["member"], [c["open"]], monday)
    comment(history, p["manager"], q1, [c["open"]], paris(2026, 6, 8, 11, 0))  # 2 h, in time
    q2 = publish(history, "question", p["member"], [c["open"]], monday)
    comment(history, p["manager"], q2, [c["open"]], paris(2026, 6, 9, 10, 0))  # 10 h, late
    publish(history, "question", p["member"], [c["open"]], monday)  # unanswered
    like(history, p["owner"], q1, [c["open"]], paris(2026, 6, 8, 12, 0))
    rollup_day(day=monday.date())
    row = CommunityDay.objects.get(day=monday.date(), community=c["open"])
    assert (row.questions, row.answered, row.promised, row.answered_within_promise) == (3, 2, 3, 1)
    assert sorted(row.answer_hours) == [2.0, 10.0]
    assert row.answers == 1 and row.likes == 1  # the late answer counts on its own day


def test_hidden_content_is_not_counted(world):
    c, p = world.communities, world.people
    at = paris(2026, 3, 2, 10, 0)
    post = publish(History(), "post", p["member"], [c["open"]], at)
    post.hidden_at = at
    post.save(update_fields=["hidden_at"])
    rollup_day(day=at.date())
    assert _actual(at.date(), c["open"])["posts"] == 0


def test_members_and_active_members(world):
    c, p = world.communities, world.people
    day = date.today() - timedelta(days=1)
    ActivityDay.objects.create(person=p["member"], day=day)
    ActivityDay.objects.create(person=p["outsider"], day=day)
    rollup_day(day=day)
    row = CommunityDay.objects.get(day=day, community=c["open"])
    # owner, manager, ambassador, member (the leaver left, the removed one was removed).
    assert row.members == 4
    assert row.active_members == 1
    network = CommunityDay.objects.get(day=day, community=None)
    assert network.active_members == 2


def test_the_nightly_job_builds_yesterday_and_refreshes_the_days_before(world):
    today = date(2026, 3, 20)
    due = rollup_days_due(today=today)
    assert due[-1] == today - timedelta(days=1)
    assert len(due) == REFRESH_DAYS + 1
    rollup_day(day=today - timedelta(days=1))
    assert rollup_days_due(today=today) == []


def test_the_schedule_enqueues_one_task_per_day(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    from rucher import schedule

    monkeypatch.setattr("rucher.analytics.rollups.local_day", lambda: date(2026, 3, 20))
    with django_capture_on_commit_callbacks(execute=True):
        schedule.build_analytics_rollups.call_local()
    run_queued_tasks()
    assert CommunityDay.objects.filter(community=None).count() == REFRESH_DAYS + 1


def test_the_command_rebuilds_a_range_and_rejects_bad_input(world):
    call_command("analytics_rollup", "--since", "2026-03-01", "--until", "2026-03-03")
    assert CommunityDay.objects.filter(community=None).count() == 3
    with pytest.raises(CommandError):
        call_command("analytics_rollup", "--since", "2026-03-05", "--until", "2026-03-03")
    with pytest.raises(CommandError):
        call_command("analytics_rollup", "--since", "yesterday")
    with pytest.raises(CommandError):
        call_command("analytics_rollup", "--until", "2999-01-01")
