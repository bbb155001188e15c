"""F-LEADERBOARD: week, month and all-time boards, organisation-wide and per community, with dense
ranks, excluded and departed accounts left out, periods cut in the organisation's time zone."""

import pytest
from django.utils import timezone

from rucher.core.factories import PersonFactory
from rucher.core.pagination import BadCursor
from rucher.recognition import leaderboard as boards
from rucher.recognition.leaderboard import leaderboard, person_rank
from tests.recognition.ranking_helpers import exclude, grant, local

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, noon in Paris.
NOW = local(2026, 3, 11, 12)
THIS_WEEK = local(2026, 3, 10, 9)


def table(board):
    return [(r.rank, r.person.username, r.points) for r in board.rows]


def people(*names):
    return [PersonFactory(username=name, display_name=name.capitalize()) for name in names]


def test_ties_share_a_rank_and_the_next_rank_is_one_more():
    ann, ben, cat, dan, eve, fay = people("ann", "ben", "cat", "dan", "eve", "fay")
    for person, points in ((ann, 10), (ben, 10), (cat, 9), (dan, 8), (eve, 8), (fay, 7)):
        grant(person, points, THIS_WEEK)
    expected = [
        (1, "ann", 10),
        (1, "ben", 10),
        (2, "cat", 9),
        (3, "dan", 8),
        (3, "eve", 8),
        (4, "fay", 7),
    ]
    for period in ("week", "month", "all"):
        assert table(leaderboard(period=period, now=NOW)) == expected, period
    assert person_rank(eve, "week", now=NOW) == boards.Standing(rank=3, points=8)
    assert person_rank(eve, "all", now=NOW) == boards.Standing(rank=3, points=8)


@pytest.mark.parametrize("period", ["week", "all"])
def test_dense_ranks_stay_right_across_pages(period):
    names = [f"p{i:02d}" for i in range(9)]
    everyone = people(*names)
    points = [10, 10, 10, 9, 9, 8, 8, 8, 1]
    for person, value in zip(everyone, points, strict=True):
        grant(person, value, THIS_WEEK)
    rows, cursor, pages = [], None, 0
    while True:
        board = leaderboard(period=period, now=NOW, limit=2, cursor=cursor)
        rows += table(board)
        pages += 1
        cursor = board.next_cursor
        if cursor is None:
            break
    assert pages == 5
    assert [r[0] for r in rows] == [1, 1, 1, 2, 2, 3, 3, 3, 4]
    assert [r[1] for r in rows] == names


def test_a_cursor_of_another_board_or_altered_is_refused():
    for person in people("ann", "ben", "cat"):
        grant(person, 5, THIS_WEEK)
    cursor = leaderboard(period="week", now=NOW, limit=1).next_cursor
    assert cursor
    with pytest.raises(BadCursor):
        leaderboard(period="month", now=NOW, limit=1, cursor=cursor)
    with pytest.raises(BadCursor):
        leaderboard(period="week", now=NOW, limit=1, cursor=cursor[:-2] + "xx")
    # Next week, last week's cursor no longer applies.
    with pytest.raises(BadCursor):
        leaderboard(period="week", now=local(2026, 3, 17, 9), limit=1, cursor=cursor)


def test_excluded_and_departed_people_are_never_ranked():
    ann, bot, gone, ben = people("ann", "bot", "gone", "ben")
    grant(ann, 5, THIS_WEEK)
    grant(bot, 50, THIS_WEEK)
    grant(gone, 40, THIS_WEEK)
    grant(ben, 5, THIS_WEEK)
    exclude(bot)
    gone.is_active = False
    gone.save()
    for period in ("week", "month", "all"):
        assert table(leaderboard(period=period, now=NOW)) == [(1, "ann", 5), (1, "ben", 5)]
        assert person_rank(bot, period, now=NOW) is None
        assert person_rank(gone, period, now=NOW) is None
        assert person_rank(ann, period, now=NOW) == boards.Standing(rank=1, points=5)


def test_only_people_with_points_are_ranked():
    ann, ben, cat = people("ann", "ben", "cat")
    grant(ann, 5, THIS_WEEK)
    grant(ben, 5, THIS_WEEK)
    grant(ben, -5, THIS_WEEK)  # withdrawn
    grant(cat, 3, local(2026, 2, 10, 9))
    grant(cat, -3, THIS_WEEK)  # a withdrawal this week of last month's points
    for period in ("week", "month", "all"):
        assert table(leaderboard(period=period, now=NOW)) == [(1, "ann", 5)]
    assert person_rank(ben, "week", now=NOW) is None
    assert person_rank(cat, "week", now=NOW) is None


def test_the_week_starts_on_monday_midnight_in_paris():
    late, early = people("late", "early")
    grant(late, 7, local(2026, 3, 8, 23, 30))  # Sunday 23:30 Paris: 22:30 UTC, last week
    grant(early, 3, local(2026, 3, 9, 0, 30))  # Monday 00:30 Paris: 23:30 UTC on Sunday
    monday = local(2026, 3, 9, 10)
    assert table(leaderboard(period="week", now=monday)) == [(1, "early", 3)]
    assert table(leaderboard(period="month", now=monday)) == [(1, "late", 7), (2, "early", 3)]
    assert boards.period_start("week", monday) == local(2026, 3, 9)
    # Seen on Sunday night, Sunday's points are this week's.
    assert table(leaderboard(period="week", now=local(2026, 3, 8, 23, 45))) == [(1, "late", 7)]


def test_the_month_starts_on_the_first_at_midnight_in_paris():
    feb, mar = people("feb", "mar")
    grant(feb, 7, local(2026, 2, 28, 23, 30))
    grant(mar, 3, local(2026, 3, 1, 0, 30))
    assert table(leaderboard(period="month", now=NOW)) == [(1, "mar", 3)]
    assert table(leaderboard(period="all", now=NOW)) == [(1, "feb", 7), (2, "mar", 3)]


def test_a_board_is_the_period_holding_now():
    # Boards read the per-period totals (PeriodScore): the week and the month that hold `now`.
    # The ledger never holds entries dated after now, so "up to now" is the whole period.
    (ann,) = people("ann")
    grant(ann, 4, local(2026, 3, 16, 9))  # next Monday: another week, the same month
    assert table(leaderboard(period="week", now=NOW)) == []
    assert person_rank(ann, "week", now=NOW) is None
    assert table(leaderboard(period="month", now=NOW)) == [(1, "ann", 4)]
    assert table(leaderboard(period="week", now=local(2026, 3, 16, 10))) == [(1, "ann", 4)]


def test_a_community_board_counts_only_points_earned_there(world):
    club, other = world.communities["open"], world.communities["private"]
    ann, ben = people("ann", "ben")
    grant(ann, 5, THIS_WEEK, community=club)
    grant(ann, 50, THIS_WEEK, community=other)
    grant(ben, 8, THIS_WEEK, community=club)
    grant(ben, 2, local(2026, 1, 5, 9), community=club)
    assert table(leaderboard(period="week", community=club, now=NOW)) == [
        (1, "ben", 8),
        (2, "ann", 5),
    ]
    assert table(leaderboard(period="all", community=club, now=NOW)) == [
        (1, "ben", 10),
        (2, "ann", 5),
    ]
    assert person_rank(ann, "all", community=club, now=NOW) == boards.Standing(2, 5)
    assert table(leaderboard(period="all", now=NOW)) == [(1, "ann", 55), (2, "ben", 10)]


def test_an_unknown_period_is_refused():
    with pytest.raises(ValueError):
        leaderboard(period="year", now=NOW)  # type: ignore[arg-type]
    (ann,) = people("ann")
    grant(ann, 5, THIS_WEEK)
    with pytest.raises(ValueError):
        person_rank(ann, "year", now=NOW)  # type: ignore[arg-type]


def test_the_limit_is_bounded():
    for person in people(*[f"p{i}" for i in range(3)]):
        grant(person, 1, timezone.now())
    assert len(leaderboard(period="week", limit=0).rows) == 1
    assert len(leaderboard(period="week", limit=10_000).rows) == 3
