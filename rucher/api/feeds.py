"""Watch feeds (API.md "Watch feeds, import, export, privacy"): a community's feeds for its
managers, a person's own feeds and watch page."""

from datetime import datetime

from ninja import Field, Query, Router, Schema, Status

from rucher.api.auth import AuthedRequest
from rucher.api.communities import SlugPath
from rucher.api.schemas import ERRORS, CleanStr, ErrorOut, IdPath, InputSchema, QuerySchema
from rucher.communities import access as community_access
from rucher.feeds import selectors, services, tasks
from rucher.feeds.access import access_feed
from rucher.feeds.models import MAX_URL_LENGTH, WatchFeed, WatchItem

router = Router(tags=["watch feeds"])


class FeedIn(InputSchema):
    url: CleanStr = Field(max_length=MAX_URL_LENGTH, description="An http(s) RSS or Atom URL.")


class FeedOut(Schema):
    id: int
    url: str
    title: str
    last_polled_at: datetime | None
    last_status: str = Field(
        description='"ok", "not_modified", "" (not polled yet) or the code of the last failure.'
    )
    error: str = Field(description="The last failure, for people; empty when the feed works.")
    paused: bool = Field(description="Paused after failing for 7 days; poll it to resume.")


class FeedPageOut(Schema):
    items: list[FeedOut]
    next: str | None = Field(description="Always null: at most 50 feeds per subscriber.")


class PollOut(Schema):
    id: int
    status: str = Field(description='"queued".')


class WatchItemOut(Schema):
    id: int
    title: str
    link: str
    source: str
    summary_html: str = Field(description="Sanitised HTML (no images, no scripts).")
    published_at: datetime


class WatchPageOut(Schema):
    items: list[WatchItemOut]
    next: str | None


class WatchFilters(QuerySchema):
    cursor: CleanStr | None = Field(default=None, max_length=1000)
    limit: int = Field(default=20, ge=1, le=100)


def _feed_out(feed: WatchFeed) -> FeedOut:
    return FeedOut(
        id=feed.pk,
        url=feed.url,
        title=feed.title,
        last_polled_at=feed.last_polled_at,
        last_status=feed.last_status,
        error=feed.error,
        paused=feed.paused_at is not None,
    )


def _item_out(item: WatchItem) -> WatchItemOut:
    return WatchItemOut(
        id=item.pk,
        title=item.title,
        link=item.link,
        source=item.feed.source_name,
        summary_html=item.summary_html,
        published_at=item.published_at,
    )


@router.get("/communities/{slug}/feeds", response={200: FeedPageOut, ERRORS: ErrorOut})
def community_feeds(request: AuthedRequest, slug: SlugPath) -> FeedPageOut:
    community = community_access.access_community(request.auth, slug, for_manage=True)
    feeds = selectors.feeds_of_community(community)
    return FeedPageOut(items=[_feed_out(f) for f in feeds], next=None)


@router.post("/communities/{slug}/feeds", response={201: FeedOut, ERRORS: ErrorOut})
def community_feed_add(request: AuthedRequest, slug: SlugPath, payload: FeedIn) -> Status[FeedOut]:
    community = community_access.access_community(request.auth, slug, for_manage=True)
    feed = services.feed_subscribe_community(
        actor=request.auth, community=community, url=payload.url
    )
    tasks.feed_poll_soon(feed.pk)  # a new feed is polled at once
    return Status(201, _feed_out(feed))


@router.delete("/feeds/{feed_id}", response={204: None, ERRORS: ErrorOut})
def feed_delete(request: AuthedRequest, feed_id: IdPath) -> Status[None]:
    feed = access_feed(request.auth, feed_id)
    services.feed_delete(actor=request.auth, feed=feed)
    return Status(204, None)


@router.post("/feeds/{feed_id}/poll", response={202: PollOut, ERRORS: ErrorOut})
def feed_poll_now(request: AuthedRequest, feed_id: IdPath) -> Status[PollOut]:
    feed = access_feed(request.auth, feed_id)
    services.feed_resume(actor=request.auth, feed=feed)
    tasks.feed_poll_soon(feed.pk)
    return Status(202, PollOut(id=feed.pk, status="queued"))


@router.get("/me/feeds", response={200: FeedPageOut, ERRORS: ErrorOut})
def my_feeds(request: AuthedRequest) -> FeedPageOut:
    feeds = selectors.feeds_of_person(request.auth)
    return FeedPageOut(items=[_feed_out(f) for f in feeds], next=None)


@router.post("/me/feeds", response={201: FeedOut, ERRORS: ErrorOut})
def my_feed_add(request: AuthedRequest, payload: FeedIn) -> Status[FeedOut]:
    feed = services.feed_subscribe_personal(person=request.auth, url=payload.url)
    tasks.feed_poll_soon(feed.pk)
    return Status(201, _feed_out(feed))


@router.get("/me/watch", response={200: WatchPageOut, ERRORS: ErrorOut})
def my_watch(request: AuthedRequest, filters: Query[WatchFilters]) -> WatchPageOut:
    page = selectors.watch_page(request.auth, cursor=filters.cursor, limit=filters.limit)
    return WatchPageOut(items=[_item_out(i) for i in page.items], next=page.next_cursor)
