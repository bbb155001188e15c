"""Moderation: report content; moderators' queue; hide, restore, dismiss (API.md, F-MODERATION).

Outsiders get 404 (the content is not theirs to see); readers who may not moderate get 403.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Field, Query, Router, Schema, Status
from pydantic import StrictStr

from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.content.access import access_comment, access_post, access_post_for_moderation
from rucher.content.models import Comment, Post
from rucher.moderation import selectors, services
from rucher.moderation.access import access_report
from rucher.moderation.models import Report

router = Router(tags=["moderation"])


class ReportIn(InputSchema):
    # Length and emptiness are checked by the service, so the answer names `reason` either way.
    reason: StrictStr = Field(description="Why the moderators should look (1–1000 characters).")


class ReportCreatedOut(Schema):
    id: int
    status: str


class PostRefOut(Schema):
    id: int
    title: str
    excerpt: str
    author: str | None
    hidden: bool


class CommentRefOut(Schema):
    id: int
    excerpt: str
    author: str | None
    hidden: bool


class ReportOut(Schema):
    id: int
    status: str
    reason: str
    created_at: datetime
    reporter: str | None = Field(description="The reporter's username.")
    post: PostRefOut
    comment: CommentRefOut | None
    communities: list[str] = Field(description="Slugs of the post's communities the caller reads.")


class ReportPageOut(Schema):
    items: list[ReportOut]
    next: str | None


class QueueFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class PostModerationOut(Schema):
    id: int
    hidden: bool
    hidden_at: datetime | None


class CommentModerationOut(Schema):
    id: int
    post: int
    hidden: bool
    hidden_at: datetime | None


def _post_ref(post: Post) -> PostRefOut:
    return PostRefOut(
        id=post.pk,
        title=post.title,
        excerpt=post.body[:200],
        author=post.author.username if post.author else None,
        hidden=post.is_hidden,
    )


def _comment_ref(comment: Comment | None) -> CommentRefOut | None:
    if comment is None:
        return None
    return CommentRefOut(
        id=comment.pk,
        excerpt=comment.body[:200],
        author=comment.author.username if comment.author else None,
        hidden=comment.is_hidden,
    )


def _report_out(report: Report) -> ReportOut:
    return ReportOut(
        id=report.pk,
        status=report.status,
        reason=report.reason,
        created_at=report.created_at,
        reporter=report.reporter.username if report.reporter else None,
        post=_post_ref(report.post),
        comment=_comment_ref(report.comment),
        communities=[pc.community.slug for pc in report.post.placements.all()],
    )


def _post_out(post: Post) -> PostModerationOut:
    return PostModerationOut(id=post.pk, hidden=post.is_hidden, hidden_at=post.hidden_at)


def _comment_out(comment: Comment) -> CommentModerationOut:
    return CommentModerationOut(
        id=comment.pk, post=comment.post_id, hidden=comment.is_hidden, hidden_at=comment.hidden_at
    )


@router.post(
    "/posts/{post_id}/report",
    response={200: ReportCreatedOut, 201: ReportCreatedOut, ERRORS: ErrorOut},
    summary="Report a post to its moderators",
)
def post_report(
    request: AuthedRequest, post_id: IdPath, payload: ReportIn
) -> Status[ReportCreatedOut]:
    """201 for a new report; 200 with the same report when one's report is still open."""
    post = access_post(request.auth, post_id)
    report, created = services.report_create(
        reporter=request.auth, post=post, reason=payload.reason
    )
    return Status(201 if created else 200, ReportCreatedOut(id=report.pk, status=report.status))


@router.post(
    "/comments/{comment_id}/report",
    response={200: ReportCreatedOut, 201: ReportCreatedOut, ERRORS: ErrorOut},
    summary="Report a comment to the moderators",
)
def comment_report(
    request: AuthedRequest, comment_id: IdPath, payload: ReportIn
) -> Status[ReportCreatedOut]:
    comment = access_comment(request.auth, comment_id)
    report, created = services.report_create(
        reporter=request.auth, post=comment.post, comment=comment, reason=payload.reason
    )
    return Status(201 if created else 200, ReportCreatedOut(id=report.pk, status=report.status))


@router.get(
    "/moderation/reports",
    response={200: ReportPageOut, ERRORS: ErrorOut},
    summary="Open reports in the communities the caller moderates (all for administrators)",
)
def moderation_reports(request: AuthedRequest, filters: Query[QueueFilters]) -> ReportPageOut:
    if not selectors.is_moderator(request.auth):
        raise PermissionDenied
    page = selectors.moderation_queue(request.auth, cursor=filters.cursor, limit=filters.limit)
    return ReportPageOut(items=[_report_out(r) for r in page.items], next=page.next_cursor)


@router.post("/posts/{post_id}/hide", response={200: PostModerationOut, ERRORS: ErrorOut})
def post_hide(request: AuthedRequest, post_id: IdPath) -> PostModerationOut:
    post = access_post_for_moderation(request.auth, post_id)
    return _post_out(services.post_hide(actor=request.auth, post=post, request=request))


@router.post("/posts/{post_id}/restore", response={200: PostModerationOut, ERRORS: ErrorOut})
def post_restore(request: AuthedRequest, post_id: IdPath) -> PostModerationOut:
    post = access_post_for_moderation(request.auth, post_id)
    return _post_out(services.post_restore(actor=request.auth, post=post, request=request))


def _comment_for_moderation(request: AuthedRequest, comment_id: int) -> Comment:
    comment = access_comment(request.auth, comment_id)
    access_post_for_moderation(request.auth, comment.post_id)
    return comment


@router.post("/comments/{comment_id}/hide", response={200: CommentModerationOut, ERRORS: ErrorOut})
def comment_hide(request: AuthedRequest, comment_id: IdPath) -> CommentModerationOut:
    comment = _comment_for_moderation(request, comment_id)
    return _comment_out(services.comment_hide(actor=request.auth, comment=comment, request=request))


@router.post(
    "/comments/{comment_id}/restore", response={200: CommentModerationOut, ERRORS: ErrorOut}
)
def comment_restore(request: AuthedRequest, comment_id: IdPath) -> CommentModerationOut:
    comment = _comment_for_moderation(request, comment_id)
    return _comment_out(
        services.comment_restore(actor=request.auth, comment=comment, request=request)
    )


@router.post("/reports/{report_id}/dismiss", response={200: ReportCreatedOut, ERRORS: ErrorOut})
def report_dismiss(request: AuthedRequest, report_id: IdPath) -> ReportCreatedOut:
    report = access_report(request.auth, report_id)
    report = services.report_dismiss(actor=request.auth, report=report, request=request)
    return ReportCreatedOut(id=report.pk, status=report.status)
