"""Every moderation write: reporting content, hiding and restoring it, dismissing reports.

Each moderation action is checked here (whichever face called it), runs in one transaction and
leaves an AuditEvent naming the actor and the target ("post:<id>" or "comment:<id>").
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.content.access import can_moderate_post, readable_posts
from rucher.content.models import Comment, Post
from rucher.core.audit import audit_record
from rucher.core.errors import NotFound
from rucher.core.text import check_clean_text
from rucher.moderation.models import MAX_REASON_LENGTH, Report
from rucher.qa.models import Question
from rucher.recognition import points


def report_validate_reason(reason: object) -> str:
    """Required, at most MAX_REASON_LENGTH characters, no control characters."""
    if not isinstance(reason, str):
        raise ValidationError({"reason": [_("Must be text.")]})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this content should be looked at.")]})
    try:
        check_clean_text(reason, max_length=MAX_REASON_LENGTH)
    except ValidationError as exc:
        raise ValidationError({"reason": list(exc.messages)}) from exc
    return reason


def _lock_post(post: Post) -> None:
    # Serialises reports and moderation on one post (PostgreSQL; SQLite serialises writers).
    list(Post.objects.select_for_update().filter(pk=post.pk).values_list("pk"))


@transaction.atomic
def report_create(
    *, reporter: User, post: Post, comment: Comment | None = None, reason: str
) -> tuple[Report, bool]:
    """Any reader of the post reports it (or one of its comments) to its moderators.

    Reporting the same thing again while one's report is still open changes nothing: the open
    report is returned with created=False.
    """
    if not readable_posts(reporter).filter(pk=post.pk).exists():
        raise NotFound
    if comment is not None:
        if comment.post_id != post.pk:
            raise NotFound
        if comment.is_hidden and not can_moderate_post(reporter, post):
            raise NotFound
    clean_reason = report_validate_reason(reason)
    _lock_post(post)
    existing = Report.objects.filter(
        reporter=reporter, post=post, comment=comment, status=Report.Status.OPEN
    ).first()
    if existing is not None:
        return existing, False
    report = Report.objects.create(
        reporter=reporter, post=post, comment=comment, reason=clean_reason
    )
    return report, True


def _require_moderator(actor: User, post: Post) -> None:
    if not can_moderate_post(actor, post):
        raise PermissionDenied


def _resolve_reports(*, actor: User, post: Post, comment: Comment | None, status: str) -> list[int]:
    reports = Report.objects.filter(post=post, comment=comment, status=Report.Status.OPEN)
    ids = list(reports.values_list("pk", flat=True))
    if ids:
        Report.objects.filter(pk__in=ids).update(
            status=status, resolved_at=timezone.now(), resolved_by=actor
        )
    return ids


@transaction.atomic
def post_hide(*, actor: User, post: Post, request: HttpRequest | None = None) -> Post:
    """Hides the post from everyone but its moderators and resolves the open reports on it."""
    _require_moderator(actor, post)
    _lock_post(post)
    post.refresh_from_db(fields=["hidden_at", "hidden_by"])
    if post.hidden_at is None:
        post.hidden_at = timezone.now()
        post.hidden_by = actor
        post.save(update_fields=["hidden_at", "hidden_by"])
        points.points_on_post_hidden(post=post)
    resolved = _resolve_reports(actor=actor, post=post, comment=None, status=Report.Status.HIDDEN)
    audit_record(
        action="moderation.hide_post",
        actor=actor,
        target=f"post:{post.pk}",
        data={"reports": resolved},
        request=request,
    )
    return post


@transaction.atomic
def post_restore(*, actor: User, post: Post, request: HttpRequest | None = None) -> Post:
    _require_moderator(actor, post)
    _lock_post(post)
    post.refresh_from_db(fields=["hidden_at", "hidden_by"])
    was_hidden = post.hidden_at is not None
    if was_hidden:
        post.hidden_at = None
        post.hidden_by = None
        post.save(update_fields=["hidden_at", "hidden_by"])
        points.points_on_post_restored(post=post)
    audit_record(
        action="moderation.restore_post",
        actor=actor,
        target=f"post:{post.pk}",
        data={"was_hidden": was_hidden},
        request=request,
    )
    return post


@transaction.atomic
def comment_hide(*, actor: User, comment: Comment, request: HttpRequest | None = None) -> Comment:
    """Hides the comment (and so its replies' context) from readers; resolves its reports."""
    post = comment.post
    _require_moderator(actor, post)
    _lock_post(post)
    comment.refresh_from_db(fields=["hidden_at", "hidden_by"])
    if comment.hidden_at is None:
        comment.hidden_at = timezone.now()
        comment.hidden_by = actor
        comment.save(update_fields=["hidden_at", "hidden_by"])
        points.points_on_comment_hidden(comment=comment)
    resolved = _resolve_reports(
        actor=actor, post=post, comment=comment, status=Report.Status.HIDDEN
    )
    audit_record(
        action="moderation.hide_comment",
        actor=actor,
        target=f"comment:{comment.pk}",
        data={"post": post.pk, "reports": resolved},
        request=request,
    )
    return comment


@transaction.atomic
def comment_restore(
    *, actor: User, comment: Comment, request: HttpRequest | None = None
) -> Comment:
    post = comment.post
    _require_moderator(actor, post)
    _lock_post(post)
    comment.refresh_from_db(fields=["hidden_at", "hidden_by"])
    was_hidden = comment.hidden_at is not None
    if was_hidden:
        comment.hidden_at = None
        comment.hidden_by = None
        comment.save(update_fields=["hidden_at", "hidden_by"])
        accepted_by = (
            Question.objects.filter(post=post.pk, accepted_comment=comment.pk)
            .values_list("accepted_by_id", flat=True)
            .first()
        )
        points.points_on_comment_restored(comment=comment, accepted_by=accepted_by)
    audit_record(
        action="moderation.restore_comment",
        actor=actor,
        target=f"comment:{comment.pk}",
        data={"post": post.pk, "was_hidden": was_hidden},
        request=request,
    )
    return comment


@transaction.atomic
def report_dismiss(*, actor: User, report: Report, request: HttpRequest | None = None) -> Report:
    """The moderator keeps the content as it is. Dismissing a closed report changes nothing."""
    _require_moderator(actor, report.post)
    _lock_post(report.post)
    report.refresh_from_db(fields=["status", "resolved_at", "resolved_by"])
    if report.status != Report.Status.OPEN:
        return report
    report.status = Report.Status.DISMISSED
    report.resolved_at = timezone.now()
    report.resolved_by = actor
    report.save(update_fields=["status", "resolved_at", "resolved_by"])
    target = (
        f"comment:{report.comment_id}"
        if report.comment_id is not None
        else f"post:{report.post_id}"
    )
    audit_record(
        action="moderation.dismiss_report",
        actor=actor,
        target=target,
        data={"report": report.pk, "post": report.post_id},
        request=request,
    )
    return report
