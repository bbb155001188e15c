"""The weekly top 3 (F-LEADERBOARD): frozen once Monday 06:00 has passed in the organisation's
time zone, once only, announced once, and shown on the home page all week."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from rucher.core.factories import PersonFactory
from rucher.notifications.messages import notification_message, notification_url
from rucher.notifications.models import Notification
from rucher.recognition import leaderboard as boards
from rucher.recognition.leaderboard import top3_current, weekly_top_freeze
from rucher.recognition.models import WeeklyTop
from tests.recognition.ranking_helpers import exclude, grant, local

pytestmark = pytest.mark.django_db

WEEK = date(2026, 3, 2)  # Monday 2 to Sunday 8 March 2026


def frozen(week=WEEK):
    return sorted(
        (t.rank, t.person.username, t.points)
        for t in WeeklyTop.objects.filter(week_start=week).select_related("person")
    )


def top_notes():
    return sorted(
        Notification.objects.filter(kind=Notification.Kind.WEEKLY_TOP).values_list(
            "recipient__username", "key"
        )
    )


@pytest.fixture
def week_points():
    """Last week: ann 20, ben 20, cat 15, dan 9, eve 4 — and a bot with 99, excluded."""
    found = {}
    for name, points in (("ann", 20), ("ben", 20), ("cat", 15), ("dan", 9), ("eve", 4)):
        found[name] = PersonFactory(username=name)
        grant(found[name], points, local(2026, 3, 4, 10))
    found["bot"] = PersonFactory(username="bot")
    grant(found["bot"], 99, local(2026, 3, 4, 10))
    exclude(found["bot"])
    return found


def test_nothing_is_frozen_before_monday_six_in_the_morning(week_points):
    for moment in (local(2026, 3, 8, 23, 59), local(2026, 3, 9, 0, 30), local(2026, 3, 9, 5, 59)):
        assert weekly_top_freeze(now=moment) == 0, moment
    assert not WeeklyTop.objects.exists()
    assert top_notes() == []


def test_monday_six_freezes_three_people_once_and_notifies_once(week_points):
    assert weekly_top_freeze(now=local(2026, 3, 9, 6, 0)) == 3
    # ann and ben tie, with their points at the same moment: the older account comes first.
    expected = [(1, "ann", 20), (2, "ben", 20), (3, "cat", 15)]
    assert frozen() == expected
    key = "weekly_top:2026-03-02"
    assert top_notes() == [("ann", key), ("ben", key), ("cat", key)]
    # Every later hourly run of the week leaves it alone.
    for hours in (1, 2, 30, 24 * 6):
        assert weekly_top_freeze(now=local(2026, 3, 9, 6, 0) + timedelta(hours=hours)) == 0
    # Points earned or withdrawn later never change a frozen week.
    grant(week_points["eve"], 100, local(2026, 3, 10, 9))
    assert weekly_top_freeze(now=local(2026, 3, 10, 10)) == 0
    assert frozen() == expected
    assert len(top_notes()) == 3


def test_among_equal_totals_who_got_there_first_ranks_first():
    early, late, third, fourth = (PersonFactory(username=n) for n in ("a", "b", "c", "d"))
    grant(late, 10, local(2026, 3, 2, 9))
    grant(late, 10, local(2026, 3, 6, 18))  # reaches 20 on Friday
    grant(early, 20, local(2026, 3, 3, 9))  # reaches 20 on Tuesday
    grant(third, 5, local(2026, 3, 3, 9))
    grant(fourth, 5, local(2026, 3, 4, 9))  # ties with c, but later: not shown
    assert weekly_top_freeze(now=local(2026, 3, 9, 7)) == 3
    assert frozen() == [(1, "a", 20), (2, "b", 20), (3, "c", 5)]


def test_concurrent_runs_cannot_duplicate(week_points, monkeypatch):
    now = local(2026, 3, 9, 7)
    assert weekly_top_freeze(now=now) == 3
    # A second run that checked "not frozen yet" before the first one committed.
    original = WeeklyTop.objects.filter

    def not_yet(*args, **kwargs):
        qs = original(*args, **kwargs)
        return qs.none() if "week_start" in kwargs else qs

    monkeypatch.setattr(WeeklyTop.objects, "filter", not_yet)
    weekly_top_freeze(now=now)
    monkeypatch.undo()
    assert WeeklyTop.objects.count() == 3
    assert len(top_notes()) == 3


def test_the_week_is_cut_at_midnight_in_paris():
    sunday, monday = PersonFactory(username="sunday"), PersonFactory(username="monday")
    grant(sunday, 5, local(2026, 3, 8, 23, 30))  # Sunday 23:30 Paris, 22:30 UTC
    grant(monday, 50, local(2026, 3, 9, 0, 30))  # Monday 00:30 Paris, still Sunday in UTC
    grant(monday, 50, local(2026, 3, 1, 23, 59))  # the Sunday before: the week before
    weekly_top_freeze(now=local(2026, 3, 9, 6))
    assert frozen() == [(1, "sunday", 5)]


def test_a_week_across_the_change_to_summer_time():
    # Summer time starts on Sunday 29 March 2026; the next Monday 06:00 is 04:00 UTC.
    late = PersonFactory(username="late")
    grant(late, 5, local(2026, 3, 29, 23, 30))
    assert weekly_top_freeze(now=local(2026, 3, 30, 5, 59)) == 0
    assert weekly_top_freeze(now=local(2026, 3, 30, 6, 0)) == 1
    assert frozen(date(2026, 3, 23)) == [(1, "late", 5)]


def test_a_missed_monday_is_caught_up_on_later():
    (ann,) = [PersonFactory(username="ann")]
    grant(ann, 5, local(2026, 3, 4, 10))
    # The worker was down all week: on the next Monday, before 06:00, the week is frozen still.
    assert weekly_top_freeze(now=local(2026, 3, 16, 2)) == 1
    assert frozen() == [(1, "ann", 5)]


def test_a_week_without_points_freezes_nobody():
    assert weekly_top_freeze(now=local(2026, 3, 9, 7)) == 0
    assert top3_current(local(2026, 3, 9, 8)).rows == []


def test_the_current_top_3_is_the_last_frozen_week(week_points):
    assert top3_current(local(2026, 3, 9, 7)).week_start is None
    weekly_top_freeze(now=local(2026, 3, 9, 7))
    for moment in (local(2026, 3, 9, 7), local(2026, 3, 15, 23), local(2026, 3, 16, 5)):
        top = top3_current(moment)
        assert top.week_start == WEEK, moment
        assert [(r.rank, r.person.username) for r in top.rows] == [
            (1, "ann"),
            (2, "ben"),
            (3, "cat"),
        ]
        # Shown on Monday 9 to Sunday 15 March: the week of 2 March is "last week".
        assert top.last_week == (moment < local(2026, 3, 16)), moment
    # Until next Monday's freeze has run, the previous top 3 stays; two weeks on, it is gone.
    assert top3_current(local(2026, 3, 16, 9)).week_start == WEEK
    assert top3_current(local(2026, 3, 23, 9)).week_start is None
    # A freeze "in the future" of the clock is not shown in the past.
    assert top3_current(local(2026, 3, 9, 5)).week_start is None
    assert len(top3_current(local(2026, 3, 9, 7), limit=2).rows) == 2
    assert top3_current(local(2026, 3, 9, 7), limit=2).more


def test_the_notification_tells_the_rank_and_points(week_points):
    weekly_top_freeze(now=local(2026, 3, 9, 7))
    note = Notification.objects.get(recipient=week_points["cat"])
    with translation.override("en"):
        assert notification_message(note) == (
            "You are number 3 in the top 3 of the week, with 15 points"
        )
    assert notification_url(note) == "/leaderboard/"


def test_the_schedule_runs_the_freeze_hourly():
    from rucher import schedule

    assert schedule.freeze_weekly_top.call_local() is None


# --- the home page ---------------------------------------------------------------------


def _freeze_this_week_of(people_points):
    """Grants points in the week the home page will show today, and freezes it."""
    week = boards.last_freezable_week(timezone.now())
    moment = local(week.year, week.month, week.day, 12) + timedelta(days=2)
    for person, points in people_points:
        grant(person, points, moment)
    weekly_top_freeze()
    return week


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_shows_the_top_3(world, client_for):
    member = world.people["member"]
    client = client_for(member)
    body = client.get("/").content.decode()
    assert "Top 3 of the week" in body
    assert "appears here every Monday" in body
    ann = PersonFactory(username="ann", display_name="Ann Achiever")
    ben = PersonFactory(username="ben", display_name="Ben Builder")
    _freeze_this_week_of([(ann, 30), (ben, 12)])
    body = client.get("/").content.decode()
    top = body[body.index('class="card top3"') :]
    top = top[: top.index("</section>")]
    assert re.search(r"#1</span>.*Ann Achiever</a>.*30 points", top, flags=re.S)
    assert re.search(r"#2</span>.*Ben Builder</a>.*12 points", top, flags=re.S)
    # The week just ended is "last week"; early on Monday, before the freeze, the one before.
    week = boards.last_freezable_week(timezone.now())
    if week == boards.week_start(timezone.now()) - timedelta(days=7):
        assert "Top 3 of last week" in top
    assert 'href="/leaderboard/"' in top


def test_the_home_page_costs_the_same_queries_with_more_people_on_top(world, client_for):
    client = client_for(world.people["member"])
    _freeze_this_week_of([(PersonFactory(), 10), (PersonFactory(), 5)])
    client.get("/")  # warms the caches
    few = _home_queries(client)
    WeeklyTop.objects.all().delete()
    _freeze_this_week_of([(PersonFactory(), 10) for _ in range(12)])
    assert _home_queries(client) == few
