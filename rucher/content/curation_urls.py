"""Web URLs (and their thin views) of curation and read receipts: pin, feature, bookmark,
"I have read it", and the bookmarks page. Include at the root: path("", include(...))."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest as DjangoHttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from rucher.content import curation, feed
from rucher.content.access import access_post
from rucher.content.models import Post
from rucher.core import http
from rucher.core.pagination import BadCursor

MAX_SLUG_LENGTH = 60


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


def _back(request: HttpRequest, post: Post) -> HttpResponse:
    return http.safe_back(request, f"/posts/{post.pk}/")


def _actions(request: HttpRequest, post: Post) -> HttpResponse:
    context = {"post": post, "curation": feed.post_curation_state(http.viewer(request), post)}
    return render(request, "content/_curation_actions.html", context)


CURATE = {
    "pin": curation.post_pin,
    "unpin": curation.post_unpin,
    "feature": curation.post_feature,
    "unfeature": curation.post_unfeature,
}


@login_required
@require_POST
def curate(request: HttpRequest, post_id: int) -> HttpResponse:
    """Managers pin/unpin, feature/unfeature in one community (`community`) or all theirs."""
    post = access_post(http.viewer(request), post_id)
    action = CURATE.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponse(_("Unknown action."), status=400)
    slug = request.POST.get("community", "")[:MAX_SLUG_LENGTH] or None
    action(actor=http.viewer(request), post=post, community_slug=slug)
    return _actions(request, post) if request.htmx else _back(request, post)


@login_required
@require_POST
def bookmark(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post(http.viewer(request), post_id)
    if request.POST.get("action") == "unbookmark":
        curation.bookmark_delete(person=http.viewer(request), post=post)
    else:
        curation.bookmark_create(person=http.viewer(request), post=post)
    return _actions(request, post) if request.htmx else _back(request, post)


@login_required
@require_POST
def mark_read(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access_post(http.viewer(request), post_id)
    curation.post_mark_read(person=http.viewer(request), post=post)
    if request.htmx:
        context = {"post": post, "curation": feed.post_curation_state(http.viewer(request), post)}
        return render(request, "content/_read_receipt.html", context)
    return _back(request, post)


@login_required
@require_GET
def bookmarks(request: HttpRequest) -> HttpResponse:
    try:
        page = feed.bookmarks_for_person(
            http.viewer(request), cursor=request.GET.get("cursor") or None
        )
    except BadCursor:
        return HttpResponse(_("This page link is no longer valid."), status=400)
    context = {"page": page, "posts": [b.post for b in page.items]}
    if request.htmx and request.GET.get("cursor"):
        return render(request, "content/bookmarks.html#bookmarks-page", context)
    return render(request, "content/bookmarks.html", context)


urlpatterns: list[URLPattern | URLResolver] = [
    path("posts/<int:post_id>/curate", curate, name="post_curate"),
    path("posts/<int:post_id>/bookmark", bookmark, name="post_bookmark"),
    path("posts/<int:post_id>/read", mark_read, name="post_mark_read"),
    path("bookmarks/", bookmarks, name="bookmarks"),
]
