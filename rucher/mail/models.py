"""Email with the network (F-EMAIL-NOTIFY, F-DIGEST, F-REPLY-BY-EMAIL, F-POST-BY-EMAIL).

- `EmailPreference`: per person and notification kind, how they want to hear about it.
- `OutboxMessage`: one email to send, rendered when queued, unique by `key` (recipient, event),
  so the same event is never queued twice; the sender claims a row before talking SMTP.
- `AddressHealth`: failures per address; an address is paused after too many.
- `ReplyToken`: the random part of `reply+<token>@<domain>`, stored hashed, bound to one person
  and one post.
- `DigestRun`: one digest per person, period and period start: never twice.
- `InboundMessage`: what happened to each received email (logged; a redelivery does nothing).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rucher.content.models import Comment, Post
from rucher.notifications.models import Notification


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediately")
    DAILY = "daily", _("In the daily digest")
    WEEKLY = "weekly", _("In the weekly digest")
    NEVER = "never", _("Never")


class EmailPreference(models.Model):
    Delivery = Delivery

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    # A notification kind, or "digest" (how often the digest of one's communities comes:
    # daily, weekly or never). Validated by the services.
    kind = models.CharField(max_length=20)
    delivery = models.CharField(max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("email preference")
        verbose_name_plural = _("email preferences")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind"], name="email_preference_once"),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="email_preference_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}: {self.delivery}"


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Not sent on purpose (read meanwhile, preference changed, address paused, no access).
    SKIPPED = "skipped", _("Skipped")
    # Gave up after the retries.
    FAILED = "failed", _("Failed")
    # A worker died after claiming it: it may or may not have left; never sent again.
    UNKNOWN = "unknown", _("Unknown")


class OutboxMessage(models.Model):
    State = OutboxState

    key = models.CharField(max_length=150, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbox_messages"
    )
    to_address = models.EmailField()
    # A notification kind, or "digest_daily", "digest_weekly", "account".
    kind = models.CharField(max_length=30)
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(max_length=255)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # Extra headers: List-Unsubscribe, In-Reply-To, References, Reply-To…
    headers = models.JSONField(default=dict, blank=True)
    # Small text files sent with the email: [{"filename", "content_type", "content"}] (e.g. a
    # desk booking's .ics). Stored with the message so a retry sends the same bytes.
    attachments = models.JSONField(default=list, blank=True)
    message_id = models.CharField(max_length=255)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=OutboxState.values), name="outbox_state_valid"
            ),
        ]
        indexes = [
            models.Index(
                fields=["not_before", "id"],
                condition=Q(state="pending"),
                name="outbox_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(state="sending"), name="outbox_claimed"
            ),
            models.Index(fields=["recipient", "-created_at"], name="outbox_by_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"


class AddressHealth(models.Model):
    address = models.EmailField(unique=True)
    failures = models.PositiveIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address health")
        verbose_name_plural = _("address health")

    def __str__(self) -> str:
        return f"{self.address}: {self.failures}"


class ReplyToken(models.Model):
    # SHA-256 hex of the token; the token itself only ever exists in the email.
    token_hash = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reply_tokens"
    )
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply token")
        verbose_name_plural = _("reply tokens")
        indexes = [models.Index(fields=["person", "post"], name="reply_token_by_person_post")]

    def __str__(self) -> str:
        return f"reply token of {self.person_id} for {self.post_id}"


class PostingAddress(models.Model):
    """A member's personal address for posting in one community by email:
    `<slug>+<token>@<RUCHER_MAIL_DOMAIN>` (rucher.mail.posting). The token is an HMAC of `salt`
    under SECRET_KEY, so it can be shown again on the member's pages while the database alone
    (salt and SHA-256 of the token) gives no usable address. An empty salt: turned off."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posting_addresses"
    )
    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+"
    )
    salt = models.CharField(max_length=64, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("posting address")
        verbose_name_plural = _("posting addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "community"], name="posting_address_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"posting address of {self.person_id} in {self.community_id}"


class DigestPeriod(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")


class DigestRun(models.Model):
    Period = DigestPeriod

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_runs"
    )
    period = models.CharField(max_length=10, choices=Period.choices)
    # The first day of the period (organisation time zone): a day, or the Monday of a week.
    period_start = models.DateField()
    # What the digest covered: content after `since`, up to `until`.
    since = models.DateTimeField()
    until = models.DateTimeField()
    # Empty digests are recorded too (nothing sent), so the period is not examined twice.
    sent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "period", "period_start"], name="digest_once_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "period", "-period_start"], name="digest_last"),
        ]

    def __str__(self) -> str:
        return f"{self.period} digest {self.period_start} for {self.person_id}"


class InboundOutcome(models.TextChoices):
    COMMENTED = "commented", _("Comment created")
    POSTED = "posted", _("Post created")
    BOUNCED = "bounced", _("Rejected with a bounce")
    DROPPED = "dropped", _("Dropped silently")


class InboundMessage(models.Model):
    Outcome = InboundOutcome

    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=255, blank=True)
    recipient = models.CharField(max_length=255, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # A stable code (e.g. "unknown_sender", "not_member", "auto_reply") for logs and tests.
    reason = models.CharField(max_length=40, blank=True)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("received email")
        verbose_name_plural = _("received emails")
        constraints = [
            # A message redelivered by the MTA creates nothing twice.
            models.UniqueConstraint(
                fields=["message_id", "recipient"],
                condition=Q(outcome__in=["commented", "posted"]) & ~Q(message_id=""),
                name="inbound_once",
            ),
        ]
        indexes = [models.Index(fields=["-created_at"], name="inbound_recent")]

    def __str__(self) -> str:
        return f"{self.message_id} → {self.recipient}: {self.outcome}"
