"""Web pages of recognition: the expertise finder and a community's first contributions."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest as DjangoHttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.core.pagination import BadCursor
from rucher.core.text import normalise_tag
from rucher.recognition import selectors

EXPERTS_PAGE_SIZE = 24
FIRST_POSTS_PAGE_SIZE = 20
MAX_TAG_PARAM = 100


class HttpRequest(DjangoHttpRequest):
    """A request after django-htmx's middleware (for typing)."""

    htmx: HtmxDetails


def _viewer(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _bad_cursor() -> HttpResponse:
    return HttpResponse(_("This page link is no longer valid."), status=400)


@login_required
def experts(request: HttpRequest) -> HttpResponse:
    """Who knows about X: people and numbers only, never content."""
    tag = request.GET.get("tag", "")[:MAX_TAG_PARAM].strip()
    slug = normalise_tag(tag) if "\x00" not in tag else ""
    context: dict[str, object] = {"tag": tag, "slug": slug, "page": None}
    if slug:
        try:
            context["page"] = selectors.experts_page(
                tag=slug, cursor=request.GET.get("cursor") or None, limit=EXPERTS_PAGE_SIZE
            )
        except BadCursor:
            return _bad_cursor()
        if request.htmx and request.GET.get("cursor"):
            return render(request, "recognition/experts.html#experts-page", context)
    return render(request, "recognition/experts.html", context)


def can_welcome(viewer: User, community: Community) -> bool:
    """Ambassadors, owners and managers of the community (and administrators)."""
    return community_access.can_manage(viewer, community) or (
        community_access.is_member(viewer, community)
        and getattr(community, "my_role", None) == Membership.Role.AMBASSADOR
    )


@login_required
def first_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = _viewer(request)
    community = community_access.access_community_content(viewer, slug)
    if not can_welcome(viewer, community):
        raise PermissionDenied
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.first_posts_page(
            viewer, community, cursor=cursor, limit=FIRST_POSTS_PAGE_SIZE
        )
    except BadCursor:
        return _bad_cursor()
    context = {
        "c": community,
        "page": page,
        "can_manage": community_access.can_manage(viewer, community),
    }
    if request.htmx and cursor:
        return render(request, "recognition/first_contributions.html#first-page", context)
    return render(request, "recognition/first_contributions.html", context)
