"""Community toolbox: blog, forum and idea box (API.md, "Community toolbox"). Articles, topics
and ideas are posts: the Content endpoints create, read, edit and delete them."""

from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema
from ninja.files import UploadedFile

from rucher.accounts.access import access_person
from rucher.actions import ideas
from rucher.api.auth import AuthedRequest
from rucher.api.content import AuthorOut, PageFilters, PostOut, SlugPath, _author, _post_out
from rucher.api.errors import ApiError
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, UsernamePath
from rucher.communities import access as community_access
from rucher.communities.models import Community
from rucher.content import access
from rucher.content import selectors as content_selectors
from rucher.content.models import Post
from rucher.toolbox import selectors, services
from rucher.toolbox.models import MAX_ANSWER_LENGTH, IdeaStatus

router = Router(tags=["toolbox"])


class ArticleOut(PostOut):
    published_at: datetime
    reading_minutes: int
    cover_url: str | None


class ArticlePageOut(Schema):
    items: list[ArticleOut]
    next: str | None


class TopicOut(PostOut):
    last_activity_at: datetime
    last_replier: AuthorOut | None
    reply_count: int
    closed: bool
    unread: bool = Field(description="Something new since the caller last opened the topic.")


class TopicPageOut(Schema):
    items: list[TopicOut]
    next: str | None


class IdeaOut(PostOut):
    status: str
    vote_count: int
    voted: bool
    answer: str
    answer_html: str
    status_changed_at: datetime | None


class IdeaPageOut(Schema):
    items: list[IdeaOut]
    next: str | None


class IdeaFilters(PageFilters):
    status: Literal["new", "under_study", "accepted", "done", "declined"] | None = None
    sort: Literal["votes", "recent"] = "votes"


class VoteIn(InputSchema):
    value: Literal[1] = 1


class VoteOut(Schema):
    vote_count: int
    voted: bool


class IdeaStatusIn(InputSchema):
    status: CleanStr = Field(max_length=20, description=", ".join(IdeaStatus.values))
    answer: CleanStr = Field(max_length=MAX_ANSWER_LENGTH)


class TopicStateOut(Schema):
    id: int
    closed: bool


class CoverOut(Schema):
    url: str
    width: int
    height: int


def _article_out(post: Post) -> ArticleOut:
    cover = getattr(post, "cover", None)
    tool = getattr(post, "tool", None)
    return ArticleOut(
        **_post_out(post).model_dump(),
        published_at=tool.published_at if tool is not None else post.created_at,
        reading_minutes=post.reading_minutes,  # type: ignore[attr-defined]
        cover_url=reverse("article_cover", args=[post.pk]) if cover is not None else None,
    )


def _coded(exc: ValidationError) -> Exception:
    code = getattr(exc, "code", None)
    if code in ("not_an_idea", "own_idea", "not_a_topic"):
        return ApiError(400, code, exc.messages[0])
    return exc


@router.get("/communities/{slug}/blog", response={200: ArticlePageOut, ERRORS: ErrorOut})
def community_blog(
    request: AuthedRequest, slug: SlugPath, filters: Query[PageFilters]
) -> ArticlePageOut:
    """Articles, newest first (404 when the blog tab is off or the community unreadable)."""
    community = community_access.access_community_tab(request.auth, slug, Community.Tab.BLOG)
    page = selectors.blog_page(request.auth, community, cursor=filters.cursor, limit=filters.limit)
    return ArticlePageOut(items=[_article_out(p) for p in page.items], next=page.next_cursor)


@router.get("/people/{username}/blog", response={200: ArticlePageOut, ERRORS: ErrorOut})
def person_blog(
    request: AuthedRequest, username: UsernamePath, filters: Query[PageFilters]
) -> ArticlePageOut:
    """The person's articles in communities the caller can read, newest first."""
    person = access_person(request.auth, username)
    page = selectors.person_blog_page(
        request.auth, person, cursor=filters.cursor, limit=filters.limit
    )
    return ArticlePageOut(items=[_article_out(p) for p in page.items], next=page.next_cursor)


@router.get("/communities/{slug}/forum", response={200: TopicPageOut, ERRORS: ErrorOut})
def community_forum(
    request: AuthedRequest, slug: SlugPath, filters: Query[PageFilters]
) -> TopicPageOut:
    """Discussions sorted by last reply (`last_activity_at`)."""
    community = community_access.access_community_tab(request.auth, slug, Community.Tab.FORUM)
    page = selectors.forum_page(request.auth, community, cursor=filters.cursor, limit=filters.limit)
    items = [
        TopicOut(
            **_post_out(p).model_dump(),
            last_activity_at=p.tool.last_activity_at,  # type: ignore[attr-defined]
            last_replier=_author(p.tool.last_replier),  # type: ignore[attr-defined]
            reply_count=p.comment_count,
            closed=p.tool.closed_at is not None,  # type: ignore[attr-defined]
            unread=p.tool.unread,  # type: ignore[attr-defined]
        )
        for p in page.items
    ]
    return TopicPageOut(items=items, next=page.next_cursor)


@router.get("/communities/{slug}/ideas", response={200: IdeaPageOut, ERRORS: ErrorOut})
def community_ideas(
    request: AuthedRequest, slug: SlugPath, filters: Query[IdeaFilters]
) -> IdeaPageOut:
    """The idea box, by votes (default) or newest first, optionally of one status."""
    community = community_access.access_community_tab(request.auth, slug, Community.Tab.IDEAS)
    page = selectors.ideas_page(
        request.auth,
        community,
        status=filters.status,
        sort=filters.sort,
        cursor=filters.cursor,
        limit=filters.limit,
    )
    items = [
        IdeaOut(
            **_post_out(p).model_dump(),
            status=p.tool.status,  # type: ignore[attr-defined]
            vote_count=p.tool.vote_count,  # type: ignore[attr-defined]
            voted=bool(p.tool.voted),  # type: ignore[attr-defined]
            answer=p.tool.answer,  # type: ignore[attr-defined]
            answer_html=p.tool.answer_html,  # type: ignore[attr-defined]
            status_changed_at=p.tool.status_changed_at,  # type: ignore[attr-defined]
        )
        for p in page.items
    ]
    return IdeaPageOut(items=items, next=page.next_cursor)


@router.post("/posts/{post_id}/vote", response={200: VoteOut, ERRORS: ErrorOut})
def idea_vote(request: AuthedRequest, post_id: IdPath, payload: VoteIn) -> VoteOut:
    """One vote per person (again: no change), never on one's own idea (400 own_idea)."""
    post = access.access_post(request.auth, post_id)
    try:
        state = services.idea_vote(person=request.auth, post=post)
    except ValidationError as exc:
        raise _coded(exc) from exc
    return VoteOut(vote_count=state.vote_count, voted=state.voted)


@router.delete("/posts/{post_id}/vote", response={200: VoteOut, ERRORS: ErrorOut})
def idea_unvote(request: AuthedRequest, post_id: IdPath) -> VoteOut:
    post = access.access_post(request.auth, post_id)
    try:
        state = services.idea_unvote(person=request.auth, post=post)
    except ValidationError as exc:
        raise _coded(exc) from exc
    return VoteOut(vote_count=state.vote_count, voted=state.voted)


@router.post("/posts/{post_id}/idea-status", response={200: IdeaOut, ERRORS: ErrorOut})
def idea_status(request: AuthedRequest, post_id: IdPath, payload: IdeaStatusIn) -> IdeaOut:
    """Managers of one of the idea's communities set its status with a public answer (403 for
    others who can read it; 400 with the allowed values for an unknown status)."""
    post = access.access_post(request.auth, post_id)
    try:
        ideas.idea_status_change(
            actor=request.auth, post=post, status=payload.status, answer=payload.answer
        )
    except ValidationError as exc:
        raise _coded(exc) from exc
    return _idea_read(request, post_id)


def _idea_read(request: AuthedRequest, post_id: int) -> IdeaOut:
    post = access.access_post(request.auth, post_id)
    state = selectors.post_tool_state(request.auth, post, can_moderate=False)
    full = content_selectors.post_page(request.auth, post).post
    row = full.idea_rows.first()
    return IdeaOut(
        **_post_out(full).model_dump(),
        status=state.status if state else IdeaStatus.NEW,
        vote_count=state.vote_count if state else 0,
        voted=state.voted if state else False,
        answer=row.answer if row else "",
        answer_html=row.answer_html if row else "",
        status_changed_at=row.status_changed_at if row else None,
    )


@router.post("/posts/{post_id}/close", response={200: TopicStateOut, ERRORS: ErrorOut})
def topic_close(request: AuthedRequest, post_id: IdPath) -> TopicStateOut:
    """Managers close a forum topic: replies answer 409 topic_closed until it reopens."""
    post = access.access_post(request.auth, post_id)
    try:
        services.topic_close(actor=request.auth, post=post, closed=True)
    except ValidationError as exc:
        raise _coded(exc) from exc
    return TopicStateOut(id=post.pk, closed=True)


@router.delete("/posts/{post_id}/close", response={200: TopicStateOut, ERRORS: ErrorOut})
def topic_reopen(request: AuthedRequest, post_id: IdPath) -> TopicStateOut:
    post = access.access_post(request.auth, post_id)
    try:
        services.topic_close(actor=request.auth, post=post, closed=False)
    except ValidationError as exc:
        raise _coded(exc) from exc
    return TopicStateOut(id=post.pk, closed=False)


@router.post("/posts/{post_id}/cover", response={200: CoverOut, ERRORS: ErrorOut})
def article_cover(request: AuthedRequest, post_id: IdPath, file: File[UploadedFile]) -> CoverOut:
    """The author sets an article's cover (multipart `file`): re-encoded, at most 1600 × 900;
    not an image: 400, too large or a decompression bomb: 413."""
    post = access.access_post(request.auth, post_id, for_write=True)
    try:
        cover = services.cover_reencode(file)
    except services.CoverTooLarge as exc:
        raise ApiError(413, "too_large", exc.messages[0]) from exc
    row = services.article_cover_set(actor=request.auth, post=post, cover=cover)
    return CoverOut(
        url=reverse("article_cover", args=[post.pk]), width=row.width, height=row.height
    )
