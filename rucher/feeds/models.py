"""Watch feeds (F-WATCH-FEEDS): RSS/Atom subscriptions of a community or a person, and the
items they brought in (each once: `WatchItem` is unique per feed and entry key)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community
from rucher.content.models import Post

MAX_URL_LENGTH = 2000
DEFAULT_INTERVAL_MINUTES = 30


class WatchFeed(models.Model):
    """One subscription: either a community's (its managers run it) or a person's own."""

    url = models.URLField(_("address"), max_length=MAX_URL_LENGTH)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="watch_feeds"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="watch_feeds",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    interval_minutes = models.PositiveIntegerField(default=DEFAULT_INTERVAL_MINUTES)
    # Conditional GET: what the server sent last time, sent back as If-None-Match and
    # If-Modified-Since so an unchanged feed costs a 304 and no parsing.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField()
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # "ok", "not_modified" or the stable code of the last failure (OutboundError codes,
    # "http_error", "not_a_feed").
    last_status = models.CharField(max_length=40, blank=True)
    error = models.CharField(max_length=500, blank=True)
    failure_count = models.PositiveIntegerField(default=0)
    failing_since = models.DateTimeField(null=True, blank=True)
    paused_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("watch feed")
        verbose_name_plural = _("watch feeds")
        constraints = [
            models.CheckConstraint(
                condition=Q(community__isnull=False, owner__isnull=True)
                | Q(community__isnull=True, owner__isnull=False),
                name="watch_feed_one_subscriber",
            ),
            models.UniqueConstraint(
                fields=["community", "url"],
                name="watch_feed_community_url",
                condition=Q(community__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["owner", "url"],
                name="watch_feed_owner_url",
                condition=Q(owner__isnull=False),
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_poll_at"], name="watch_feed_due", condition=Q(paused_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return self.title or self.url

    @property
    def source_name(self) -> str:
        return self.title or self.url


class WatchItem(models.Model):
    """One entry of a feed, published once: `key` (a hash of the entry's id, else its link) is
    unique per feed, so two workers polling the same feed cannot both publish it."""

    feed = models.ForeignKey(WatchFeed, on_delete=models.CASCADE, related_name="items")
    # Copied from a personal feed, so a person's watch page is one index range scan.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=64)
    title = models.CharField(max_length=300)
    link = models.URLField(max_length=MAX_URL_LENGTH, blank=True)
    summary_html = models.TextField(blank=True)
    published_at = models.DateTimeField()
    # The community post it became (community feeds only).
    post = models.OneToOneField(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="watch_item"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "key"], name="watch_item_once"),
        ]
        indexes = [
            models.Index(fields=["feed", "-published_at", "-id"], name="watch_items_by_feed"),
            models.Index(
                fields=["owner", "-published_at", "-id"],
                name="watch_items_by_owner",
                condition=Q(owner__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return self.title
