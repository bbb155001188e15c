"""Web pages of notifications: the inbox, mark one or all read (htmx or plain forms)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest as DjangoHttpRequest
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from rucher.core import http
from rucher.core.pagination import BadCursor
from rucher.notifications import selectors, services
from rucher.notifications.messages import notification_message, notification_url

MAX_ID = 2**63 - 1


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


def _context(request: HttpRequest) -> dict[str, object]:
    unread = request.GET.get("unread") == "1"
    page = selectors.inbox_page(
        http.viewer(request), unread=unread, cursor=request.GET.get("cursor") or None
    )
    items = [
        {
            "n": n,
            "message": notification_message(n, gender=http.viewer(request).grammatical_gender),
            "url": notification_url(n),
        }
        for n in page.items
    ]
    return {"page": page, "items": items, "unread": unread}


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        context = _context(request)
    except BadCursor:
        return HttpResponse(_("This page link is no longer valid."), status=400)
    if request.htmx and request.GET.get("cursor"):
        return render(request, "notifications/inbox.html#notifications-page", context)
    return render(request, "notifications/inbox.html", context)


@login_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    if 0 < notification_id <= MAX_ID:
        services.notifications_mark_read(person_id=http.viewer(request).pk, ids=[notification_id])
    if request.htmx:
        return HttpResponse(format_html('<span class="muted small">{}</span>', _("Read")))
    return redirect("notifications")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(person_id=http.viewer(request).pk, all_=True)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect("notifications")
