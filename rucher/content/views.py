"""Web pages for content: write a post, read it with its thread, edit, like, comment, files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.http import HttpRequest as DjangoHttpRequest
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from rucher.accounts.decorators import login_or_token_required
from rucher.actions import comments, feedback, likes, posts
from rucher.content import access, attachments, cards, selectors, services
from rucher.content.feed import post_curation_state, post_read_counts
from rucher.content.forms import CommentForm, PostEditForm, PostForm
from rucher.content.models import Comment, Post, PostKind
from rucher.core import http
from rucher.core.forms import add_service_errors
from rucher.core.pagination import BadCursor
from rucher.core.text import normalise_tag
from rucher.qa import selectors as qa_selectors
from rucher.toolbox import selectors as toolbox_selectors
from rucher.toolbox import services as toolbox_services

COMMENTS_PAGE_SIZE = 50
TAG_PAGE_SIZE = 20


class HttpRequest(DjangoHttpRequest):
    htmx: HtmxDetails


@login_required
@require_http_methods(["GET", "POST"])
def post_new(request: HttpRequest) -> HttpResponse:
    viewer = http.viewer(request)
    initial_slug = request.GET.get("community", "")
    # The same picker as the composer: the community named in the link first.
    communities = list(selectors.member_communities_for_posting(viewer))
    communities.sort(key=lambda c: c.slug != initial_slug)
    form = PostForm(
        request.POST or None,
        request.FILES or None,
        community_choices=[(c.slug, c.name) for c in communities],
        initial={
            "communities": [initial_slug] if initial_slug else [],
            "kind": request.GET.get("kind", PostKind.POST),
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            watch = feedback.earnings_watch(viewer)
            try:
                with transaction.atomic():
                    ids = [
                        attachments.attachment_upload(uploader=viewer, file=f).pk
                        for f in data["upload"]
                    ]
                    post = posts.post_publish(
                        author=viewer,
                        communities=access.communities_for_posting(viewer, data["communities"]),
                        kind=data["kind"],
                        title=data["title"],
                        body=data["body"],
                        tags=services.parse_tags(data["tags"]),
                        attachment_ids=ids,
                        must_read=data["must_read"],
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                _published(request, post, feedback.earnings_message(watch.earned()))
                # Like Viva Engage: back where the composer was (the feed, with the new post
                # on top); from the full "New post" page, on the post.
                return redirect(http.safe_next(request, post.get_absolute_url()))
        status = 400
    return render(
        request,
        "content/post_new.html",
        {
            "form": form,
            "communities": communities,
            "compact": False,
            "next": http.safe_next(request, ""),
        },
        status=status,
    )


def _published(request: HttpRequest, post: Post, earned: str) -> None:
    """The toast after publishing: a link to the new post, and what it earned."""
    messages.success(
        request,
        format_html(
            '{} <a href="{}">{}</a>{}',
            _("Your post has been published."),
            post.get_absolute_url(),
            _("See the post"),
            f" · {earned}" if earned else "",
        ),
    )


def _post_page(
    request: HttpRequest, post: Post, *, comment_form: CommentForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = http.viewer(request)
    page = selectors.post_page(viewer, post)
    try:
        comments = selectors.comments_page(
            viewer,
            page.post,
            can_moderate=page.can_moderate,
            cursor=request.GET.get("cursor") or None,
            limit=COMMENTS_PAGE_SIZE,
        )
    except BadCursor:
        return http.bad_cursor()
    curation = post_curation_state(viewer, page.post)
    context = {
        "p": page,
        "curation": curation,
        # Managers see how many have read a must-read (two COUNTs, only then).
        "read_counts": (
            post_read_counts(page.post)
            if page.post.must_read and curation.can_see_readers
            else None
        ),
        "post": page.post,
        # The question's state (none for other kinds): read here, not by a template tag.
        "q": qa_selectors.question_state(page.post.pk)
        if page.post.kind == PostKind.QUESTION
        else None,
        "comments": comments,
        "comment_form": comment_form or CommentForm(),
        # Blog, forum, idea box: cover, contents, closed state, votes and status (or None).
        "tool": toolbox_selectors.post_tool_state(
            viewer, page.post, can_moderate=page.can_moderate
        ),
    }
    if request.htmx and request.GET.get("cursor"):
        return render(request, "content/post.html#comments-page", context)
    return render(request, "content/post.html", context, status=status)


@login_required
@require_GET
def post_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(http.viewer(request), post_id)
    if post.kind == PostKind.DISCUSSION and not request.GET.get("cursor"):
        toolbox_services.topic_visit(person=http.viewer(request), post=post)
    return _post_page(request, post)


@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post(viewer, post_id, for_write=True)
    if request.method == "GET":
        form = PostEditForm(
            initial={
                "title": post.title,
                "body": post.body,
                "tags": " ".join(post.tags.order_by("slug").values_list("name", flat=True)),
            }
        )
        return render(request, "content/post_edit.html", {"form": form, "post": post})
    form = PostEditForm(request.POST)
    if form.is_valid():
        try:
            posts.post_edit(
                editor=viewer,
                post=post,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                tags=services.parse_tags(form.cleaned_data["tags"]),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your post has been saved."))
            return redirect("post", post_id=post.pk)
    return render(request, "content/post_edit.html", {"form": form, "post": post}, status=400)


@login_required
@require_POST
def post_delete(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post(viewer, post_id)
    first = post.placements.select_related("community").order_by("id").first()
    posts.post_remove(actor=viewer, post=post)
    messages.success(request, _("The post has been deleted."))
    if first is not None:
        return redirect("community", slug=first.community.slug)
    return redirect("home")


@login_required
@require_GET
def post_history(request: HttpRequest, post_id: int) -> HttpResponse:
    post = access.access_post(http.viewer(request), post_id)
    return render(
        request,
        "content/post_history.html",
        {"post": post, "revisions": selectors.post_revisions(post)},
    )


@login_required
@require_POST
def post_like(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post(viewer, post_id)
    try:
        if request.POST.get("action") == "unlike":
            state = likes.post_unlike(person=viewer, post=post)
        else:
            state = likes.post_like(person=viewer, post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if request.htmx:  # the button unchanged, the reason in a toast
            return _like_button(request, liked=False, count=post.like_count)
        return http.safe_back(request, post.get_absolute_url())
    if request.htmx:
        return _like_button(request, liked=state.liked, count=state.like_count)
    return http.safe_back(request, post.get_absolute_url())


def _like_button(request: HttpRequest, *, liked: bool, count: int) -> HttpResponse:
    return HttpResponse(
        cards.like_form(request, url=request.path, count=count, own=False, liked=liked)
    )


@login_required
@require_POST
def comment_new(request: HttpRequest, post_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    post = access.access_post(viewer, post_id)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        parent = None
        parent_id = form.cleaned_data["parent"]
        if parent_id:
            parent = Comment.objects.filter(pk=parent_id, post=post).first()
            if parent is None:
                form.add_error(None, _("This comment belongs to another post."))
        if not form.errors:
            watch = feedback.earnings_watch(viewer)
            try:
                with transaction.atomic():
                    ids = [
                        attachments.attachment_upload(uploader=viewer, file=f).pk
                        for f in form.cleaned_data["upload"]
                    ]
                    comment = comments.comment_publish(
                        author=viewer,
                        post=post,
                        body=form.cleaned_data["body"],
                        parent=parent,
                        attachment_ids=ids,
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                earned = feedback.earnings_message(watch.earned())
                messages.success(
                    request,
                    f"{_('Your comment has been published.')} · {earned}"
                    if earned
                    else _("Your comment has been published."),
                )
                return redirect(f"{post.get_absolute_url()}#comment-{comment.pk}")
    # htmx swaps a 422 (base.html's htmx-config): the form comes back with its errors.
    return _post_page(request, post, comment_form=form, status=422 if request.htmx else 400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    comment = access.access_comment(viewer, comment_id)
    if comment.author_id != viewer.pk and not access.can_moderate_post(viewer, comment.post):
        raise PermissionDenied
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST":
        if form.is_valid():
            try:
                comments.comment_edit(
                    editor=viewer, comment=comment, body=form.cleaned_data["body"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect(f"{comment.post.get_absolute_url()}#comment-{comment.pk}")
        return render(
            request, "content/comment_edit.html", {"form": form, "comment": comment}, status=400
        )
    return render(request, "content/comment_edit.html", {"form": form, "comment": comment})


@login_required
@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    comment = access.access_comment(viewer, comment_id)
    comments.comment_remove(actor=viewer, comment=comment)
    messages.success(request, _("The comment has been deleted."))
    return redirect("post", post_id=comment.post_id)


@login_required
@require_POST
def comment_like(request: HttpRequest, comment_id: int) -> HttpResponse:
    viewer = http.viewer(request)
    comment = access.access_comment(viewer, comment_id)
    fallback = f"{comment.post.get_absolute_url()}#comment-{comment.pk}"
    try:
        if request.POST.get("action") == "unlike":
            state = likes.comment_unlike(person=viewer, comment=comment)
        else:
            state = likes.comment_like(person=viewer, comment=comment)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        if request.htmx:
            return _like_button(request, liked=False, count=comment.like_count)
        return http.safe_back(request, fallback)
    if request.htmx:
        return _like_button(request, liked=state.liked, count=state.like_count)
    return http.safe_back(request, fallback)


@login_or_token_required
@require_GET
def attachment(request: HttpRequest, attachment_id: int, name: str) -> FileResponse:
    """Serves a file to those who may read its post; never sniffed or run by the browser."""
    found = access.access_attachment(http.viewer(request), attachment_id)
    if name != found.name:
        raise Http404
    return http.private_file(
        found.file, name=found.name, content_type=found.content_type, inline=found.is_image
    )


@login_required
@require_GET
def tag(request: HttpRequest, slug: str) -> HttpResponse:
    if not slug.isprintable():
        raise Http404
    found = access.access_tag(http.viewer(request), normalise_tag(slug)[:50])
    try:
        page = selectors.tag_posts(
            http.viewer(request),
            found,
            cursor=request.GET.get("cursor") or None,
            limit=TAG_PAGE_SIZE,
        )
    except BadCursor:
        return http.bad_cursor()
    context = {"tag": found, "page": page}
    if request.htmx and request.GET.get("cursor"):
        return render(request, "content/tag.html#posts-page", context)
    return render(request, "content/tag.html", context)
