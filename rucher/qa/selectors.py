"""Reads about questions: lists by status, community and tag, a question's state on its page,
"questions I can answer", and the answer-time report (F-SLA).

Statuses: `unanswered` (no answer by anyone but the asker), `answered` (at least one answer,
accepted or not), `accepted` (an accepted answer). Report definitions, all over the questions
the viewer may read that were asked in [since, until):
- answered_within_promise: first answer at or before the due time;
- share_within_promise: answered_within_promise / questions with a promise that are either
  answered or already past their due time (a question still within its delay is not judged yet);
- median_hours_to_first_answer: in working hours (the unit promises are made in).
"""

import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db.models import (
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone

from rucher.accounts.models import DeclaredSkill, User
from rucher.communities.models import Community
from rucher.content import access as content_access
from rucher.content.models import PostCommunity, Tag
from rucher.content.selectors import attach_visible_communities
from rucher.core.pagination import Page, keyset_page
from rucher.core.prepared import prepared_values
from rucher.core.text import normalise_tag
from rucher.qa.calendar import organisation_calendar, working_hours_between
from rucher.qa.models import Question
from rucher.recognition.selectors import top_skills_of

STATUSES = ("unanswered", "answered", "accepted")
MAX_OVERDUE = 50
CAN_ANSWER_LIMIT = 5


def readable_questions(viewer: User) -> QuerySet[Question]:
    # A correlated EXISTS, not `post__in=`: SQLite evaluates `IN (subquery)` by scanning every
    # readable post first (a full scan of content_post), while EXISTS is checked per question
    # row and lets the question indexes drive the query (3-4× faster at the small bench size).
    readable = content_access.readable_posts(viewer).filter(pk=OuterRef("post"))
    return Question.objects.filter(Exists(readable))


def _readable_questions_in(scope: content_access.ViewerScope) -> QuerySet[Question]:
    """`readable_questions` for an active viewer whose scope is known (queries compiled once)."""
    readable = content_access.readable_posts_in(scope).filter(pk=OuterRef("post"))
    return Question.objects.filter(Exists(readable))


def _filtered(
    viewer: User, *, status: str = "", community: Community | None = None, tag: str = ""
) -> QuerySet[Question]:
    qs = readable_questions(viewer)
    if status == "unanswered":
        qs = qs.filter(first_answer_at__isnull=True)
    elif status == "answered":
        qs = qs.filter(first_answer_at__isnull=False)
    elif status == "accepted":
        qs = qs.filter(accepted_comment__isnull=False)
    if community is not None:
        qs = qs.filter(
            Exists(PostCommunity.objects.filter(post=OuterRef("post"), community=community))
        )
    slug = normalise_tag(tag)
    if slug:
        qs = qs.filter(Exists(Tag.objects.filter(slug=slug, posts=OuterRef("post"))))
    return qs


def _decorate(viewer: User, questions: list[Question]) -> list[Question]:
    """Tags and the communities the viewer may read, on each question's post (two queries)."""
    posts = [q.post for q in questions]
    if posts:
        prefetch_related_objects(posts, Prefetch("tags", queryset=Tag.objects.order_by("slug")))
    attach_visible_communities(viewer, posts)
    return questions


def questions_page(
    viewer: User,
    *,
    status: str = "",
    community: Community | None = None,
    tag: str = "",
    cursor: str | None = None,
    limit: int = 20,
) -> Page[Question]:
    """Newest first; only readable questions. Three queries a page, whatever its size."""
    qs = _filtered(viewer, status=status, community=community, tag=tag).select_related(
        "post", "post__author"
    )
    scope = f"questions:{status}:{community.pk if community else ''}:{normalise_tag(tag)}"
    page = keyset_page(qs, keys=("-asked_at", "-post_id"), cursor=cursor, limit=limit, scope=scope)
    return Page(items=_decorate(viewer, page.items), next_cursor=page.next_cursor)


def question_state(post_id: int) -> Question | None:
    """The question's row for its page (the post was loaded by access_post)."""
    return Question.objects.filter(post=post_id).first()


def _skill_tags(person_id: int) -> Q:
    """Tags in the person's declared skills (their first 50) or best 20 earned ones, as a
    condition on Tag with two subqueries (one query for the whole block, not three)."""
    declared = DeclaredSkill.objects.filter(person=person_id).values("slug")[:50]
    earned = top_skills_of(person_id, 20).values("tag_id")
    return Q(slug__in=declared) | Q(pk__in=earned)


@dataclass
class CanAnswer:
    """A question of "questions I can answer": what the home page's block shows."""

    post_id: int
    due_at: datetime | None
    title: str
    body: str


def _can_answer_rows(
    values: Mapping[str, Any], *, administrator: bool, limit: int
) -> QuerySet[Question, Any]:
    scope = content_access.scope_in_values(values, administrator=administrator)
    return (
        _readable_questions_in(scope)
        .filter(first_answer_at__isnull=True)
        .exclude(post__author=values["person"])
        .filter(Exists(Tag.objects.filter(_skill_tags(values["person"]), posts=OuterRef("post"))))
        .order_by(F("due_at").asc(nulls_last=True), "-asked_at", "-post_id")
        .values("post_id", "due_at", "post__title", "post__body")[:limit]
    )


def questions_i_can_answer(viewer: User, *, limit: int = CAN_ANSWER_LIMIT) -> list[CanAnswer]:
    """Unanswered readable questions in the viewer's declared (their first 50) and best 20
    earned skills, most urgent first (those with a due time first), never the viewer's own.
    One query on every home page: compiled once per shape of scope (rucher.core.prepared),
    its rows plain values."""
    if not (viewer.is_authenticated and viewer.is_active):
        return []  # reads no question (readable_posts)
    scope = content_access.viewer_scope(viewer)
    values: dict[str, int | tuple[int, ...]] = {"person": viewer.pk}
    if not scope.administrator:  # administrators read every post: no list in the query
        values |= {"member": scope.member, "moderated": scope.moderated, "removed": scope.removed}
    rows = prepared_values(
        f"qa:can_answer:{int(scope.administrator)}:{limit}",
        partial(_can_answer_rows, administrator=scope.administrator, limit=limit),
        values,
    )
    return [
        CanAnswer(
            post_id=row["post_id"],
            due_at=row["due_at"],
            title=row["post__title"],
            body=row["post__body"],
        )
        for row in rows
    ]


# --- report -------------------------------------------------------------------------------------


@dataclass
class AnswerTimes:
    questions: int = 0
    answered: int = 0
    answered_within_promise: int = 0
    judged: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def share_within_promise(self) -> float | None:
        if not self.judged:
            return None
        return round(self.answered_within_promise / self.judged, 4)

    @property
    def median_hours_to_first_answer(self) -> float | None:
        if not self.hours:
            return None
        return round(statistics.median(self.hours), 2)


@dataclass
class Bar:
    label: str
    times: AnswerTimes
    x: int = 0
    y: int = 0
    width: int = 0
    height: int = 0


@dataclass
class AnswerTimeReport:
    totals: AnswerTimes
    bars: list[Bar]
    overdue: list[Question]
    by: str  # "community" or "week"


CHART_HEIGHT = 160
CHART_BAR_WIDTH = 40
CHART_GAP = 16
MAX_BARS = 26


def _count(
    times: AnswerTimes,
    *,
    asked_at: datetime,
    due_at: datetime | None,
    first_answer_at: datetime | None,
    now: datetime,
    hours: float | None,
) -> None:
    times.questions += 1
    if first_answer_at is not None:
        times.answered += 1
        if hours is not None:
            times.hours.append(hours)
    if due_at is not None and (first_answer_at is not None or due_at <= now):
        times.judged += 1
        if first_answer_at is not None and first_answer_at <= due_at:
            times.answered_within_promise += 1


def answer_time_report(
    viewer: User,
    *,
    community: Community | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    now: datetime | None = None,
) -> AnswerTimeReport:
    """Totals, bars (per community overall, per week for one community) and overdue questions.

    `community` comes from access_community_content. Only readable questions count.
    """
    now = now or timezone.now()
    calendar = organisation_calendar()
    qs = _filtered(viewer, community=community)
    if since is not None:
        qs = qs.filter(asked_at__gte=since)
    if until is not None:
        qs = qs.filter(asked_at__lt=until)
    rows = list(qs.values_list("post_id", "asked_at", "due_at", "first_answer_at"))
    totals = AnswerTimes()
    groups: dict[Any, AnswerTimes] = {}
    labels: dict[Any, str] = {}
    per_question: dict[int, tuple[datetime, datetime | None, datetime | None, float | None]] = {}
    for post_id, asked_at, due_at, first_answer_at in rows:
        hours = (
            working_hours_between(asked_at, first_answer_at, calendar)
            if first_answer_at is not None
            else None
        )
        per_question[post_id] = (asked_at, due_at, first_answer_at, hours)
        _count(
            totals,
            asked_at=asked_at,
            due_at=due_at,
            first_answer_at=first_answer_at,
            now=now,
            hours=hours,
        )
    by = "week" if community is not None else "community"
    if community is not None:
        for asked_at, due_at, first_answer_at, hours in per_question.values():
            local = timezone.localtime(asked_at, calendar.tz).date()
            monday = local - timedelta(days=local.weekday())
            labels[monday] = monday.isoformat()
            times = groups.setdefault(monday, AnswerTimes())
            _count(
                times,
                asked_at=asked_at,
                due_at=due_at,
                first_answer_at=first_answer_at,
                now=now,
                hours=hours,
            )
        keys = sorted(groups)[-MAX_BARS:]
    else:
        placements = (
            PostCommunity.objects.filter(
                post__in=list(per_question),
            )
            .filter(content_access.readable_community_q(viewer, "community"))
            .values_list("post_id", "community_id", "community__name")
        )
        for post_id, community_id, name in placements.iterator():
            labels[community_id] = name
            asked_at, due_at, first_answer_at, hours = per_question[post_id]
            _count(
                groups.setdefault(community_id, AnswerTimes()),
                asked_at=asked_at,
                due_at=due_at,
                first_answer_at=first_answer_at,
                now=now,
                hours=hours,
            )
        keys = sorted(groups, key=lambda k: (-groups[k].questions, labels[k]))[:MAX_BARS]
    bars = []
    for index, key in enumerate(keys):
        times = groups[key]
        share = times.share_within_promise or 0.0
        height = round(share * CHART_HEIGHT)
        bars.append(
            Bar(
                label=labels[key],
                times=times,
                x=index * (CHART_BAR_WIDTH + CHART_GAP) + CHART_GAP,
                y=CHART_HEIGHT - height,
                width=CHART_BAR_WIDTH,
                height=height,
            )
        )
    overdue = list(
        qs.filter(first_answer_at__isnull=True, due_at__lt=now)
        .select_related("post", "post__author")
        .order_by("due_at", "post_id")[:MAX_OVERDUE]
    )
    return AnswerTimeReport(totals=totals, bars=bars, overdue=overdue, by=by)
