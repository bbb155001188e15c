"""Web pages of the community toolbox: the blog, forum and ideas tabs of a community, a
person's blog, writing articles (and drafts), voting, answering ideas, closing topics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from rucher.accounts.access import access_person
from rucher.actions import articles, ideas
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content import access
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.toolbox import selectors, services
from rucher.toolbox.access import access_draft
from rucher.toolbox.forms import ArticleForm, IdeaStatusForm, TabsForm
from rucher.toolbox.models import ArticleCover, ArticleDraft, IdeaStatus

PAGE_SIZE = 20


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


def _tab_page(
    request: HttpRequest, community: Community, template: str, context: dict[str, object]
) -> HttpResponse:
    context |= {
        "c": community,
        "can_manage": community_access.can_manage(http.viewer(request), community),
        "can_post": community_access.is_member(http.viewer(request), community),
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, f"{template}#items", context)
    return render(request, template, context)


@login_required
@require_GET
def community_blog(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.BLOG)
    try:
        page = selectors.blog_page(
            viewer, found, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    return _tab_page(request, found, "toolbox/blog.html", {"page": page})


@login_required
@require_GET
def community_forum(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.FORUM)
    try:
        page = selectors.forum_page(
            viewer, found, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    return _tab_page(request, found, "toolbox/forum.html", {"page": page})


@login_required
@require_GET
def community_ideas(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.IDEAS)
    status = request.GET.get("status", "")
    if status not in IdeaStatus.values:
        status = ""
    sort = request.GET.get("sort", "votes")
    if sort not in selectors.IDEA_SORTS:
        sort = "votes"
    try:
        page = selectors.ideas_page(
            viewer,
            found,
            status=status or None,
            sort=sort,
            cursor=request.GET.get("cursor") or None,
            limit=PAGE_SIZE,
        )
    except BadCursor:
        return http.bad_cursor()
    context = {
        "page": page,
        "status": status,
        "sort": sort,
        "statuses": IdeaStatus.choices,
        "params": f"status={status}&sort={sort}",
    }
    return _tab_page(request, found, "toolbox/ideas.html", context)


@login_required
@require_GET
def person_blog(request: HttpRequest, username: str) -> HttpResponse:
    viewer = http.viewer(request)
    person = access_person(viewer, username)
    try:
        page = selectors.person_blog_page(
            viewer, person, cursor=request.GET.get("cursor") or None, limit=PAGE_SIZE
        )
    except BadCursor:
        return http.bad_cursor()
    context: dict[str, object] = {"person": person, "page": page}
    if person.pk == viewer.pk and not request.GET.get("cursor"):
        context["drafts"] = list(
            ArticleDraft.objects.filter(author=viewer)
            .select_related("community")
            .order_by("-updated_at", "-id")[:50]
        )
    if request.htmx and request.GET.get("cursor"):
        return render(request, "toolbox/person_blog.html#items", context)
    return render(request, "toolbox/person_blog.html", context)


def _article_form_page(
    request: HttpRequest,
    community: Community,
    form: ArticleForm,
    *,
    draft: ArticleDraft | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {"c": community, "form": form, "draft": draft}
    return render(request, "toolbox/article_form.html", context, status=status)


def _save_article(
    request: HttpRequest, community: Community, form: ArticleForm, draft: ArticleDraft | None
) -> HttpResponse:
    """Publish (the default button) or keep as a draft; a cover is checked and re-encoded
    before anything is written, and any error leaves nothing half-written."""
    viewer = http.viewer(request)
    if not form.is_valid():
        return _article_form_page(request, community, form, draft=draft, status=400)
    data = form.cleaned_data
    try:
        cover = services.cover_reencode(data["cover"]) if data["cover"] else None
        with transaction.atomic():
            if request.POST.get("action") == "draft":
                saved = services.article_draft_save(
                    author=viewer,
                    draft=draft,
                    community=community,
                    title=data["title"],
                    body=data["body"],
                    cover=cover,
                )
            else:
                if draft is not None:
                    saved = services.article_draft_save(
                        author=viewer,
                        draft=draft,
                        community=community,
                        title=data["title"],
                        body=data["body"],
                        cover=cover,
                    )
                    post = articles.article_draft_publish(author=viewer, draft=saved)
                else:
                    post = articles.article_publish(
                        author=viewer,
                        community=community,
                        title=data["title"],
                        body=data["body"],
                        cover=cover,
                    )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _article_form_page(request, community, form, draft=draft, status=400)
    if request.POST.get("action") == "draft":
        messages.success(request, _("Your draft has been saved. Only you can see it."))
        return redirect("article_draft", draft_id=saved.pk)
    messages.success(request, _("Your article has been published."))
    return redirect("post", post_id=post.pk)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community_tab(viewer, slug, Community.Tab.BLOG)
    if not community_access.is_member(viewer, found):
        messages.info(request, _("Join the community to write in its blog."))
        return redirect("community_blog", slug=found.slug)
    if request.method == "GET":
        return _article_form_page(request, found, ArticleForm())
    return _save_article(request, found, ArticleForm(request.POST, request.FILES), None)


@login_required
@require_http_methods(["GET", "POST"])
def article_draft(request: HttpRequest, draft_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    draft = access_draft(viewer, draft_id)
    community = community_access.access_community_content(viewer, draft.community.slug)
    if request.method == "GET":
        form = ArticleForm(initial={"title": draft.title, "body": draft.body})
        return _article_form_page(request, community, form, draft=draft)
    if request.POST.get("action") == "delete":
        services.article_draft_delete(author=viewer, draft=draft)
        messages.success(request, _("The draft has been deleted."))
        return redirect("person_blog", username=viewer.username)
    return _save_article(request, community, ArticleForm(request.POST, request.FILES), draft)


@login_required
@require_GET
def draft_cover(request: HttpRequest, draft_id: int) -> FileResponse:
    # Covers follow their post's (or draft's) access.
    return http.private_image(access_draft(http.viewer(request), draft_id).cover)


@login_required
@require_GET
def article_cover(request: HttpRequest, post_id: int) -> FileResponse:
    post = access.access_post(http.viewer(request), post_id)
    cover = ArticleCover.objects.filter(post=post).first()
    if cover is None:
        raise Http404
    return http.private_image(cover.image)


@login_required
@require_POST
def idea_vote(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post(viewer, post_id)
    try:
        if request.POST.get("vote") == "0":
            services.idea_unvote(person=viewer, post=post)
        else:
            services.idea_vote(person=viewer, post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return http.safe_back(request, post.get_absolute_url())


@login_required
@require_POST
def idea_status(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post_for_moderation(viewer, post_id)
    form = IdeaStatusForm(request.POST)
    if form.is_valid():
        try:
            ideas.idea_status_change(
                actor=viewer,
                post=post,
                status=form.cleaned_data["status"],
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The idea's status and your answer are published."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("post", post_id=post.pk)


@login_required
@require_POST
def topic_close(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post_for_moderation(viewer, post_id)
    closed = request.POST.get("closed") != "0"
    try:
        services.topic_close(actor=viewer, post=post, closed=closed)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The topic is closed.") if closed else _("The topic is open again.")
        )
    return redirect("post", post_id=post.pk)


@login_required
@require_POST
def community_tabs(request: HttpRequest, slug: str) -> HttpResponse:
    viewer = http.viewer(request)
    found = community_access.access_community(viewer, slug, for_manage=True)
    form = TabsForm(request.POST)
    if form.is_valid():
        services.community_tabs_set(
            actor=viewer, community=found, tabs_on=form.cleaned_data["tabs"]
        )
        messages.success(request, _("The tabs have been saved."))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("tabs", [])))
    return redirect("community_manage", slug=found.slug)
