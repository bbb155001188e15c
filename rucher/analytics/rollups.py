"""The nightly rollup: one local day's figures per community (and for the whole network),
rebuilt from the source tables. Idempotent: a day's rows are deleted and written again in one
transaction, so any past day can be rebuilt at any time, as often as wanted.

What counts (documented in docs/analytics.md):
- posts, comments and likes made that day and not hidden by moderation; a cross-post counts in
  each of its communities, and once in the network row;
- answers: top-level comments on a question by someone other than the asker (content's rule);
- questions asked that day, and of them those answered so far, those asked under a promise and
  those answered within it, with the hours to the first answer (the nightly job rebuilds the
  last REFRESH_DAYS days, so late answers are counted);
- members: memberships (status member) existing at the end of the day; new members: those
  created that day; active members: members with an activity fact that day.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from rucher.accounts.models import User
from rucher.analytics.facts import day_bounds, local_day
from rucher.analytics.models import ActivityDay, CommunityDay, ContributionDay
from rucher.communities.models import Community, Membership
from rucher.content.models import Comment, CommentLike, Post, PostCommunity, PostKind, PostLike
from rucher.qa.calendar import working_hours_between
from rucher.qa.models import Question

# Late answers change the question columns of past days: the nightly job rebuilds this many.
REFRESH_DAYS = 14
COUNTS = ("posts", "comments", "likes", "questions", "answers")


@dataclass
class _Figures:
    posts: int = 0
    comments: int = 0
    likes: int = 0
    questions: int = 0
    answers: int = 0
    answered: int = 0
    promised: int = 0
    answered_within_promise: int = 0
    answer_hours: list[float] = field(default_factory=list)
    new_members: int = 0
    members: int = 0
    active_members: int = 0


def _answer_q(prefix: str = "") -> Q:
    """content.models.is_answer as a condition on comments (`prefix` leads to the comment)."""
    p = prefix
    return Q(
        **{
            f"{p}post__kind": PostKind.QUESTION,
            f"{p}parent__isnull": True,
            f"{p}author__isnull": False,
        }
    ) & (Q(**{f"{p}post__author__isnull": True}) | ~Q(**{f"{p}author": F(f"{p}post__author")}))


def _question_figures(
    figures: _Figures, asked_at: datetime, first_answer_at: datetime | None, due_at: datetime | None
) -> None:
    figures.questions += 1
    if due_at is not None:
        figures.promised += 1
    if first_answer_at is None:
        return
    figures.answered += 1
    # Working hours, like the promise itself (rucher.qa.calendar).
    figures.answer_hours.append(round(working_hours_between(asked_at, first_answer_at), 2))
    if due_at is not None and first_answer_at <= due_at:
        figures.answered_within_promise += 1


@transaction.atomic
def rollup_day(*, day: date) -> int:
    """Rebuilds the day's rows; returns the number of community rows written (network excluded)."""
    start, end = day_bounds(day)
    row: Any  # the rows of several values() queries below
    window = {"created_at__gte": start, "created_at__lt": end}
    per_community: dict[int, _Figures] = defaultdict(_Figures)
    network = _Figures()
    contributions: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(COUNTS, 0)
    )

    placements = PostCommunity.objects.filter(post__hidden_at__isnull=True, **window)
    for row in placements.values("community_id", "post__author_id").annotate(
        n=Count("id"), q=Count("id", filter=Q(post__kind=PostKind.QUESTION))
    ):
        figures = per_community[row["community_id"]]
        figures.posts += row["n"]
        if row["post__author_id"] is not None:
            counts = contributions[(row["post__author_id"], row["community_id"])]
            counts["posts"] += row["n"]
            counts["questions"] += row["q"]
    network.posts = (
        Post.objects.filter(hidden_at__isnull=True, placements__isnull=False, **window)
        .distinct()
        .count()
    )

    comments = Comment.objects.filter(
        hidden_at__isnull=True, post__hidden_at__isnull=True, **window
    )
    for row in comments.values("post__placements__community_id", "author_id").annotate(
        n=Count("id"), a=Count("id", filter=_answer_q())
    ):
        community_id = row["post__placements__community_id"]
        if community_id is None:
            continue
        figures = per_community[community_id]
        figures.comments += row["n"]
        figures.answers += row["a"]
        if row["author_id"] is not None:
            counts = contributions[(row["author_id"], community_id)]
            counts["comments"] += row["n"]
            counts["answers"] += row["a"]
    totals = comments.aggregate(n=Count("id"), a=Count("id", filter=_answer_q()))
    network.comments, network.answers = totals["n"], totals["a"]

    post_likes = PostLike.objects.filter(post__hidden_at__isnull=True, **window)
    comment_likes = CommentLike.objects.filter(
        comment__hidden_at__isnull=True, comment__post__hidden_at__isnull=True, **window
    )
    for queryset, path in (
        (post_likes, "post__placements__community_id"),
        (comment_likes, "comment__post__placements__community_id"),
    ):
        for row in queryset.values(path, "person_id").annotate(n=Count("id")):
            if row[path] is None:
                continue
            per_community[row[path]].likes += row["n"]
            contributions[(row["person_id"], row[path])]["likes"] += row["n"]
    network.likes = post_likes.count() + comment_likes.count()

    questions = Question.objects.filter(
        asked_at__gte=start, asked_at__lt=end, post__hidden_at__isnull=True
    )
    for row in questions.values(
        "post_id", "post__placements__community_id", "asked_at", "first_answer_at", "due_at"
    ):
        if row["post__placements__community_id"] is not None:
            _question_figures(
                per_community[row["post__placements__community_id"]],
                row["asked_at"],
                row["first_answer_at"],
                row["due_at"],
            )
    for row in questions.values("asked_at", "first_answer_at", "due_at"):
        _question_figures(network, row["asked_at"], row["first_answer_at"], row["due_at"])

    # Contributing is being active, whether on the web, through the API or by email.
    ActivityDay.objects.bulk_create(
        [ActivityDay.of(pid, day) for pid in sorted({p for p, _ in contributions})],
        ignore_conflicts=True,
    )

    members = Membership.objects.filter(status=Membership.Status.MEMBER, created_at__lt=end)
    for row in members.values("community_id").annotate(
        n=Count("id"), new=Count("id", filter=Q(created_at__gte=start))
    ):
        per_community[row["community_id"]].members = row["n"]
        per_community[row["community_id"]].new_members = row["new"]
    for row in (
        members.filter(person__activity_days__day=day)
        .values("community_id")
        .annotate(n=Count("id"))
    ):
        per_community[row["community_id"]].active_members = row["n"]
    people = User.objects.filter(is_active=True, date_joined__lt=end)
    network.members = people.count()
    network.new_members = people.filter(date_joined__gte=start).count()
    network.active_members = ActivityDay.objects.filter(day=day).count()

    # Every community that existed that day gets a row (a quiet day is a figure too).
    existing = set(Community.objects.filter(created_at__lt=end).values_list("pk", flat=True))
    existing |= set(per_community)
    now = timezone.now()
    CommunityDay.objects.filter(day=day).delete()
    ContributionDay.objects.filter(day=day).delete()
    CommunityDay.objects.bulk_create(
        [_row(None, day, network, now)]
        + [_row(cid, day, per_community[cid], now) for cid in sorted(existing)],
        batch_size=500,
    )
    _insert_contributions(day, contributions)
    return len(existing)


def _insert_contributions(day: date, contributions: dict[tuple[int, int], dict[str, int]]) -> None:
    """A plain executemany: a busy day has tens of thousands of (person, community) pairs, and
    building a model instance for each cost seconds (measured: 12,000 rows, 3 s of 3.2)."""
    if not contributions:
        return
    table = connection.ops.quote_name(ContributionDay._meta.db_table)
    columns = ["person_id", "community_id", "day", *COUNTS]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    rows: list[tuple[int | date, ...]] = [
        (pid, cid, day, *(counts[name] for name in COUNTS))
        for (pid, cid), counts in sorted(contributions.items())
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608


def _row(community_id: int | None, day: date, f: _Figures, now: datetime) -> CommunityDay:
    return CommunityDay(
        community_id=community_id,
        day=day,
        posts=f.posts,
        comments=f.comments,
        likes=f.likes,
        questions=f.questions,
        answers=f.answers,
        answered=f.answered,
        promised=f.promised,
        answered_within_promise=f.answered_within_promise,
        answer_hours=f.answer_hours,
        new_members=f.new_members,
        members=f.members,
        active_members=f.active_members,
        built_at=now,
    )


def days_between(since: date, until: date) -> Iterable[date]:
    day = since
    while day <= until:
        yield day
        day += timedelta(days=1)


def rollup_days_due(*, today: date | None = None) -> list[date]:
    """The days the nightly job (re)builds: yesterday, once, and the REFRESH_DAYS before it
    (late answers). Empty when yesterday's network row already exists (the job runs hourly;
    one indexed read per hour once the night's work is done)."""
    today = today or local_day()
    yesterday = today - timedelta(days=1)
    if CommunityDay.objects.filter(community__isnull=True, day=yesterday).exists():
        return []
    return list(days_between(yesterday - timedelta(days=REFRESH_DAYS), yesterday))
