"""Watch feeds: subscribing, unsubscribing and polling (F-WATCH-FEEDS).

Polling is claimed like a healthchecks report: `UPDATE … SET next_poll_at = lease WHERE
next_poll_at = <value read>`; a worker that changes no row leaves the feed to the one that did.
Each entry is published once: its `WatchItem` row is inserted first, under a unique
(feed, key) constraint, and only the worker whose insert succeeded creates the post.
Imported items earn no points and notify nobody (no rucher.actions call).
"""

import hashlib
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser
import nh3
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from rucher.accounts.models import User
from rucher.communities import access as community_access
from rucher.communities.models import Community, Membership
from rucher.content import services as content
from rucher.content.models import PostKind
from rucher.core import outbound
from rucher.core.audit import audit_record
from rucher.core.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS
from rucher.feeds.models import MAX_URL_LENGTH, WatchFeed, WatchItem
from rucher.notifications.models import Notification
from rucher.notifications.services import notify

MAX_FEEDS_PER_SUBSCRIBER = 50
# A failing feed waits interval × 2^failures, at most this long, between tries.
MAX_BACKOFF = timedelta(hours=6)
# A feed failing this long is paused and its managers (or owner) are told.
PAUSE_AFTER = timedelta(days=7)
# How long a worker holds a feed it claimed (longer than the 10 s fetch deadline).
LEASE = timedelta(minutes=5)
# Entries published per poll: a first poll of a feed with years of history stays small.
MAX_ITEMS_PER_POLL = 30
SUMMARY_MAX_CHARS = 5_000
USER_AGENT = "Rucher watch feeds (+https://rucher.example/)"
# Remote images would let a feed's author see who reads (tracking pixels): text only.
SUMMARY_TAGS = ALLOWED_TAGS - {"img", "h1", "h2"}
SUMMARY_ATTRIBUTES = {k: v for k, v in ALLOWED_ATTRIBUTES.items() if k != "img"}


# --- subscribing ---------------------------------------------------------------------------


def _clean_url(url: object) -> str:
    if not isinstance(url, str) or not url.strip():
        raise ValidationError({"url": [_("Give the address of an RSS or Atom feed.")]})
    url = url.strip()
    if len(url) > MAX_URL_LENGTH:
        raise ValidationError({"url": [_("This address is too long.")]})
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https"):
        raise ValidationError({"url": [_("Only http:// and https:// addresses are allowed.")]})
    if not parts.hostname or parts.username is not None or parts.password is not None:
        raise ValidationError({"url": [_("This address is not a valid URL.")]})
    # Where the host resolves is checked on every poll, by the guarded client.
    return url


def _subscribe(
    *, actor: User, url: str, community: Community | None, owner: User | None
) -> WatchFeed:
    clean = _clean_url(url)
    existing = WatchFeed.objects.filter(Q(community=community) if community else Q(owner=owner))
    if existing.filter(url=clean).exists():
        raise ValidationError({"url": [_("This feed is already followed here.")]})
    if existing.count() >= MAX_FEEDS_PER_SUBSCRIBER:
        raise ValidationError(
            {"url": [_("At most %(max)d feeds.") % {"max": MAX_FEEDS_PER_SUBSCRIBER}]}
        )
    try:
        with transaction.atomic():
            feed = WatchFeed.objects.create(
                url=clean,
                community=community,
                owner=owner,
                created_by=actor,
                next_poll_at=timezone.now(),
            )
    except IntegrityError as exc:  # the same URL added twice at once
        raise ValidationError({"url": [_("This feed is already followed here.")]}) from exc
    audit_record(
        action="feed.subscribe",
        actor=actor,
        target=community.slug if community else f"@{actor.username}",
        data={"feed": feed.pk, "url": clean},
    )
    return feed


@transaction.atomic
def feed_subscribe_community(*, actor: User, community: Community, url: str) -> WatchFeed:
    """A community's managers (or an administrator) subscribe it to a feed; the caller
    enqueues the first poll after commit (rucher.feeds.tasks.feed_poll_soon)."""
    community_access.refresh_viewer_membership(actor, community)
    if not community_access.can_manage(actor, community):
        raise PermissionDenied
    return _subscribe(actor=actor, url=url, community=community, owner=None)


@transaction.atomic
def feed_subscribe_personal(*, person: User, url: str) -> WatchFeed:
    """A person subscribes their own watch page to a feed."""
    return _subscribe(actor=person, url=url, community=None, owner=person)


@transaction.atomic
def feed_delete(*, actor: User, feed: WatchFeed) -> None:
    """Unsubscribes; the posts it already published stay in the stream."""
    if not can_manage_feed(actor, feed):
        raise PermissionDenied
    audit_record(
        action="feed.unsubscribe",
        actor=actor,
        target=feed.community.slug if feed.community else f"@{actor.username}",
        data={"feed": feed.pk, "url": feed.url},
    )
    feed.delete()


def can_manage_feed(viewer: User, feed: WatchFeed) -> bool:
    if feed.owner_id is not None:
        return bool(feed.owner_id == viewer.pk)
    assert feed.community is not None
    community_access.refresh_viewer_membership(viewer, feed.community)
    return community_access.can_manage(viewer, feed.community)


@transaction.atomic
def feed_resume(*, actor: User, feed: WatchFeed) -> WatchFeed:
    """ "Poll now": a paused or backed-off feed is due at once (the caller enqueues the poll)."""
    if not can_manage_feed(actor, feed):
        raise PermissionDenied
    now = timezone.now()
    WatchFeed.objects.filter(pk=feed.pk).update(paused_at=None, next_poll_at=now)
    feed.paused_at, feed.next_poll_at = None, now
    return feed


# --- polling -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PollResult:
    status: str  # "ok", "not_modified", a failure code, or "skipped" (not due / claimed)
    published: int = 0


def feeds_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """The ids of feeds whose poll is due (the periodic job enqueues one task each)."""
    now = now or timezone.now()
    return list(
        WatchFeed.objects.filter(paused_at__isnull=True, next_poll_at__lte=now)
        .order_by("next_poll_at", "id")
        .values_list("pk", flat=True)[:limit]
    )


def _claim(feed_id: int, *, now: datetime) -> WatchFeed | None:
    feed = (
        WatchFeed.objects.select_related("community")
        .filter(pk=feed_id, paused_at__isnull=True, next_poll_at__lte=now)
        .first()
    )
    if feed is None:
        return None
    claimed = WatchFeed.objects.filter(pk=feed.pk, next_poll_at=feed.next_poll_at).update(
        next_poll_at=now + LEASE
    )
    return feed if claimed else None


def _next_success_time(feed: WatchFeed, now: datetime) -> datetime:
    # Spread: ±10 % so feeds added together do not stay in step for ever.
    interval = feed.interval_minutes * 60
    return now + timedelta(seconds=interval + random.uniform(-interval / 10, interval / 10))


def feed_poll(*, feed_id: int, now: datetime | None = None) -> PollResult:
    """Polls one due feed (conditional GET through the guarded client), publishes its new
    entries once each, and records the outcome. Safe to run twice at once or to retry."""
    now = now or timezone.now()
    feed = _claim(feed_id, now=now)
    if feed is None:
        return PollResult(status="skipped")
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
    }
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        response = outbound.fetch(feed.url, headers=headers)
    except outbound.OutboundError as exc:
        return _failed(feed, now=now, code=exc.code, message=exc.message)
    if response.status == 304:
        _succeeded(feed, now=now, status="not_modified")
        return PollResult(status="not_modified")
    if response.status != 200:
        return _failed(
            feed,
            now=now,
            code="http_error",
            message=_("The server answered with the error %(status)d.")
            % {"status": response.status},
        )
    parsed = feedparser.parse(response.body, response_headers=response.headers)
    if not parsed.get("version") and not parsed.entries:
        return _failed(
            feed,
            now=now,
            code="not_a_feed",
            message=_("This address does not give an RSS or Atom feed."),
        )
    title = Truncator(" ".join(str(parsed.feed.get("title", "")).split())).chars(200)
    if title and not feed.title:
        feed.title = title  # the source name of the posts published below
        WatchFeed.objects.filter(pk=feed.pk).update(title=title)
    published = _publish_entries(feed, parsed.entries, now=now)
    _succeeded(
        feed,
        now=now,
        status="ok",
        etag=response.headers.get("etag", "")[:500],
        last_modified=response.headers.get("last-modified", "")[:100],
    )
    return PollResult(status="ok", published=published)


def _entry_key(entry: Any) -> str | None:
    ident = entry.get("id") or entry.get("link")
    if not ident:
        ident = (entry.get("title") or "") + "\x00" + (entry.get("published") or "")
        if ident == "\x00":
            return None
    return hashlib.sha256(str(ident).encode()).hexdigest()


def _entry_time(entry: Any, now: datetime) -> datetime:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if parsed:
        try:
            year, month, day, hour, minute, second = parsed[:6]
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (TypeError, ValueError):
            return now
        return min(moment, now)  # an entry "from the future" does not stay on top
    return now


def _safe_link(link: object) -> str:
    if not isinstance(link, str) or len(link) > MAX_URL_LENGTH:
        return ""
    return link if link.lower().startswith(("http://", "https://")) else ""


def sanitise_summary(html: str) -> str:
    """A feed's summary, sanitised by nh3 (no images, no scripts, links noopener nofollow)."""
    return nh3.clean(
        html[: SUMMARY_MAX_CHARS * 4],
        tags=SUMMARY_TAGS,
        attributes=SUMMARY_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener nofollow",
    )


def _publish_entries(feed: WatchFeed, entries: list[Any], *, now: datetime) -> int:
    # Oldest first, so the stream reads in the feed's order; the newest MAX_ITEMS_PER_POLL.
    candidates = []
    for entry in entries[:MAX_ITEMS_PER_POLL]:
        key = _entry_key(entry)
        if key is not None:
            candidates.append((key, entry))
    known = set(
        WatchItem.objects.filter(feed=feed, key__in=[k for k, _e in candidates]).values_list(
            "key", flat=True
        )
    )
    published = 0
    for key, entry in reversed(candidates):
        if key in known:
            continue
        if _publish_one(feed, key, entry, now=now):
            published += 1
    return published


def _publish_one(feed: WatchFeed, key: str, entry: Any, *, now: datetime) -> bool:
    title = Truncator(" ".join(str(entry.get("title") or "").split())).chars(300) or _("(untitled)")
    link = _safe_link(entry.get("link"))
    raw_summary = entry.get("summary") or ""
    if not raw_summary and entry.get("content"):
        raw_summary = entry["content"][0].get("value", "")
    summary_html = sanitise_summary(str(raw_summary))
    published_at = _entry_time(entry, now)
    try:
        with transaction.atomic():
            item = WatchItem.objects.create(
                feed=feed,
                owner_id=feed.owner_id,
                key=key,
                title=title,
                link=link,
                summary_html=summary_html,
                published_at=published_at,
            )
            if feed.community is not None:
                item.post = _community_post(feed, item)
                item.save(update_fields=["post"])
    except IntegrityError:  # another worker published it first
        return False
    return True


def _community_post(feed: WatchFeed, item: WatchItem) -> Any:
    assert feed.community is not None
    source = feed.source_name
    # No translated word in the stored HTML: readers of every language see the same post.
    source_line = (
        f'<p class="watch-source">↗ <a href="{escape(item.link)}" rel="noopener nofollow">'
        f"{escape(source)}</a></p>"
        if item.link
        else f'<p class="watch-source">↗ {escape(source)}</p>'
    )
    text = nh3.clean(item.summary_html, tags=set())  # plain text, for search and emails
    body = "\n\n".join(part for part in (text.strip(), item.link, source) if part)
    return content.post_create_unattended(
        author=None,
        communities=[feed.community],
        kind=PostKind.WATCH,
        title=item.title,
        body=body,
        body_html=item.summary_html + source_line,
        created_at=item.published_at,
    )


def _succeeded(
    feed: WatchFeed,
    *,
    now: datetime,
    status: str,
    etag: str | None = None,
    last_modified: str | None = None,
) -> None:
    changes: dict[str, Any] = {
        "last_polled_at": now,
        "last_status": status,
        "error": "",
        "failure_count": 0,
        "failing_since": None,
        "next_poll_at": _next_success_time(feed, now),
    }
    if etag is not None:
        changes["etag"] = etag
    if last_modified is not None:
        changes["last_modified"] = last_modified
    WatchFeed.objects.filter(pk=feed.pk).update(**changes)


def _failed(feed: WatchFeed, *, now: datetime, code: str, message: str) -> PollResult:
    failures = feed.failure_count + 1
    failing_since = feed.failing_since or now
    backoff = min(timedelta(minutes=feed.interval_minutes) * (2 ** min(failures, 12)), MAX_BACKOFF)
    changes: dict[str, Any] = {
        "last_polled_at": now,
        "last_status": code[:40],
        "error": message[:500],
        "failure_count": failures,
        "failing_since": failing_since,
        "next_poll_at": now + backoff,
    }
    pause = now - failing_since >= PAUSE_AFTER
    if pause:
        changes["paused_at"] = now
    with transaction.atomic():
        WatchFeed.objects.filter(pk=feed.pk).update(**changes)
        if pause:
            _notify_paused(feed, now=now)
    return PollResult(status=code)


def _notify_paused(feed: WatchFeed, *, now: datetime) -> None:
    if feed.community is not None:
        recipients = list(
            Membership.objects.filter(
                community=feed.community,
                status=Membership.Status.MEMBER,
                role__in=Membership.MANAGING_ROLES,
                person__is_active=True,
            ).values_list("person_id", flat=True)
        )
    else:
        recipients = [feed.owner_id] if feed.owner_id else []
    notify(
        recipient_ids=recipients,
        kind=Notification.Kind.FEED_PAUSED,
        key=f"feed_paused:{feed.pk}:{now:%Y%m%d%H%M}",
        community_id=feed.community_id,
        data={"feed": feed.source_name[:200], "feed_id": feed.pk},
    )
