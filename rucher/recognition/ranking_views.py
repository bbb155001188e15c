"""Web pages of the leaderboards (F-LEADERBOARD): the organisation's at /leaderboard/ (with a
filter on the communities the viewer may read) and each community's at /c/<slug>/leaderboard/.
People and numbers only: no post, and no community the viewer may not read, is ever named."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest as DjangoHttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content.access import readable_communities
from rucher.core import http
from rucher.core.pagination import BadCursor
from rucher.recognition import leaderboard as boards

PAGE_SIZE = 20
# The community filter lists at most this many communities (alphabetically); any readable
# community still works through ?community=<slug>.
MAX_COMMUNITY_CHOICES = 300
PERIOD_LABELS = {
    "week": gettext_lazy("This week"),
    "month": gettext_lazy("This month"),
    "all": gettext_lazy("All time"),
}


class HttpRequest(DjangoHttpRequest):
    """A request after django-htmx's middleware (for typing)."""

    htmx: HtmxDetails


def _period(request: HttpRequest) -> boards.Period:
    value = request.GET.get("period", "week")
    for period in boards.PERIODS:
        if value == period:
            return period
    return "week"


def _render(
    request: HttpRequest, community: Community | None, *, in_community: bool
) -> HttpResponse:
    viewer = http.viewer(request)
    period = _period(request)
    cursor = request.GET.get("cursor") or None
    try:
        board = boards.leaderboard(
            period=period, community=community, limit=PAGE_SIZE, cursor=cursor
        )
    except BadCursor:
        return HttpResponse(_("This page link is no longer valid."), status=400)
    context: dict[str, object] = {
        "board": board,
        "period": period,
        "community": community,
        "in_community": in_community,
        "viewer_id": viewer.pk,
    }
    if request.htmx and cursor:
        return render(request, "recognition/leaderboard.html#leaderboard-page", context)
    context["periods"] = list(PERIOD_LABELS.items())
    context["mine"] = boards.person_rank(viewer, period, community=community)
    if in_community:
        assert community is not None
        context["c"] = community
        context["can_manage"] = community_access.can_manage(viewer, community)
    else:
        context["choices"] = list(
            readable_communities(viewer)
            .order_by("sort_name", "id")
            .values("slug", "name")[:MAX_COMMUNITY_CHOICES]
        )
    return render(request, "recognition/leaderboard.html", context)


@login_required
@require_GET
def leaderboard(request: HttpRequest) -> HttpResponse:
    community = None
    slug = request.GET.get("community", "")[: community_access.MAX_SLUG_LENGTH + 1]
    if slug:
        # Same rule as the community's own tab: 404 unless the viewer may read its content.
        community = community_access.access_community_content(http.viewer(request), slug)
    return _render(request, community, in_community=False)


@login_required
@require_GET
def community_leaderboard(request: HttpRequest, slug: str) -> HttpResponse:
    community = community_access.access_community_content(http.viewer(request), slug)
    return _render(request, community, in_community=True)
