"""Web pages of watch feeds: a person's watch page (/watch/) and a community's feeds
(/c/<slug>/feeds/, managers)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rucher.communities import access as community_access
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.feeds import selectors, services, tasks
from rucher.feeds.access import access_feed
from rucher.feeds.forms import FeedForm


@login_required
@require_http_methods(["GET", "POST"])
def watch(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    form = FeedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feed = services.feed_subscribe_personal(person=viewer, url=form.cleaned_data["url"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                tasks.feed_poll_soon(feed.pk)
                messages.success(request, _("Feed added: its items will appear here shortly."))
                return redirect("watch")
        status = 400
    try:
        page = selectors.watch_page(viewer, cursor=request.GET.get("cursor") or None)
    except BadCursor:
        return http.bad_cursor()
    return render(
        request,
        "feeds/watch.html",
        {
            "items": page.items,
            "next_cursor": page.next_cursor,
            "feeds": list(selectors.feeds_of_person(viewer)),
            "form": form,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_feeds(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    community = community_access.access_community(viewer, slug, for_manage=True)
    form = FeedForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feed = services.feed_subscribe_community(
                    actor=viewer, community=community, url=form.cleaned_data["url"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                tasks.feed_poll_soon(feed.pk)
                messages.success(
                    request, _("Feed added: its items will appear in the stream shortly.")
                )
                return redirect("community_feeds", slug=community.slug)
        status = 400
    return render(
        request,
        "feeds/community_feeds.html",
        {
            "c": community,
            "can_manage": True,
            "feeds": list(selectors.feeds_of_community(community)),
            "form": form,
        },
        status=status,
    )


def _back(feed_community_slug: str | None) -> HttpResponse:
    if feed_community_slug:
        return redirect("community_feeds", slug=feed_community_slug)
    return redirect("watch")


@login_required
@require_POST
def feed_poll(request: HttpRequest, feed_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    feed = access_feed(viewer, feed_id)
    services.feed_resume(actor=viewer, feed=feed)
    tasks.feed_poll_soon(feed.pk)
    messages.success(request, _("The feed will be read again in a moment."))
    return _back(feed.community.slug if feed.community else None)


@login_required
@require_POST
def feed_delete(request: HttpRequest, feed_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    feed = access_feed(viewer, feed_id)
    slug = feed.community.slug if feed.community else None
    services.feed_delete(actor=viewer, feed=feed)
    messages.success(request, _("The feed has been removed."))
    return _back(slug)
