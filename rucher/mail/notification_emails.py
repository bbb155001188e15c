"""Immediate notification emails (F-EMAIL-NOTIFY): one queued email per notification, for the
recipients whose preference for its kind is "immediate".

Each email waits RUCHER_EMAIL_GRACE_SECONDS in the outbox; when it is due, the sender skips it
if the notification was read in the web UI meanwhile, the preference changed, or the recipient
can no longer see what it is about (checked again at send time: the content was rendered when
queued, so nothing leaks to someone who lost access in between).
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.text import Truncator

from rucher.mail import preferences
from rucher.mail.models import Delivery, OutboxMessage
from rucher.mail.outbox import outbox_put
from rucher.notifications.messages import notification_message, notification_url
from rucher.notifications.models import Notification
from rucher.notifications.selectors import visible_notifications

BATCH_SIZE = 200
EXCERPT_LENGTH = 600


def _excerpt(notification: Notification) -> str:
    """The comment's or the post's text (the Markdown source: plain text, never HTML)."""
    if notification.comment is not None:
        text = notification.comment.body
    elif notification.post is not None:
        text = notification.post.body
    else:
        return ""
    return Truncator(text.strip()).chars(EXCERPT_LENGTH)


def _quoted(text: str) -> str:
    return "\n".join(f"> {line}".rstrip() for line in text.splitlines())


def notification_email_put(
    notification: Notification, *, now: datetime | None = None
) -> OutboxMessage | None:
    """Queues the email of one notification (None when it is read, or no longer visible to
    its recipient, or already queued)."""
    n = notification
    recipient = n.recipient
    if n.read_at is not None:
        return None
    if not visible_notifications(recipient).filter(pk=n.pk).exists():
        return None
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        message = notification_message(n, gender=recipient.grammatical_gender)
    excerpt = _excerpt(n)
    post = n.post
    commentable = post is not None and not post.is_hidden
    # The grace runs from the event, not from this job (which may run late).
    start = n.created_at or now or timezone.now()
    return outbox_put(
        key=f"notif:{recipient.pk}:{n.key}",
        recipient=recipient,
        kind=n.kind,
        template="notification",
        context={
            "notification": n,
            "message": message,
            "community": n.community.name if n.community else "",
            "excerpt": excerpt,
            "excerpt_quoted": _quoted(excerpt),
            "url": f"{settings.RUCHER_BASE_URL}{notification_url(n)}",
        },
        not_before=start + timedelta(seconds=settings.RUCHER_EMAIL_GRACE_SECONDS),
        notification=n,
        thread_post=post,
        reply_post=post if commentable else None,
    )


def notification_emails_queue(*, kind: str, key: str, recipient_ids: list[int]) -> int:
    """Queues the emails of one notify() call; returns how many were queued. Idempotent: a
    retried job finds the outbox keys taken."""
    ids = sorted({pk for pk in recipient_ids if pk})
    queued = 0
    now = timezone.now()
    for start in range(0, len(ids), BATCH_SIZE):
        batch = ids[start : start + BATCH_SIZE]
        deliveries = preferences.deliveries_among(batch, kind)
        wanted = [pk for pk in batch if deliveries[pk] == Delivery.IMMEDIATE]
        if not wanted:
            continue
        notifications = Notification.objects.filter(
            recipient_id__in=wanted, key=key, kind=kind, read_at__isnull=True
        ).select_related("recipient", "actor", "community", "post", "comment")
        for notification in notifications:
            if notification_email_put(notification, now=now) is not None:
                queued += 1
    return queued
