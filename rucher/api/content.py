"""Content: attachments, posts (cross-posted), comments, likes, community streams (API.md)."""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictBool, StrictInt, field_validator
from pydantic_core import PydanticCustomError

from rucher.actions import comments, likes, posts
from rucher.api.auth import AuthedRequest
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.communities import access as community_access
from rucher.content import access, attachments, selectors, services
from rucher.content.attachments import MAX_ATTACHMENTS
from rucher.content.models import (
    MAX_BODY_LENGTH,
    MAX_COMMENT_LENGTH,
    MAX_TITLE_LENGTH,
    Attachment,
    Comment,
    Post,
)

router = Router(tags=["content"])

KindIn = Literal["post", "question", "article", "announcement", "idea", "discussion"]
SlugPath = Annotated[CleanStr, Path(max_length=community_access.MAX_SLUG_LENGTH)]


class AttachmentOut(Schema):
    id: int
    name: str
    size: int
    content_type: str
    is_image: bool
    url: str


class AuthorOut(Schema):
    username: str
    display_name: str


class CommunityRefOut(Schema):
    slug: str
    name: str


class PostOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    body_html: str = Field(description="The text rendered from Markdown and sanitised.")
    tags: list[str]
    author: AuthorOut | None
    communities: list[CommunityRefOut] = Field(
        description="Only the communities the caller may read."
    )
    attachments: list[AttachmentOut]
    must_read: bool
    like_count: int
    comment_count: int
    liked_by_me: bool
    hidden: bool
    created_at: datetime
    edited_at: datetime | None
    url: str


class PostPageOut(Schema):
    items: list[PostOut]
    next: str | None


class ReplyOut(Schema):
    id: int
    post: int
    parent: int | None
    author: AuthorOut | None
    body: str
    body_html: str
    like_count: int
    liked_by_me: bool
    hidden: bool
    attachments: list[AttachmentOut]
    created_at: datetime
    edited_at: datetime | None


class CommentOut(ReplyOut):
    replies: list[ReplyOut]


class CommentPageOut(Schema):
    items: list[CommentOut]
    next: str | None


class LikeOut(Schema):
    liked: bool
    like_count: int


def _no_null(value: Any) -> Any:
    if value is None:
        raise PydanticCustomError("null", _("Leave the field out rather than sending null."))
    return value


class PostCreateIn(InputSchema):
    communities: list[CleanStr] = Field(min_length=1, max_length=services.MAX_COMMUNITIES)
    kind: KindIn = "post"
    title: CleanStr = Field(default="", max_length=MAX_TITLE_LENGTH)
    body: CleanStr = Field(max_length=MAX_BODY_LENGTH)
    tags: list[CleanStr] = Field(default_factory=list, max_length=services.MAX_TAGS)
    attachments: list[StrictInt] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)
    must_read: StrictBool = False


class PostUpdateIn(InputSchema):
    """Send only what changes."""

    title: CleanStr | None = Field(default=None, max_length=MAX_TITLE_LENGTH)
    body: CleanStr | None = Field(default=None, max_length=MAX_BODY_LENGTH)
    tags: list[CleanStr] | None = Field(default=None, max_length=services.MAX_TAGS)

    @field_validator("title", "body", "tags", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any) -> Any:
        return _no_null(value)


class CommentCreateIn(InputSchema):
    body: CleanStr = Field(max_length=MAX_COMMENT_LENGTH)
    parent: StrictInt | None = None
    attachments: list[StrictInt] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class CommentUpdateIn(InputSchema):
    body: CleanStr = Field(max_length=MAX_COMMENT_LENGTH)


class PageFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class StreamFilters(PageFilters):
    kind: KindIn | None = None


def _attachment_out(attachment: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=attachment.pk,
        name=attachment.name,
        size=attachment.size,
        content_type=attachment.content_type,
        is_image=attachment.is_image,
        url=reverse("attachment", args=[attachment.pk, attachment.name]),
    )


def _author(person: Any) -> AuthorOut | None:
    if person is None:
        return None
    return AuthorOut(username=person.username, display_name=person.display_name)


def _post_out(post: Post) -> PostOut:
    return PostOut(
        id=post.pk,
        kind=post.kind,
        title=post.title,
        body=post.body,
        body_html=post.body_html,
        tags=[tag.slug for tag in post.tags.all()],
        author=_author(post.author),
        communities=[
            CommunityRefOut(slug=c.slug, name=c.name)
            for c in post.visible_communities  # type: ignore[attr-defined]
        ],
        attachments=[_attachment_out(a) for a in post.attachments.all()],
        must_read=post.must_read,
        like_count=post.like_count,
        comment_count=post.comment_count,
        liked_by_me=bool(getattr(post, "liked_by_me", False)),
        hidden=post.is_hidden,
        created_at=post.created_at,
        edited_at=post.edited_at,
        url=reverse("post", args=[post.pk]),
    )


def _reply_out(comment: Comment) -> ReplyOut:
    return ReplyOut(
        id=comment.pk,
        post=comment.post_id,
        parent=comment.parent_id,
        author=_author(comment.author),
        body=comment.body,
        body_html=comment.body_html,
        like_count=comment.like_count,
        liked_by_me=bool(getattr(comment, "liked_by_me", False)),
        hidden=comment.is_hidden,
        attachments=[_attachment_out(a) for a in comment.attachments.all()],
        created_at=comment.created_at,
        edited_at=comment.edited_at,
    )


def _comment_out(comment: Comment) -> CommentOut:
    return CommentOut(
        **_reply_out(comment).model_dump(),
        replies=[_reply_out(r) for r in getattr(comment, "shown_replies", [])],
    )


def _read_post(request: AuthedRequest, post_id: int) -> PostOut:
    post = access.access_post(request.auth, post_id)
    return _post_out(selectors.post_detail(request.auth, post))


def _read_comment(request: AuthedRequest, comment: Comment) -> ReplyOut:
    found = (
        Comment.objects.filter(pk=comment.pk)
        .select_related("author")
        .prefetch_related("attachments")
        .annotate(liked_by_me=selectors.comment_liked(request.auth))
        .get()
    )
    return _reply_out(found)


def _like_errors(exc: ValidationError) -> Exception:
    if getattr(exc, "code", None) == "own_content":
        return ApiError(400, "own_content", exc.messages[0])
    return exc


@router.post("/attachments", response={201: AttachmentOut, ERRORS: ErrorOut})
def attachments_upload(request: AuthedRequest, file: File[UploadedFile]) -> Status[AttachmentOut]:
    """Upload first, then name the id in `attachments` of a post or comment."""
    try:
        attachment = attachments.attachment_upload(uploader=request.auth, file=file)
    except attachments.TooLarge as exc:
        raise ApiError(413, "too_large", exc.messages[0]) from exc
    return Status(201, _attachment_out(attachment))


@router.post("/posts", response={201: PostOut, ERRORS: ErrorOut})
def posts_create(request: AuthedRequest, payload: PostCreateIn) -> Status[PostOut]:
    communities = access.communities_for_posting(request.auth, payload.communities)
    post = posts.post_publish(
        author=request.auth,
        communities=communities,
        kind=payload.kind,
        title=payload.title,
        body=payload.body,
        tags=payload.tags,
        attachment_ids=payload.attachments,
        must_read=payload.must_read,
    )
    # Its author just placed it in communities they are a member of (post_create checked):
    # readable by construction, so no second access check, and no reading it back (what
    # post_detail would read, post_create kept on the post).
    return Status(201, _post_out(selectors.post_detail_created(request.auth, post, communities)))


@router.get("/posts/{post_id}", response={200: PostOut, ERRORS: ErrorOut})
def posts_detail(request: AuthedRequest, post_id: IdPath) -> PostOut:
    return _read_post(request, post_id)


@router.patch("/posts/{post_id}", response={200: PostOut, ERRORS: ErrorOut})
def posts_update(request: AuthedRequest, post_id: IdPath, payload: PostUpdateIn) -> PostOut:
    post = access.access_post(request.auth, post_id, for_write=True)
    posts.post_edit(editor=request.auth, post=post, **payload.model_dump(exclude_unset=True))
    return _read_post(request, post_id)


@router.delete("/posts/{post_id}", response={204: None, ERRORS: ErrorOut})
def posts_delete(request: AuthedRequest, post_id: IdPath) -> Status[None]:
    post = access.access_post(request.auth, post_id)
    posts.post_remove(actor=request.auth, post=post)
    return Status(204, None)


@router.get("/posts/{post_id}/comments", response={200: CommentPageOut, ERRORS: ErrorOut})
def posts_comments(
    request: AuthedRequest, post_id: IdPath, filters: Query[PageFilters]
) -> CommentPageOut:
    post = access.access_post(request.auth, post_id)
    page = selectors.comments_page(request.auth, post, cursor=filters.cursor, limit=filters.limit)
    return CommentPageOut(items=[_comment_out(c) for c in page.items], next=page.next_cursor)


@router.post("/posts/{post_id}/comments", response={201: ReplyOut, ERRORS: ErrorOut})
def posts_comment_create(
    request: AuthedRequest, post_id: IdPath, payload: CommentCreateIn
) -> Status[ReplyOut]:
    post = access.access_post(request.auth, post_id)
    parent = None
    if payload.parent is not None:
        parent = Comment.objects.filter(pk=payload.parent, post=post).first()
        if parent is None:
            raise ValidationError({"parent": [_("This comment belongs to another post.")]})
    comment = comments.comment_publish(
        author=request.auth,
        post=post,
        body=payload.body,
        parent=parent,
        attachment_ids=payload.attachments,
    )
    return Status(201, _read_comment(request, comment))


@router.patch("/comments/{comment_id}", response={200: ReplyOut, ERRORS: ErrorOut})
def comments_update(
    request: AuthedRequest, comment_id: IdPath, payload: CommentUpdateIn
) -> ReplyOut:
    comment = access.access_comment(request.auth, comment_id)
    comments.comment_edit(editor=request.auth, comment=comment, body=payload.body)
    return _read_comment(request, comment)


@router.delete("/comments/{comment_id}", response={204: None, ERRORS: ErrorOut})
def comments_delete(request: AuthedRequest, comment_id: IdPath) -> Status[None]:
    comment = access.access_comment(request.auth, comment_id)
    comments.comment_remove(actor=request.auth, comment=comment)
    return Status(204, None)


@router.post("/posts/{post_id}/like", response={200: LikeOut, ERRORS: ErrorOut})
def posts_like(request: AuthedRequest, post_id: IdPath) -> LikeOut:
    post = access.access_post(request.auth, post_id, with_author=False)  # a like needs no author
    try:
        state = likes.post_like(person=request.auth, post=post)
    except ValidationError as exc:
        raise _like_errors(exc) from exc
    return LikeOut(liked=state.liked, like_count=state.like_count)


@router.delete("/posts/{post_id}/like", response={200: LikeOut, ERRORS: ErrorOut})
def posts_unlike(request: AuthedRequest, post_id: IdPath) -> LikeOut:
    post = access.access_post(request.auth, post_id)
    state = likes.post_unlike(person=request.auth, post=post)
    return LikeOut(liked=state.liked, like_count=state.like_count)


@router.post("/comments/{comment_id}/like", response={200: LikeOut, ERRORS: ErrorOut})
def comments_like(request: AuthedRequest, comment_id: IdPath) -> LikeOut:
    comment = access.access_comment(request.auth, comment_id)
    try:
        state = likes.comment_like(person=request.auth, comment=comment)
    except ValidationError as exc:
        raise _like_errors(exc) from exc
    return LikeOut(liked=state.liked, like_count=state.like_count)


@router.delete("/comments/{comment_id}/like", response={200: LikeOut, ERRORS: ErrorOut})
def comments_unlike(request: AuthedRequest, comment_id: IdPath) -> LikeOut:
    comment = access.access_comment(request.auth, comment_id)
    state = likes.comment_unlike(person=request.auth, comment=comment)
    return LikeOut(liked=state.liked, like_count=state.like_count)


@router.get("/communities/{slug}/posts", response={200: PostPageOut, ERRORS: ErrorOut})
def communities_posts(
    request: AuthedRequest, slug: SlugPath, filters: Query[StreamFilters]
) -> PostPageOut:
    community = community_access.access_community_content(request.auth, slug)
    page = selectors.community_stream(
        request.auth, community, kind=filters.kind, cursor=filters.cursor, limit=filters.limit
    )
    return PostPageOut(items=[_post_out(p) for p in page.items], next=page.next_cursor)
