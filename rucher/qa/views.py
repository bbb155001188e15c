"""Web pages for questions: lists by status, community and tag, accepting an answer, reports."""

from datetime import date, datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content import access
from rucher.core import http
from rucher.core.dates import check_date_range
from rucher.core.pagination import BadCursor
from rucher.qa import selectors, services
from rucher.qa.selectors import CHART_BAR_WIDTH, CHART_GAP, CHART_HEIGHT, STATUSES

PAGE_SIZE = 20


def _list(request: HttpRequest, community: Community | None) -> HttpResponse:
    viewer = http.viewer(request)
    status = request.GET.get("status", "")
    if status not in STATUSES:
        status = ""
    tag = request.GET.get("tag", "")[:100]
    if community is None and request.GET.get("community"):
        community = community_access.access_community_content(
            viewer, request.GET["community"][:100]
        )
    try:
        page = selectors.questions_page(
            viewer,
            status=status,
            community=community,
            tag=tag,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except BadCursor:
        return HttpResponse(_("This page link is no longer valid."), status=400)
    context = {
        "page": page,
        "status": status,
        "tag": tag,
        "community": community,
        "statuses": [
            ("", _("All")),
            ("unanswered", _("Unanswered")),
            ("answered", _("Answered")),
            ("accepted", _("Accepted")),
        ],
    }
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "qa/questions.html#questions-page", context)
    return render(request, "qa/questions.html", context)


@login_required
@require_GET
def questions(request: HttpRequest) -> HttpResponse:
    return _list(request, None)


@login_required
@require_GET
def community_questions(request: HttpRequest, slug: str) -> HttpResponse:
    return _list(
        request,
        community_access.access_community_tab(http.viewer(request), slug, Community.Tab.QUESTIONS),
    )


@login_required
@require_POST
def accept(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post(viewer, post_id)
    raw = request.POST.get("comment_id", "")
    try:
        services.answer_accept(actor=viewer, post=post, comment_id=int(raw) if raw.isdigit() else 0)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("post", post_id=post.pk)
    messages.success(request, _("The answer is accepted."))
    return redirect(f"/posts/{post.pk}/#comment-{raw}")


def _date(value: str) -> datetime | None:
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))


def _report(request: HttpRequest, community: Community | None) -> HttpResponse:
    since_text = request.GET.get("since", "")[:10]
    until_text = request.GET.get("until", "")[:10]
    since, until = _date(since_text), _date(until_text)
    context: dict[str, object] = {
        "community": community,
        "since": since_text if since else "",
        "until": until_text if until else "",
    }
    try:
        check_date_range(since=since, until=until)
    except ValidationError as exc:
        # The form again, with what is wrong, and no figures for dates that cannot be.
        context["date_errors"] = exc.messages
        return render(request, "qa/report.html", context, status=400)
    report = selectors.answer_time_report(
        http.viewer(request), community=community, since=since, until=until
    )
    width = max(1, len(report.bars)) * (CHART_BAR_WIDTH + CHART_GAP) + CHART_GAP
    context["report"] = report
    context["chart"] = {"width": width, "height": CHART_HEIGHT, "label_y": CHART_HEIGHT + 16}
    return render(request, "qa/report.html", context)


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    return _report(request, None)


@login_required
@require_GET
def community_report(request: HttpRequest, slug: str) -> HttpResponse:
    return _report(request, community_access.access_community_content(http.viewer(request), slug))
