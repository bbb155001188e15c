"""Polling watch feeds against a real local HTTP server: new items once, conditional GET (304),
errors with back-off, pause after 7 days, the fetch guard, sanitising, no points."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rucher.content.models import Post, PostKind
from rucher.feeds import services
from rucher.feeds.models import WatchFeed, WatchItem
from rucher.notifications.models import Notification
from rucher.recognition.models import PointsEntry
from tests.feeds.conftest import rss

pytestmark = pytest.mark.django_db


def _subscribe(club, server, path="/feed.xml"):
    return services.feed_subscribe_community(
        actor=club.manager, community=club.community, url=server.url(path)
    )


def _poll(feed, *, at=None):
    WatchFeed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() - timedelta(seconds=1))
    return services.feed_poll(feed_id=feed.pk, now=at)


def test_it_publishes_each_new_item_once_in_the_community_stream(club, allow):
    allow.routes["/feed.xml"] = lambda r: (
        200,
        {"Content-Type": "application/rss+xml"},
        rss(
            ("a1", "First", "<p>Hello <b>world</b></p>"),
            ("a2", "Second", "<p>Again</p>"),
        ),
    )
    feed = _subscribe(club, allow)
    result = _poll(feed)
    assert result.status == "ok"
    assert result.published == 2
    posts = Post.objects.filter(kind=PostKind.WATCH, communities=club.community)
    assert sorted(posts.values_list("title", flat=True)) == ["First", "Second"]
    post = posts.get(title="First")
    assert post.author is None
    assert "<strong>world</strong>" in post.body_html or "<b>" not in post.body_html
    assert "https://news.example/a1" in post.body_html
    assert "Tech news" in post.body_html  # the source's name
    feed.refresh_from_db()
    assert feed.title == "Tech news"
    assert feed.last_status == "ok"
    # A second poll of the same items publishes nothing.
    assert _poll(feed).published == 0
    assert posts.count() == 2
    assert WatchItem.objects.filter(feed=feed).count() == 2


def test_it_only_adds_what_is_new(club, allow):
    items = [("a1", "First", "one")]
    allow.routes["/feed.xml"] = lambda r: (200, {}, rss(*items))
    feed = _subscribe(club, allow)
    _poll(feed)
    items.append(("a2", "Second", "two"))
    assert _poll(feed).published == 1
    assert Post.objects.filter(kind=PostKind.WATCH).count() == 2


def test_it_sends_a_conditional_get_and_accepts_304(club, allow):
    def handler(request):
        if request.headers.get("if-none-match") == '"v1"':
            return 304, {}, b""
        return (
            200,
            {"ETag": '"v1"', "Last-Modified": "Tue, 01 Dec 2026 10:00:00 GMT"},
            rss(("a1", "First", "one")),
        )

    allow.routes["/feed.xml"] = handler
    feed = _subscribe(club, allow)
    assert _poll(feed).status == "ok"
    assert _poll(feed).status == "not_modified"
    second = allow.received[-1]
    assert second.headers["if-none-match"] == '"v1"'
    assert second.headers["if-modified-since"] == "Tue, 01 Dec 2026 10:00:00 GMT"
    feed.refresh_from_db()
    assert feed.last_status == "not_modified"
    assert feed.next_poll_at > timezone.now() + timedelta(minutes=20)
    assert Post.objects.filter(kind=PostKind.WATCH).count() == 1


def test_it_strips_scripts_and_images_from_summaries(club, allow):
    allow.routes["/feed.xml"] = lambda r: (
        200,
        {},
        rss(
            (
                "x",
                "Hostile",
                '<script>alert(1)</script><img src="https://t.example/p.gif">'
                '<a href="javascript:alert(1)">x</a><p onclick="x()">text</p>',
            ),
        ),
    )
    feed = _subscribe(club, allow)
    _poll(feed)
    html = Post.objects.get(kind=PostKind.WATCH).body_html
    for bad in ("<script", "<img", "javascript:", "onclick"):
        assert bad not in html
    assert "text" in html


def test_imported_items_earn_no_points_and_notify_nobody(club, allow):
    allow.routes["/feed.xml"] = lambda r: (200, {}, rss(("a1", "First", "one")))
    feed = _subscribe(club, allow)
    before = Notification.objects.count()
    _poll(feed)
    assert PointsEntry.objects.count() == 0
    assert Notification.objects.count() == before


def test_a_server_error_is_stored_and_backs_off(club, allow):
    allow.routes["/feed.xml"] = lambda r: (500, {}, b"boom")
    feed = _subscribe(club, allow)
    now = timezone.now()
    assert _poll(feed, at=now).status == "http_error"
    feed.refresh_from_db()
    assert "500" in feed.error
    assert feed.failure_count == 1
    first_wait = feed.next_poll_at - now
    _poll(feed, at=now)
    feed.refresh_from_db()
    assert feed.failure_count == 2
    assert feed.next_poll_at - now > first_wait  # exponential back-off
    assert feed.paused_at is None
    assert not Post.objects.filter(kind=PostKind.WATCH).exists()


def test_a_page_that_is_not_a_feed_is_an_error(club, allow):
    allow.routes["/feed.xml"] = lambda r: (200, {"Content-Type": "text/html"}, b"<html>hi</html>")
    feed = _subscribe(club, allow)
    assert _poll(feed).status == "not_a_feed"
    feed.refresh_from_db()
    assert feed.error


def test_a_feed_failing_for_7_days_is_paused_and_managers_are_told(club, allow):
    allow.routes["/feed.xml"] = lambda r: (503, {}, b"")
    feed = _subscribe(club, allow)
    start = timezone.now()
    _poll(feed, at=start)
    assert _poll(feed, at=start + timedelta(days=7, minutes=1)).status == "http_error"
    feed.refresh_from_db()
    assert feed.paused_at is not None
    told = Notification.objects.filter(kind=Notification.Kind.FEED_PAUSED)
    assert list(told.values_list("recipient__username", flat=True)) == ["manon"]
    # A paused feed is not due any more.
    assert feed.pk not in services.feeds_due(now=start + timedelta(days=30))
    # "Poll now" resumes it.
    services.feed_resume(actor=club.manager, feed=feed)
    assert feed.pk in services.feeds_due()


def test_the_guard_refuses_the_local_server_without_the_allow_list(club, server):
    server.routes["/feed.xml"] = lambda r: (200, {}, rss(("a1", "First", "one")))
    feed = _subscribe(club, server)
    assert _poll(feed).status == "address_not_allowed"
    assert server.received == []  # nothing was fetched from the private address
    feed.refresh_from_db()
    assert "RUCHER_OUTBOUND_ALLOWED_HOSTS" in feed.error
    assert not Post.objects.filter(kind=PostKind.WATCH).exists()


def test_a_redirect_to_a_private_address_is_refused(club, allow, settings):
    allow.routes["/feed.xml"] = lambda r: (302, {"Location": "http://10.0.0.1/feed"}, b"")
    feed = _subscribe(club, allow)
    assert _poll(feed).status == "address_not_allowed"
    assert not Post.objects.filter(kind=PostKind.WATCH).exists()


def test_a_feed_claimed_by_another_worker_is_skipped(club, allow):
    allow.routes["/feed.xml"] = lambda r: (200, {}, rss(("a1", "First", "one")))
    feed = _subscribe(club, allow)
    WatchFeed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() + timedelta(minutes=5))
    assert services.feed_poll(feed_id=feed.pk).status == "skipped"
    assert allow.received == []


def test_a_personal_feed_fills_the_watch_page_not_a_community(club, allow):
    allow.routes["/feed.xml"] = lambda r: (200, {}, rss(("a1", "First", "one")))
    feed = services.feed_subscribe_personal(person=club.member, url=allow.url("/feed.xml"))
    _poll(feed)
    item = WatchItem.objects.get(feed=feed)
    assert item.owner == club.member
    assert item.post is None
    assert not Post.objects.filter(kind=PostKind.WATCH).exists()


@pytest.mark.parametrize(
    "url", ["ftp://example.org/feed", "javascript:alert(1)", "", "http://user:pw@example.org/"]
)
def test_it_refuses_addresses_that_are_not_http(club, url):
    with pytest.raises(ValidationError) as error:
        services.feed_subscribe_community(actor=club.manager, community=club.community, url=url)
    assert "url" in error.value.message_dict
    assert not WatchFeed.objects.exists()


def test_only_managers_subscribe_a_community(club):
    with pytest.raises(PermissionDenied):
        services.feed_subscribe_community(
            actor=club.member, community=club.community, url="https://news.example/feed"
        )


def test_the_same_feed_twice_is_refused(club):
    services.feed_subscribe_community(
        actor=club.manager, community=club.community, url="https://news.example/feed"
    )
    with pytest.raises(ValidationError):
        services.feed_subscribe_community(
            actor=club.manager, community=club.community, url="https://news.example/feed"
        )
