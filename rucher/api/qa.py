"""Questions: lists by status, community and tag, accepting an answer, answer-time reports."""

from datetime import date, datetime, time
from typing import Annotated, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from pydantic import BeforeValidator, StrictInt

from rucher.api.auth import AuthedRequest
from rucher.api.content import AuthorOut, CommunityRefOut, PageFilters
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content import access
from rucher.core.dates import check_date_range
from rucher.qa import selectors, services
from rucher.qa.models import Question

router = Router(tags=["questions"])

StatusIn = Literal["unanswered", "answered", "accepted"]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


class QuestionFilters(PageFilters):
    status: Annotated[StatusIn | None, BeforeValidator(_blank_is_none)] = None
    community: CleanStr | None = Field(default=None, max_length=community_access.MAX_SLUG_LENGTH)
    tag: CleanStr | None = Field(default=None, max_length=100)


class QuestionOut(Schema):
    id: int
    title: str
    body: str
    tags: list[str]
    author: AuthorOut | None
    communities: list[CommunityRefOut] = Field(
        description="Only the communities the caller may read."
    )
    status: StatusIn
    created_at: datetime
    promise_hours: int | None = Field(description="Working hours; null without a promise.")
    due_at: datetime | None
    first_answer_at: datetime | None
    accepted_comment: int | None
    answer_count: int = Field(description="Comments on the question, replies included.")
    url: str


class QuestionPageOut(Schema):
    items: list[QuestionOut]
    next: str | None


class AcceptIn(InputSchema):
    comment_id: StrictInt = Field(ge=1)


class AcceptOut(Schema):
    id: int
    accepted_comment: int | None
    accepted_by: str | None
    accepted_at: datetime | None


class OverdueOut(Schema):
    id: int
    title: str
    due_at: datetime
    url: str


class ReportFilters(QuerySchema):
    community: CleanStr | None = Field(default=None, max_length=community_access.MAX_SLUG_LENGTH)
    since: datetime | date | None = Field(
        default=None, description="Asked at or after (a date is midnight, local time)."
    )
    until: datetime | date | None = Field(
        default=None, description="Asked before (a date is midnight, local time)."
    )


class ReportOut(Schema):
    questions: int
    answered: int
    answered_within_promise: int
    share_within_promise: float | None = Field(
        description="Of the questions with a promise that are answered or past due (0–1)."
    )
    median_hours_to_first_answer: float | None = Field(description="In working hours.")
    overdue: list[OverdueOut] = Field(description="Unanswered past their due time, oldest first.")


def _status(question: Question) -> StatusIn:
    if question.accepted_comment_id is not None:
        return "accepted"
    return "answered" if question.first_answer_at is not None else "unanswered"


def _question_out(question: Question) -> QuestionOut:
    post = question.post
    return QuestionOut(
        id=post.pk,
        title=post.title,
        body=post.body,
        tags=[t.slug for t in post.tags.all()],
        author=AuthorOut(username=post.author.username, display_name=post.author.display_name)
        if post.author
        else None,
        communities=[
            CommunityRefOut(slug=c.slug, name=c.name)
            for c in post.visible_communities  # type: ignore[attr-defined]
        ],
        status=_status(question),
        created_at=question.asked_at,
        promise_hours=question.promise_hours,
        due_at=question.due_at,
        first_answer_at=question.first_answer_at,
        accepted_comment=question.accepted_comment_id,
        answer_count=post.comment_count,
        url=reverse("post", args=[post.pk]),
    )


def _community(request: AuthedRequest, slug: str | None) -> Community | None:
    if not slug:
        return None
    return community_access.access_community_content(request.auth, slug)


def _moment(value: datetime | date | None) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


@router.get("/questions", response={200: QuestionPageOut, ERRORS: ErrorOut})
def questions_list(request: AuthedRequest, filters: Query[QuestionFilters]) -> QuestionPageOut:
    """Newest first; only questions the caller may read. `tag` is normalised (Python = python)."""
    page = selectors.questions_page(
        request.auth,
        status=filters.status or "",
        community=_community(request, filters.community),
        tag=filters.tag or "",
        cursor=filters.cursor,
        limit=filters.limit,
    )
    return QuestionPageOut(items=[_question_out(q) for q in page.items], next=page.next_cursor)


@router.post("/posts/{post_id}/accept", response={200: AcceptOut, ERRORS: ErrorOut})
def posts_accept(request: AuthedRequest, post_id: IdPath, payload: AcceptIn) -> AcceptOut:
    """The asker or a manager of one of its communities accepts an answer (or another one)."""
    post = access.access_post(request.auth, post_id)
    question = services.answer_accept(actor=request.auth, post=post, comment_id=payload.comment_id)
    return AcceptOut(
        id=post.pk,
        accepted_comment=question.accepted_comment_id,
        accepted_by=question.accepted_by.username if question.accepted_by else None,
        accepted_at=question.accepted_at,
    )


@router.get("/reports/answer-times", response={200: ReportOut, ERRORS: ErrorOut})
def reports_answer_times(request: AuthedRequest, filters: Query[ReportFilters]) -> ReportOut:
    since, until = _moment(filters.since), _moment(filters.until)
    check_date_range(since=since, until=until)
    report = selectors.answer_time_report(
        request.auth,
        community=_community(request, filters.community),
        since=since,
        until=until,
    )
    totals = report.totals
    return ReportOut(
        questions=totals.questions,
        answered=totals.answered,
        answered_within_promise=totals.answered_within_promise,
        share_within_promise=totals.share_within_promise,
        median_hours_to_first_answer=totals.median_hours_to_first_answer,
        overdue=[
            OverdueOut(
                id=q.post_id,
                title=q.post.title or q.post.body[:80],
                due_at=q.due_at,  # type: ignore[arg-type]
                url=reverse("post", args=[q.post_id]),
            )
            for q in report.overdue
        ],
    )
