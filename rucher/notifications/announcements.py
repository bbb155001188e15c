"""Announcements (F-ANNOUNCE): notify members on publication, remind who has not read a
must-read post after a delay. The fan-out runs in background tasks, one per post, in batches;
each step is idempotent (notification keys, one ReadReminder row per person and post)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from rucher.communities.models import Membership
from rucher.content.models import Post, PostCommunity, PostKind, PostRead, ReadReminder
from rucher.notifications.models import Notification
from rucher.notifications.services import notify

BATCH_SIZE = 500
DEFAULT_REMINDER_HOURS = 48
# Older must-read posts are not looked at again: the job's cost stays bounded over the years.
DEFAULT_REMINDER_WINDOW_DAYS = 14


def reminder_delay() -> timedelta:
    return timedelta(
        hours=getattr(settings, "RUCHER_MUST_READ_REMINDER_HOURS", DEFAULT_REMINDER_HOURS)
    )


def reminder_window() -> timedelta:
    return timedelta(
        days=getattr(
            settings, "RUCHER_MUST_READ_REMINDER_WINDOW_DAYS", DEFAULT_REMINDER_WINDOW_DAYS
        )
    )


def announcement_published(*, post_id: int) -> None:
    """To call when a post is published: if it is an announcement, its communities' members
    are notified in the background (enqueued after the surrounding transaction commits)."""
    # Imported here: the tasks module imports this one (its jobs call the functions below).
    from rucher.notifications.tasks import announcement_notify_task

    announcement_notify_task.enqueue(post_id)


def _members(community_id: int) -> QuerySet[Membership]:
    return Membership.objects.filter(
        community_id=community_id, status=Membership.Status.MEMBER, person__is_active=True
    )


def announcement_notify(*, post_id: int) -> int:
    """Notifies the members of each community of the announcement (once each, whatever the
    number of its communities they are in). Returns how many were offered a notification."""
    post = Post.objects.filter(
        pk=post_id, kind=PostKind.ANNOUNCEMENT, hidden_at__isnull=True
    ).first()
    if post is None:
        return 0
    offered = 0
    for community_id in _placements(post):
        last = 0
        while True:
            ids = list(
                _members(community_id)
                .filter(person_id__gt=last)
                .order_by("person_id")
                .values_list("person_id", flat=True)[:BATCH_SIZE]
            )
            if not ids:
                break
            last = ids[-1]
            offered += notify(
                recipient_ids=ids,
                kind=Notification.Kind.ANNOUNCEMENT,
                key=f"announcement:{post.pk}",
                actor_id=post.author_id,
                community_id=community_id,
                post_id=post.pk,
            )
    return offered


def _placements(post: Post) -> list[int]:
    return list(
        PostCommunity.objects.filter(post=post)
        .order_by("community_id")
        .values_list("community_id", flat=True)
    )


def _due_posts(now: datetime) -> QuerySet[Post]:
    due = now - reminder_delay()
    return Post.objects.filter(
        must_read=True,
        hidden_at__isnull=True,
        created_at__lte=due,
        created_at__gt=due - reminder_window(),
    )


def read_reminders_enqueue(*, now: datetime | None = None) -> int:
    """The periodic job: one background task per must-read post now due for reminders."""
    from rucher.notifications.tasks import read_reminders_task  # the tasks module imports this

    now = now or timezone.now()
    post_ids = list(_due_posts(now).order_by("pk").values_list("pk", flat=True))
    for post_id in post_ids:
        read_reminders_task.enqueue(post_id, now.isoformat())
    return len(post_ids)


def read_reminders_send(
    *, post_id: int, now: datetime | None = None, batch_size: int = BATCH_SIZE
) -> int:
    """Reminds the members of the post's communities who have neither read it nor been
    reminded yet; returns how many were reminded. Safe to run twice, or concurrently: the
    ReadReminder rows and the notification key make each person reminded at most once."""
    now = now or timezone.now()
    post = _due_posts(now).filter(pk=post_id).first()
    if post is None:
        return 0
    reminded = 0
    for community_id in _placements(post):
        pending = (
            _members(community_id)
            .exclude(person_id=post.author_id)
            .exclude(Exists(PostRead.objects.filter(post=post, person=OuterRef("person"))))
            .exclude(Exists(ReadReminder.objects.filter(post=post, person=OuterRef("person"))))
            .order_by("person_id")
            .values_list("person_id", flat=True)
        )
        while True:
            ids = list(pending[:batch_size])
            if not ids:
                break
            with transaction.atomic():
                ReadReminder.objects.bulk_create(
                    [ReadReminder(post=post, person_id=pk) for pk in ids], ignore_conflicts=True
                )
                notify(
                    recipient_ids=ids,
                    kind=Notification.Kind.READ_REMINDER,
                    key=f"read_reminder:{post.pk}",
                    actor_id=None,
                    community_id=community_id,
                    post_id=post.pk,
                )
            reminded += len(ids)
    return reminded
