"""Web pages of recognition: the expertise finder, a community's first contributions, a
person's points ledger and the form to thank a colleague."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_htmx.middleware import HtmxDetails

from rucher.accounts.access import access_person
from rucher.accounts.models import User
from rucher.actions import kudos as kudos_actions
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.content.access import member_communities
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.core.text import normalise_tag
from rucher.recognition import kudos as kudos_services
from rucher.recognition import points, selectors
from rucher.recognition.forms import KudosForm

EXPERTS_PAGE_SIZE = 24
FIRST_POSTS_PAGE_SIZE = 20
POINTS_PAGE_SIZE = 30
MAX_TAG_PARAM = 100


class HttpRequest(DjangoHttpRequest):
    """A request after django-htmx's middleware (for typing)."""

    htmx: HtmxDetails


@login_required
def experts(request: HttpRequest) -> HttpResponse:
    """Who knows about X: people and numbers only, never content."""
    tag = request.GET.get("tag", "")[:MAX_TAG_PARAM].strip()
    slug = normalise_tag(tag) if "\x00" not in tag else ""
    context: dict[str, object] = {"tag": tag, "slug": slug, "page": None}
    if slug:
        try:
            context["page"] = selectors.experts_page(
                http.viewer(request),
                tag=slug,
                cursor=request.GET.get("cursor") or None,
                limit=EXPERTS_PAGE_SIZE,
            )
        except BadCursor:
            return http.bad_cursor()
        if request.htmx and request.GET.get("cursor"):
            return render(request, "recognition/experts.html#experts-page", context)
    return render(request, "recognition/experts.html", context)


def can_welcome(viewer: User, community: Community) -> bool:
    """Ambassadors, owners and managers of the community (and administrators); the
    organisation's ambassadors everywhere they read (they stand in for communities nobody
    leads: rucher.notifications.fallback)."""
    return (
        viewer.is_ambassador
        or community_access.can_manage(viewer, community)
        or (
            community_access.is_member(viewer, community)
            and getattr(community, "my_role", None) == Membership.Role.AMBASSADOR
        )
    )


@login_required
def first_contributions(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_access.access_community_content(viewer, slug)
    if not can_welcome(viewer, community):
        raise PermissionDenied
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.first_posts_page(
            viewer, community, cursor=cursor, limit=FIRST_POSTS_PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context = {
        "c": community,
        "page": page,
        "can_manage": community_access.can_manage(viewer, community),
    }
    if request.htmx and cursor:
        return render(request, "recognition/first_contributions.html#first-page", context)
    return render(request, "recognition/first_contributions.html", context)


# --- points and thanks -----------------------------------------------------------------------


@login_required
def points_ledger(request: HttpRequest, username: str) -> HttpResponse:
    """A person's points ledger ("my points" for oneself): any colleague may look, and sees a
    link to an object only when they may read it."""
    viewer = http.viewer(request)
    person = access_person(viewer, username)
    cursor = request.GET.get("cursor") or None
    try:
        page = points.points_ledger_page(viewer, person, cursor=cursor, limit=POINTS_PAGE_SIZE)
    except BadCursor:
        return http.bad_cursor()
    context = {"person": person, "page": page, "is_me": person.pk == viewer.pk}
    if request.htmx and cursor:
        return render(request, "recognition/points.html#points-page", context)
    context["total"] = points.points_total(person.pk)
    return render(request, "recognition/points.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def kudos_new(request: HttpRequest, username: str | None = None) -> HttpResponse:
    """Thank a colleague (from a community page, ?community=<slug>, or from their profile)."""
    viewer = http.viewer(request)
    receiver = access_person(viewer, username) if username is not None else None
    communities = list(member_communities(viewer).order_by("sort_name", "id"))
    values = list(kudos_services.active_values())
    initial = {
        "to": receiver.username if receiver else request.GET.get("to", "")[:150],
        "community": request.GET.get("community", "")[:60],
    }
    form = KudosForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        communities=communities,
        values=values,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                community = community_access.access_community(viewer, data["community"])
            except Http404:
                form.add_error("community", _("Unknown community."))
            else:
                try:
                    kudos = kudos_actions.kudos_give(
                        giver=viewer,
                        community=community,
                        to=data["to"],
                        value=int(data["value"]) if data.get("value") else None,
                        message=data["message"],
                    )
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(
                        request,
                        _("Your thanks to %(person)s is published.")
                        % {"person": kudos.receiver.display_name},
                    )
                    return redirect("post", kudos.post_id)
        status = 400
    context = {"form": form, "receiver": receiver, "has_communities": bool(communities)}
    return render(request, "recognition/kudos_form.html", context, status=status)
