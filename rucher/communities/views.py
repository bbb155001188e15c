"""Web pages about communities: browse, create, a community, its members, managing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from rucher.accounts.access import access_person
from rucher.accounts.decorators import login_or_token_required
from rucher.accounts.lookup import people_named
from rucher.accounts.models import User
from rucher.actions import communities as community_actions
from rucher.actions import memberships
from rucher.communities import access, selectors, services
from rucher.communities.forms import CommunityCreateForm, CommunityForm, CoverForm, MemberAddForm
from rucher.communities.models import Community, Membership
from rucher.content import feed as content_feed
from rucher.content import selectors as content_selectors
from rucher.content.models import Post
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.markdown import render_markdown
from rucher.core.pagination import BadCursor
from rucher.mail.posting import posting_address_for

BROWSE_PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50
STREAM_PAGE_SIZE = 20


class HttpRequest(DjangoHttpRequest):
    """A request after django-htmx's middleware (for typing)."""

    htmx: HtmxDetails


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind not in Community.Kind.values:
        kind = ""
    mine = request.GET.get("mine") == "1"
    cursor = request.GET.get("cursor") or None
    viewer = http.viewer(request)
    try:
        page = selectors.communities_visible_to(
            viewer, kind=kind or None, mine=mine, cursor=cursor, limit=BROWSE_PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    # Suggestions top the unfiltered first page only.
    suggestions = [] if (kind or mine or cursor) else selectors.colleague_communities(viewer)
    content_selectors.attach_recent_post_counts(
        [*page.items, *(suggestion.community for suggestion in suggestions)]
    )
    params = {"kind": kind, "mine": "1" if mine else ""}
    context = {
        "page": page,
        "params": params,
        "kinds": Community.Kind.choices,
        "suggestions": suggestions,
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, "communities/browse.html#communities-page", context)
    return render(request, "communities/browse.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    form = CommunityCreateForm(
        request.POST or None,
        initial={"kind": Community.Kind.THEMATIC, "visibility": Community.Visibility.OPEN},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                community = community_actions.community_create(
                    creator=http.viewer(request), **form.changes()
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Your community has been created."))
                return redirect("community", slug=community.slug)
        status = 400
    return render(request, "communities/create.html", {"form": form}, status=status)


@login_required
def community(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = access.access_community(viewer, slug)
    page = selectors.community_for_page(viewer, found)
    context: dict[str, object] = {"c": found, "page": page}
    if page.can_read:
        kind = request.GET.get("kind", "")
        if kind not in Post.Kind.values:
            kind = ""
        cursor = request.GET.get("cursor") or None
        # Unread must-reads stay on top until acknowledged, and only there.
        unread = content_feed.unread_must_read_ids(viewer, community=found)
        try:
            stream = content_selectors.community_stream(
                viewer,
                found,
                kind=kind or None,
                cursor=cursor,
                limit=STREAM_PAGE_SIZE,
                without_pinned=True,
                exclude=unread,
            )
        except BadCursor:
            return http.bad_cursor()
        context |= {
            "stream": stream,
            "kind": kind,
            "kinds": Post.Kind.choices,
            "can_post": access.is_member(viewer, found),
        }
        if context["can_post"] and not cursor:
            context["posting_address"] = posting_address_for(person=viewer, community=found)
        if request.htmx and cursor:
            return render(request, "communities/community.html#stream-page", context)
        if not cursor:
            context["pinned"] = content_selectors.community_pinned(viewer, found, exclude=unread)
            context["must_read"] = content_feed.posts_for_cards(viewer, unread)
    context |= {
        "description_html": render_markdown(found.description),
        "objectives_html": render_markdown(found.objectives),
        "rules_html": render_markdown(found.rules),
    }
    return render(request, "communities/community.html", context)


@login_required
@require_POST
def join(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = access.access_community(viewer, slug)
    # The directory's inline button swaps its card (its target is the card); the community
    # page's button follows the redirect and takes its new membership box from the page.
    card = bool(request.htmx) and (request.htmx.target or "").endswith(f"-{found.slug}")
    try:
        membership = memberships.community_join(person=viewer, community=found)
    except ValidationError as exc:
        said = " ".join(exc.messages)
        if card:
            return _directory_card(request, viewer, slug, said)
        messages.error(request, said)
        return redirect("community", slug=found.slug)
    if membership.status == membership.Status.REQUESTED:
        said = _("Your request has been sent to the community's managers.")
        if not card:
            messages.info(request, said)
    else:
        said = _("Welcome to %(name)s!") % {"name": found.name}
        if not card:
            messages.success(request, said)
    if card:
        return _directory_card(request, viewer, slug, said)
    return redirect("community", slug=found.slug)


def _directory_card(request: HttpRequest, viewer: User, slug: str, said: str) -> HttpResponse:
    """The directory's card of the community in its new state (the inline "Join" button)."""
    card = access.access_community(viewer, slug)
    content_selectors.attach_recent_post_counts([card])
    context = {
        "c": card,
        "joined_message": said,
        "id_prefix": "suggested-card" if request.POST.get("card") == "suggested-card" else "",
    }
    return render(request, "communities/_card.html", context)


@login_required
@require_POST
def leave(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.access_community(http.viewer(request), slug)
    try:
        left = services.community_leave(person=http.viewer(request), community=found)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("community", slug=found.slug)
    if left:
        messages.success(request, _("You have left %(name)s.") % {"name": found.name})
    if found.visibility == Community.Visibility.SECRET and not access.is_administrator(
        http.viewer(request)
    ):
        return redirect("communities")
    return redirect("community", slug=found.slug)


@login_required
def members(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.access_community_tab(http.viewer(request), slug, Community.Tab.MEMBERS)
    try:
        page = selectors.members_page(
            found, cursor=request.GET.get("cursor") or None, limit=MEMBERS_PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context = {
        "c": found,
        "page": page,
        "can_manage": access.can_manage(http.viewer(request), found),
        "can_set_owner": access.can_set_owner(http.viewer(request), found),
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, "communities/members.html#members-page", context)
    return render(request, "communities/members.html", context)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, username: str) -> HttpResponse:
    """A manager removes a member (moderation); see services.membership_remove."""
    found = access.access_community_content(http.viewer(request), slug)
    if not access.can_manage(http.viewer(request), found):
        raise PermissionDenied
    person = access_person(http.viewer(request), username)
    try:
        memberships.membership_remove(actor=http.viewer(request), community=found, person=person)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("%(person)s was removed from %(name)s.")
            % {"person": person.display_name, "name": found.name},
        )
    return redirect("community_members", slug=found.slug)


def _manage_page(
    request: HttpRequest,
    found: Community,
    *,
    form: CommunityForm | None = None,
    add_form: MemberAddForm | None = None,
    cover_form: CoverForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = CommunityForm(
            initial={
                field: getattr(found, field)
                for field in (
                    "name",
                    "description",
                    "kind",
                    "visibility",
                    "objectives",
                    "rules",
                    "answer_promise_hours",
                )
            }
        )
    context = {
        "c": found,
        "form": form,
        "add_form": add_form or MemberAddForm(),
        "cover_form": cover_form or CoverForm(),
        "requests": selectors.pending_requests(found),
    }
    return render(request, "communities/manage.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.access_community(http.viewer(request), slug, for_manage=True)
    if request.method == "GET":
        return _manage_page(request, found)
    form = CommunityForm(request.POST)
    if form.is_valid():
        try:
            community_actions.community_edit(
                actor=http.viewer(request), community=found, changes=form.changes()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The community has been saved."))
            return redirect("community_manage", slug=found.slug)
    return _manage_page(request, found, form=form, status=400)


@login_required
@require_POST
def cover_change(request: HttpRequest, slug: str) -> HttpResponse:
    """Managers upload (or remove) the community's cover."""
    viewer = http.viewer(request)
    found = access.access_community(viewer, slug, for_manage=True)
    if request.POST.get("action") == "remove":
        services.community_cover_remove(actor=viewer, community=found)
        messages.success(request, _("The cover has been removed."))
        return redirect("community_manage", slug=found.slug)
    cover_form = CoverForm(request.POST, request.FILES)
    if cover_form.is_valid():
        try:
            services.community_cover_set(
                actor=viewer, community=found, upload=cover_form.cleaned_data["cover"]
            )
        except ValidationError as exc:
            add_service_errors(cover_form, exc)
        else:
            messages.success(request, _("The cover has been saved."))
            return redirect("community_manage", slug=found.slug)
    return _manage_page(request, found, cover_form=cover_form, status=400)


@login_or_token_required
def cover(request: HttpRequest, slug: str) -> FileResponse:
    """The cover, for whoever may see the community's card (never from a public URL)."""
    return http.private_image(access.access_community(http.viewer(request), slug).cover)


@login_required
@require_POST
def member_add(request: HttpRequest, slug: str) -> HttpResponse:
    found = access.access_community(http.viewer(request), slug, for_manage=True)
    add_form = MemberAddForm(request.POST)
    if add_form.is_valid():
        # A username or a unique display name (the picker's plain-field fallback).
        named = people_named(add_form.cleaned_data["username"].strip().lstrip("@"))
        try:
            if len(named) != 1:
                raise Http404
            person = access_person(http.viewer(request), named[0].username)
        except Http404:
            add_form.add_error(
                "username",
                _("Several colleagues have this name: pick one from the suggestions.")
                if len(named) > 1
                else _("Unknown person."),
            )
        else:
            try:
                memberships.membership_set_role(
                    actor=http.viewer(request),
                    community=found,
                    person=person,
                    role=add_form.cleaned_data["role"],
                    invite=add_form.cleaned_data["invite"],
                )
            except ValidationError as exc:
                add_service_errors(add_form, exc)
            else:
                messages.success(
                    request,
                    _("%(person)s is now %(role)s.")
                    % {
                        "person": person.display_name,
                        "role": dict(Membership.Role.choices)[add_form.cleaned_data["role"]],
                    },
                )
                return redirect("community_manage", slug=found.slug)
    return _manage_page(request, found, add_form=add_form, status=400)


@login_required
@require_POST
def request_decide(request: HttpRequest, slug: str, username: str, decision: str) -> HttpResponse:
    found = access.access_community(http.viewer(request), slug, for_manage=True)
    if decision not in ("approve", "reject"):
        raise Http404
    person = access_person(http.viewer(request), username)
    if decision == "approve":
        memberships.request_approve(actor=http.viewer(request), community=found, person=person)
        messages.success(request, _("%(person)s is now a member.") % {"person": person})
    else:
        memberships.request_reject(actor=http.viewer(request), community=found, person=person)
        messages.info(request, _("The request of %(person)s was declined.") % {"person": person})
    return redirect("community_manage", slug=found.slug)
