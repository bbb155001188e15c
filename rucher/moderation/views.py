"""Web pages of moderation: report content, the moderators' queue, the audit log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rucher.accounts.models import User
from rucher.communities.access import is_administrator
from rucher.content.access import access_comment, access_post, access_post_for_moderation
from rucher.content.models import Comment, Post
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.life.selectors import service_reports_page
from rucher.moderation import selectors, services
from rucher.moderation.access import access_report
from rucher.moderation.forms import ReportForm

QUEUE_PAGE_SIZE = 20
AUDIT_PAGE_SIZE = 50


def _report_page(request: HttpRequest, post: Post, comment: Comment | None) -> HttpResponse:
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _report, created = services.report_create(
                    reporter=http.viewer(request),
                    post=post,
                    comment=comment,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if created:
                    messages.success(request, _("Thank you: the moderators will look at it."))
                else:
                    messages.info(request, _("You have already reported this; it is in hand."))
                return redirect(f"/posts/{post.pk}/")
        status = 400
    return render(
        request,
        "moderation/report.html",
        {"post": post, "comment": comment, "form": form},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_post(request: HttpRequest, post_id: int) -> HttpResponse:
    return _report_page(request, access_post(http.viewer(request), post_id), None)


@login_required
@require_http_methods(["GET", "POST"])
def report_comment(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = access_comment(http.viewer(request), comment_id)
    return _report_page(request, comment.post, comment)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    if not selectors.is_moderator(viewer):
        raise Http404
    try:
        page = selectors.moderation_queue(
            viewer, cursor=request.GET.get("cursor") or None, limit=QUEUE_PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context = {
        "page": page,
        "hidden_posts": selectors.hidden_posts(viewer),
        "hidden_comments": selectors.hidden_comments(viewer),
        "is_admin": is_administrator(viewer),
        # Services belong to no community: their reports are the administrators'.
        "service_reports": service_reports_page(cursor=None, limit=QUEUE_PAGE_SIZE)
        if viewer.is_administrator
        else None,
    }
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "moderation/queue.html#reports-page", context)
    return render(request, "moderation/queue.html", context)


@login_required
@require_POST
def post_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post_for_moderation(http.viewer(request), post_id)
    services.post_hide(actor=http.viewer(request), post=post, request=request)
    messages.success(request, _("The post is hidden."))
    return http.safe_back(request, "moderation_queue")


@login_required
@require_POST
def post_restore(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post_for_moderation(http.viewer(request), post_id)
    services.post_restore(actor=http.viewer(request), post=post, request=request)
    messages.success(request, _("The post is visible again."))
    return http.safe_back(request, "moderation_queue")


def _comment_for_moderation(viewer: User, comment_id: int) -> Comment:
    comment = access_comment(viewer, comment_id)
    # access_comment already hides hidden comments from non-moderators (404); here a reader
    # who may not moderate is refused outright.
    access_post_for_moderation(viewer, comment.post_id)
    return comment


@login_required
@require_POST
def comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for_moderation(http.viewer(request), comment_id)
    services.comment_hide(actor=http.viewer(request), comment=comment, request=request)
    messages.success(request, _("The comment is hidden."))
    return http.safe_back(request, "moderation_queue")


@login_required
@require_POST
def comment_restore(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_for_moderation(http.viewer(request), comment_id)
    services.comment_restore(actor=http.viewer(request), comment=comment, request=request)
    messages.success(request, _("The comment is visible again."))
    return http.safe_back(request, "moderation_queue")


@login_required
@require_POST
def report_dismiss(request: HttpRequest, report_id: int) -> HttpResponse:
    report = access_report(http.viewer(request), report_id)
    services.report_dismiss(actor=http.viewer(request), report=report, request=request)
    messages.success(request, _("The report is dismissed; the content stays as it is."))
    return http.safe_back(request, "moderation_queue")


@login_required
def audit(request: HttpRequest) -> HttpResponse:
    if not is_administrator(http.viewer(request)):
        raise Http404
    actions = selectors.audit_actions()
    action = request.GET.get("action", "")
    if action not in actions:
        action = ""
    try:
        page = selectors.audit_log(
            action=action or None, cursor=request.GET.get("cursor") or None, limit=AUDIT_PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context = {"page": page, "actions": actions, "action": action}
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "moderation/audit.html#events-page", context)
    return render(request, "moderation/audit.html", context)
