"""Leaderboards (F-LEADERBOARD): week, month and all time, organisation-wide and per community,
ranked densely (ties share a rank, the next rank is one more; a page shows a shared rank once);
and the weekly top 3 — three people, ties broken by who got there first — frozen every Monday
morning in the organisation's time zone.

Where the numbers come from:
- "all", organisation-wide: `PersonScore.total` (index score_ranking), one indexed read;
- a period (from Monday 00:00 or from the 1st, organisation time zone) or a community:
  `PeriodScore`, the per-period totals the points ledger keeps beside each entry
  (rucher.recognition.periods; index period_score_ranking), so a board is one index range
  read whatever the size of the ledger. Withdrawals count in the period they happen in, so a
  closed week never changes.
Only people with more than 0 points are ranked; accounts excluded by an administrator
(`PersonScore.excluded`) and departed (inactive) people never appear.

A leaderboard is people and numbers only, never content: the organisation-wide one counts points
earned everywhere, secret communities included, but names no post or community. A community's
leaderboard is read through the community's access rule by its callers (views and API).

Pages are keyset-paginated on (points desc, person id); the cursor carries the rank of the last
row, so dense ranks stay right across pages without counting again.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial
from typing import Any, Literal

from django.db import transaction
from django.db.models import (
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.core.pagination import BadCursor, decode_cursor, encode_cursor
from rucher.core.prepared import prepared_objects
from rucher.notifications.models import Notification
from rucher.notifications.services import notify
from rucher.recognition.badges import org_timezone
from rucher.recognition.models import PeriodScore, PersonScore, PointsEntry, WeeklyTop
from rucher.recognition.periods import ALL_TIME, ORGANISATION, month_start, week_start

Period = Literal["week", "month", "all"]
PERIODS: tuple[Period, ...] = ("week", "month", "all")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
TOP_RANKS = 3
# The weekly top 3 is frozen once Monday FREEZE_HOUR:00 (organisation time zone) has passed.
FREEZE_HOUR = 6
# The home page shows this many people of a frozen week (weeks frozen before ties were broken
# may hold more).
TOP3_SHOWN = 3
# What a row shows of a person (name, avatar, job): the rest of the user stays unread.
PERSON_FIELDS = ("id", "username", "display_name", "photo", "job_title", "is_active")


@dataclass
class Row:
    rank: int
    person: User
    points: int
    # Shares the rank of the row before it (pages show a shared rank once).
    tied: bool = False


@dataclass
class Board:
    rows: list[Row]
    next_cursor: str | None
    period: Period
    community: Community | None
    start: datetime | None
    until: datetime


@dataclass
class Standing:
    rank: int
    points: int


@dataclass
class FrozenTop:
    week_start: date | None
    rows: list[Row]
    more: bool = False
    # The week shown is the one before the current week ("last week"), not an older one.
    last_week: bool = False


# --- periods in the organisation's time zone ------------------------------------------------


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=org_timezone())


def period_start(period: Period, now: datetime) -> datetime | None:
    """Monday 00:00 or the 1st 00:00 (organisation time zone); None for all time."""
    if period == "week":
        return _local_midnight(week_start(now))
    if period == "month":
        return _local_midnight(month_start(now))
    if period == "all":
        return None
    raise ValueError(f"unknown period {period!r}")


# --- the ranking queries --------------------------------------------------------------------


def _eligible(qs: QuerySet[Any], person_field: str) -> QuerySet[Any]:
    """Leaves out departed people and those excluded from rankings. Both are few, so two small
    NOT IN lists rather than a join with every person."""
    departed = User.objects.filter(is_active=False).values("pk")
    excluded = PersonScore.objects.filter(excluded=True).values("person_id")
    return qs.exclude(**{f"{person_field}_id__in": departed}).exclude(
        **{f"{person_field}_id__in": excluded}
    )


def _period_key(period: Period, now: datetime) -> date:
    """The `PeriodScore.start` of the period holding `now`."""
    if period == "week":
        return week_start(now)
    if period == "month":
        return month_start(now)
    if period == "all":
        return ALL_TIME
    raise ValueError(f"unknown period {period!r}")


def _period_rows(period: Period, start: date, community_id: int | None) -> QuerySet[PeriodScore]:
    """The period's rows with points, eligible people only (index period_score_ranking)."""
    rows = PeriodScore.objects.filter(
        period=period, start=start, community_key=community_id or ORGANISATION, points__gt=0
    )
    return _eligible(rows, "person")


def _scores() -> QuerySet[PersonScore]:
    return PersonScore.objects.filter(total__gt=0, excluded=False, person__is_active=True)


def _after(last_points: int, last_person: int, field: str = "total") -> Q:
    return Q(**{f"{field}__lt": last_points}) | Q(
        **{field: last_points, "person_id__gt": last_person}
    )


def _ranked(
    pairs: list[tuple[int, int]], people: dict[int, User], *, last: tuple[int, int] | None
) -> list[Row]:
    """Dense ranks for (person id, points) pairs in order, continuing from (points, rank)."""
    rows = []
    points_before, rank = last if last is not None else (None, 0)
    for person_id, points in pairs:
        tied = points == points_before
        if not tied:
            rank += 1
            points_before = points
        person = people.get(person_id)
        if person is not None:
            rows.append(Row(rank=rank, person=person, points=points, tied=tied))
    return rows


def _page(
    *,
    period: Period,
    start: date,
    community_id: int | None,
    after: tuple[int, int, int] | None,
    limit: int,
) -> tuple[list[Row], bool]:
    """One page after (points, person id, rank); returns the rows and whether more follow.
    One query for the all-time organisation board, two (totals, then people) otherwise."""
    last = (after[0], after[2]) if after else None
    if period == "all" and community_id is None:
        scores = _scores().select_related("person").order_by("-total", "person_id")
        if after:
            scores = scores.filter(_after(after[0], after[1]))
        found = list(scores[: limit + 1])
        more = len(found) > limit
        found = found[:limit]
        people = {s.person_id: s.person for s in found}
        return _ranked([(s.person_id, s.total) for s in found], people, last=last), more
    totals = _period_rows(period, start, community_id).order_by("-points", "person_id")
    if after:
        totals = totals.filter(_after(after[0], after[1], field="points"))
    pairs = list(totals.values_list("person_id", "points")[: limit + 1])
    more = len(pairs) > limit
    pairs = pairs[:limit]
    people = (
        User.objects.only(*PERSON_FIELDS).in_bulk([pk for pk, _points in pairs]) if pairs else {}
    )
    return _ranked(pairs, people, last=last), more


def _scope(period: Period, community: Community | None, start: datetime | None) -> str:
    # A cursor belongs to one board and one period: last week's cursor is refused this week.
    origin = start.isoformat() if start else "-"
    return f"leaderboard:{period}:{community.pk if community else 0}:{origin}"


def _decode(cursor: str, scope: str) -> tuple[int, int, int]:
    values = decode_cursor(cursor, scope=scope)
    if len(values) != 3 or not all(type(v) is int for v in values) or values[2] < 1:
        raise BadCursor("invalid cursor")
    return values[0], values[1], values[2]


def leaderboard(
    *,
    period: Period,
    community: Community | None = None,
    now: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
) -> Board:
    """One page of a leaderboard: rows (rank, person, points), best first.

    The caller has checked that the viewer may read `community`'s content. Raises BadCursor for
    a cursor altered or made for another board, ValueError for an unknown period.
    """
    if period not in PERIODS:
        raise ValueError(f"unknown period {period!r}")
    now = now or timezone.now()
    limit = max(1, min(limit, MAX_LIMIT))
    start = period_start(period, now)
    scope = _scope(period, community, start)
    after = _decode(cursor, scope) if cursor else None
    rows, more = _page(
        period=period,
        start=_period_key(period, now),
        community_id=community.pk if community else None,
        after=after,
        limit=limit,
    )
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor([last.points, last.person.pk, last.rank], scope=scope)
    return Board(
        rows=rows,
        next_cursor=next_cursor,
        period=period,
        community=community,
        start=start,
        until=now,
    )


def person_rank(
    person: User,
    period: Period = "week",
    *,
    community: Community | None = None,
    now: datetime | None = None,
) -> Standing | None:
    """The person's dense rank and points on a board, None when they are not ranked (no points
    yet, excluded, departed). Two queries: their points, then a COUNT of the distinct higher
    totals."""
    now = now or timezone.now()
    if not person.is_active:
        return None
    if period == "all" and community is None:
        score = PersonScore.objects.filter(person=person.pk).values("total", "excluded").first()
        if score is None or score["excluded"] or score["total"] <= 0:
            return None
        points = score["total"]
        higher = _scores().filter(total__gt=points).values("total").distinct().count()
        return Standing(rank=higher + 1, points=points)
    rows = _period_rows(period, _period_key(period, now), community.pk if community else None)
    mine = rows.filter(person_id=person.pk).values_list("points", flat=True).first()
    if not mine:
        return None
    higher = rows.filter(points__gt=mine).values("points").distinct().count()
    return Standing(rank=higher + 1, points=mine)


@dataclass
class ScoreCard:
    score: int
    excluded: bool
    week: Standing | None


def score_card(person: User, *, now: datetime | None = None) -> ScoreCard:
    """A person's score and rank this week, for their profile: one query (the score with the
    week's points as a subquery), and a second one only when they are ranked this week."""
    now = now or timezone.now()
    week = _period_key("week", now)
    week_points = PeriodScore.objects.filter(
        period="week", start=week, community_key=ORGANISATION, person=OuterRef("person")
    ).values("points")[:1]
    row = (
        PersonScore.objects.filter(person=person.pk)
        .annotate(week=Subquery(week_points))
        .values("total", "excluded", "week")
        .first()
    )
    if row is None:
        return ScoreCard(score=0, excluded=False, week=None)
    mine = row["week"] or 0
    if row["excluded"] or not person.is_active or mine <= 0:
        return ScoreCard(score=row["total"], excluded=row["excluded"], week=None)
    higher = _period_rows("week", week, None).filter(points__gt=mine).values("points").distinct()
    return ScoreCard(
        score=row["total"], excluded=False, week=Standing(rank=higher.count() + 1, points=mine)
    )


# --- the weekly top 3 ------------------------------------------------------------------------


def last_freezable_week(now: datetime) -> date:
    """The Monday of the last week whose freeze time (the next Monday, FREEZE_HOUR:00, local)
    has passed: on Monday 05:59 it is the week before last, at 06:00 the week just ended."""
    monday = week_start(now)
    freeze_at = datetime.combine(monday, time(FREEZE_HOUR), tzinfo=org_timezone())
    return monday - timedelta(days=7 if now >= freeze_at else 14)


def _dense_top(week: date) -> list[Row]:
    """Everyone whose dense rank of the week is 1, 2 or 3, ties included."""
    rows: list[Row] = []
    after: tuple[int, int, int] | None = None
    while True:
        page, more = _page(
            period="week", start=week, community_id=None, after=after, limit=MAX_LIMIT
        )
        for row in page:
            if row.rank > TOP_RANKS:
                return rows
            rows.append(row)
        if not more or not page:
            return rows
        last = page[-1]
        after = (last.points, last.person.pk, last.rank)


def week_top(week: date) -> list[Row]:
    """The top 3 of a week (Monday 00:00 to the next Monday 00:00, local): three people ranked
    1, 2, 3. Among equal totals, who got there first comes first: the one whose last points of
    the week came earliest (then the older account)."""
    candidates = _dense_top(week)
    if not candidates:
        return []
    start = _local_midnight(week)
    reached = dict(
        PointsEntry.objects.filter(
            person_id__in=[row.person.pk for row in candidates],
            created_at__gte=start,
            created_at__lt=_local_midnight(week + timedelta(days=7)),
        )
        .values("person_id")
        .annotate(last=Max("created_at"))
        .values_list("person_id", "last")
    )
    ordered = sorted(
        candidates, key=lambda r: (-r.points, reached.get(r.person.pk, start), r.person.pk)
    )
    return [
        Row(rank=place, person=row.person, points=row.points)
        for place, row in enumerate(ordered[:TOP_RANKS], start=1)
    ]


@transaction.atomic
def weekly_top_freeze(*, now: datetime | None = None) -> int:
    """Freezes the top 3 of the last completed week once Monday FREEZE_HOUR:00 (organisation
    time zone) has passed, and notifies them. Returns how many people were frozen (0 when the
    week is already frozen or nobody earned points).

    Idempotent: a week already frozen is left alone, and the unique (week, person) constraint
    with the notification key "weekly_top:<week>" keeps two concurrent runs from duplicating
    anything (they compute the same rows: a closed week's ledger no longer changes). Run hourly
    by the schedule, which lets this function decide from local time.
    """
    now = now or timezone.now()
    week = last_freezable_week(now)
    if WeeklyTop.objects.filter(week_start=week).exists():
        return 0
    rows = week_top(week)
    WeeklyTop.objects.bulk_create(
        [
            WeeklyTop(week_start=week, person=r.person, rank=r.rank, points=r.points, frozen_at=now)
            for r in rows
        ],
        ignore_conflicts=True,
    )
    for row in rows:
        notify(
            recipient_ids=[row.person.pk],
            kind=Notification.Kind.WEEKLY_TOP,
            key=f"weekly_top:{week.isoformat()}",
            data={"rank": row.rank, "points": row.points, "week_start": week.isoformat()},
        )
    return len(rows)


def _top3_rows(_values: Mapping[str, Any], *, week: date, limit: int) -> QuerySet[WeeklyTop]:
    latest = (
        WeeklyTop.objects.filter(week_start__lte=week, week_start__gte=week - timedelta(days=7))
        .order_by("-week_start")
        .values("week_start")[:1]
    )
    return (
        WeeklyTop.objects.filter(week_start=latest, person__is_active=True)
        .select_related("person")
        .order_by("rank", "person__sort_name", "person_id")[: limit + 1]
    )


def top3_current(now: datetime | None = None, *, limit: int = TOP3_SHOWN) -> FrozenTop:
    """The last frozen week's top 3 (the week just ended — `last_week` — or the one before until
    Monday's freeze has run): one query. Empty when no week was frozen lately."""
    now = now or timezone.now()
    week = last_freezable_week(now)
    # On every home page: compiled once per process and week (rucher.core.prepared).
    found = prepared_objects(
        f"top3_current:{week.isoformat()}:{limit}",
        partial(_top3_rows, week=week, limit=limit),
        {},
    )
    if not found:
        return FrozenTop(week_start=None, rows=[])
    return FrozenTop(
        week_start=found[0].week_start,
        rows=[Row(rank=t.rank, person=t.person, points=t.points) for t in found[:limit]],
        more=len(found) > limit,
        last_week=found[0].week_start == week_start(now) - timedelta(days=7),
    )
