"""The home feed, curation (pin, feature, bookmark) and read receipts (API.md, "Content")."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema, Status

from rucher.api.auth import AuthedRequest
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.content import curation, feed
from rucher.content.access import access_post, access_post_for_moderation
from rucher.content.models import Post

router = Router(tags=["feed and curation"])

MAX_SLUG_LENGTH = 60


class AuthorOut(Schema):
    username: str
    display_name: str


class CommunityRefOut(Schema):
    slug: str
    name: str


class FeedPostOut(Schema):
    id: int
    kind: str
    title: str
    body_html: str
    author: AuthorOut | None
    communities: list[CommunityRefOut] = Field(
        description="Only the communities the caller may read."
    )
    tags: list[str]
    like_count: int
    comment_count: int
    liked_by_me: bool
    bookmarked_by_me: bool
    must_read: bool
    created_at: datetime
    url: str


class FeedOut(Schema):
    items: list[FeedPostOut]
    next: str | None
    on_top: list[FeedPostOut] = Field(
        description="Pinned and featured posts of the caller's communities (first page only)."
    )
    selected: list[FeedPostOut] = Field(
        description="Featured posts selected for the caller (first page only)."
    )


class PageQuery(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


class CurateIn(InputSchema):
    community: CleanStr | None = Field(
        default=None,
        max_length=MAX_SLUG_LENGTH,
        description="One community of the post; by default all those the caller manages.",
    )


class PinOut(Schema):
    pinned: bool
    communities: list[str]


class FeatureOut(Schema):
    featured: bool
    communities: list[str]


class BookmarkOut(Schema):
    bookmarked: bool


class BookmarkItemOut(FeedPostOut):
    bookmarked_at: datetime


class BookmarksOut(Schema):
    items: list[BookmarkItemOut]
    next: str | None


class ReadOut(Schema):
    read: bool
    read_at: datetime


class ReaderOut(Schema):
    username: str
    display_name: str
    read_at: datetime


class ReadersOut(Schema):
    items: list[ReaderOut]
    next: str | None
    read_count: int
    member_count: int = Field(description="Active members of the post's communities.")


def post_out(post: Post) -> dict[str, Any]:
    """A post as decorated by the feed selectors (flags annotated, communities prefetched)."""
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": post.title,
        "body_html": post.body_html,
        "author": (
            {"username": post.author.username, "display_name": post.author.display_name}
            if post.author
            else None
        ),
        "communities": [
            {"slug": c.slug, "name": c.name} for c in getattr(post, "visible_communities", [])
        ],
        "tags": [tag.name for tag in post.tags.all()],
        "like_count": post.like_count,
        "comment_count": post.comment_count,
        "liked_by_me": bool(getattr(post, "liked_by_me", False)),
        "bookmarked_by_me": bool(getattr(post, "bookmarked_by_me", False)),
        "must_read": post.must_read,
        "created_at": post.created_at,
        "url": f"/posts/{post.pk}/",
    }


@router.get("/feed", response={200: FeedOut, ERRORS: ErrorOut})
def feed_get(request: AuthedRequest, params: Query[PageQuery]) -> dict[str, Any]:
    home = feed.home_feed(request.auth, cursor=params.cursor, limit=params.limit)
    return {
        "items": [post_out(p) for p in home.page.items],
        "next": home.page.next_cursor,
        "on_top": [post_out(p) for p in home.on_top],
        "selected": [post_out(p) for p in home.selected],
    }


def _slug(payload: CurateIn | None, request: HttpRequest) -> str | None:
    if payload is not None and payload.community is not None:
        return payload.community
    # DELETE has no body in many clients: the community may come in the query string.
    slug = request.GET.get("community")
    return slug[:MAX_SLUG_LENGTH] if slug else None


@router.post("/posts/{post_id}/pin", response={200: PinOut, ERRORS: ErrorOut})
def post_pin(
    request: AuthedRequest, post_id: IdPath, payload: Body[CurateIn | None] = None
) -> PinOut:
    post = access_post(request.auth, post_id)
    slugs = curation.post_pin(actor=request.auth, post=post, community_slug=_slug(payload, request))
    return PinOut(pinned=True, communities=slugs)


@router.delete("/posts/{post_id}/pin", response={200: PinOut, ERRORS: ErrorOut})
def post_unpin(
    request: AuthedRequest, post_id: IdPath, payload: Body[CurateIn | None] = None
) -> PinOut:
    post = access_post(request.auth, post_id)
    slugs = curation.post_unpin(
        actor=request.auth, post=post, community_slug=_slug(payload, request)
    )
    return PinOut(pinned=False, communities=slugs)


@router.post("/posts/{post_id}/feature", response={200: FeatureOut, ERRORS: ErrorOut})
def post_feature(
    request: AuthedRequest, post_id: IdPath, payload: Body[CurateIn | None] = None
) -> FeatureOut:
    post = access_post(request.auth, post_id)
    slugs = curation.post_feature(
        actor=request.auth, post=post, community_slug=_slug(payload, request)
    )
    return FeatureOut(featured=True, communities=slugs)


@router.delete("/posts/{post_id}/feature", response={200: FeatureOut, ERRORS: ErrorOut})
def post_unfeature(
    request: AuthedRequest, post_id: IdPath, payload: Body[CurateIn | None] = None
) -> FeatureOut:
    post = access_post(request.auth, post_id)
    slugs = curation.post_unfeature(
        actor=request.auth, post=post, community_slug=_slug(payload, request)
    )
    return FeatureOut(featured=False, communities=slugs)


@router.post(
    "/posts/{post_id}/bookmark", response={200: BookmarkOut, 201: BookmarkOut, ERRORS: ErrorOut}
)
def post_bookmark(request: AuthedRequest, post_id: IdPath) -> Status[BookmarkOut]:
    post = access_post(request.auth, post_id)
    created = curation.bookmark_create(person=request.auth, post=post)
    return Status(201 if created else 200, BookmarkOut(bookmarked=True))


@router.delete("/posts/{post_id}/bookmark", response={200: BookmarkOut, ERRORS: ErrorOut})
def post_unbookmark(request: AuthedRequest, post_id: IdPath) -> BookmarkOut:
    post = access_post(request.auth, post_id)
    curation.bookmark_delete(person=request.auth, post=post)
    return BookmarkOut(bookmarked=False)


@router.get("/bookmarks", response={200: BookmarksOut, ERRORS: ErrorOut})
def bookmarks_list(request: AuthedRequest, params: Query[PageQuery]) -> dict[str, Any]:
    page = feed.bookmarks_for_person(request.auth, cursor=params.cursor, limit=params.limit)
    return {
        "items": [{**post_out(b.post), "bookmarked_at": b.created_at} for b in page.items],
        "next": page.next_cursor,
    }


@router.post("/posts/{post_id}/read", response={200: ReadOut, 201: ReadOut, ERRORS: ErrorOut})
def post_read(request: AuthedRequest, post_id: IdPath) -> Status[ReadOut]:
    post = access_post(request.auth, post_id)
    receipt, created = curation.post_mark_read(person=request.auth, post=post)
    return Status(201 if created else 200, ReadOut(read=True, read_at=receipt.created_at))


@router.get("/posts/{post_id}/readers", response={200: ReadersOut, ERRORS: ErrorOut})
def post_readers(
    request: AuthedRequest, post_id: IdPath, params: Query[PageQuery]
) -> dict[str, Any]:
    post = access_post_for_moderation(request.auth, post_id)
    page = feed.post_readers(post, cursor=params.cursor, limit=params.limit)
    counts = feed.post_read_counts(post)
    return {
        "items": [
            {
                "username": r.person.username,
                "display_name": r.person.display_name,
                "read_at": r.created_at,
            }
            for r in page.items
        ],
        "next": page.next_cursor,
        "read_count": counts.read,
        "member_count": counts.members,
    }
