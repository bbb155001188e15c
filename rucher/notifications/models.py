"""One notification for one person; `key` makes each fan-out idempotent (never notified twice)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rucher.communities.models import Community
from rucher.content.models import Comment, Post


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mention")
    COMMENT = "comment", _("Comment on my post")
    REPLY = "reply", _("Reply to my comment")
    LIKE = "like", _("Like")
    JOIN_REQUEST = "join_request", _("Join request")
    JOIN_DECISION = "join_decision", _("Join request decided")
    ANNOUNCEMENT = "announcement", _("Announcement")
    READ_REMINDER = "read_reminder", _("Reminder to read")
    ANSWER = "answer", _("Answer to my question")
    ANSWER_ACCEPTED = "answer_accepted", _("My answer was accepted")
    QUESTION_ROUTED = "question_routed", _("A question for my expertise")
    QUESTION_DUE = "question_due", _("A question about to miss its answer-time promise")
    FIRST_CONTRIBUTION = "first_contribution", _("A first contribution to welcome")
    BADGE = "badge", _("Badge earned")
    WEEKLY_TOP = "weekly_top", _("In the top 3 of the week")
    KUDOS = "kudos", _("Thanks received")
    SERVICE_REPLY = "service_reply", _("Reply to my offer or request")
    SERVICE_ACCEPTED = "service_accepted", _("My reply was accepted")
    DESK_BOOKED = "desk_booked", _("Desk booking")
    COFFEE = "coffee", _("Coffee proposal")
    COFFEE_ANSWER = "coffee_answer", _("Answer to my coffee proposal")
    IDEA_STATUS = "idea_status", _("News of an idea I proposed or voted for")
    WEBHOOK_DISABLED = "webhook_disabled", _("A webhook was disabled after failing")
    FEED_PAUSED = "feed_paused", _("A watch feed was paused")
    EVENT_REMINDER = "event_reminder", _("Reminder of an event I am going to")
    EVENT_CHANGED = "event_changed", _("An event I am going to changed")
    EVENT_CANCELLED = "event_cancelled", _("An event I am going to was cancelled")


class Notification(models.Model):
    Kind = NotificationKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # Extra words for the message (e.g. "approved"/"rejected"); never secrets.
    data = models.JSONField(default=dict, blank=True)
    # What this notification is about, e.g. "comment:42" — unique per recipient.
    key = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notifications_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notifications_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
