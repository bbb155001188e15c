"""Reads of watch feeds: a subscriber's feeds and a person's watch page."""

from django.db.models import QuerySet

from rucher.accounts.models import User
from rucher.communities.models import Community
from rucher.core.pagination import Page, keyset_page
from rucher.feeds.models import WatchFeed, WatchItem

WATCH_PAGE_SIZE = 20


def feeds_of_community(community: Community) -> QuerySet[WatchFeed]:
    return WatchFeed.objects.filter(community=community).order_by("created_at", "id")


def feeds_of_person(person: User) -> QuerySet[WatchFeed]:
    return WatchFeed.objects.filter(owner=person).order_by("created_at", "id")


def watch_page(
    person: User, *, cursor: str | None = None, limit: int = WATCH_PAGE_SIZE
) -> Page[WatchItem]:
    """The items of a person's own feeds, newest first (one index range scan on owner)."""
    return keyset_page(
        WatchItem.objects.filter(owner=person).select_related("feed"),
        keys=("-published_at", "-id"),
        cursor=cursor,
        limit=limit,
        scope="watch",
    )
