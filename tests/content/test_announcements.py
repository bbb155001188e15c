"""Announcements (F-ANNOUNCE): members notified on publication; must-read reminders, once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from rucher import schedule
from rucher.communities import services as community_services
from rucher.content import curation
from rucher.content.models import Post, ReadReminder
from rucher.core.testing import run_queued_tasks
from rucher.notifications import announcements
from rucher.notifications.models import Notification
from tests.notifications.posts import make_post

pytestmark = pytest.mark.django_db


def _notified(kind, post):
    return set(
        Notification.objects.filter(kind=kind, post=post).values_list("recipient_id", flat=True)
    )


def _members(world):
    return {world.people[p].pk for p in ("owner", "manager", "ambassador", "member")}


def test_publishing_an_announcement_notifies_members_once(
    world, django_capture_on_commit_callbacks
):
    w = world.communities
    post = make_post(world.people["owner"], [w["open"], w["private"]], kind=Post.Kind.ANNOUNCEMENT)
    with django_capture_on_commit_callbacks(execute=True):
        announcements.announcement_published(post_id=post.pk)
    run_queued_tasks()
    recipients = _notified(Notification.Kind.ANNOUNCEMENT, post)
    # The author is not notified of their own post; leavers and requesters are not members.
    assert recipients == _members(world) - {world.people["owner"].pk}
    assert Notification.objects.filter(kind="announcement", post=post).count() == len(recipients)
    announcements.announcement_notify(post_id=post.pk)  # a retried task
    assert Notification.objects.filter(kind="announcement", post=post).count() == len(recipients)


def test_an_ordinary_post_notifies_nobody(world):
    post = make_post(world.people["owner"], [world.communities["open"]])
    assert announcements.announcement_notify(post_id=post.pk) == 0


def test_reminders_wait_for_the_delay_then_go_once_to_who_has_not_read(world, settings):
    settings.RUCHER_MUST_READ_REMINDER_HOURS = 48
    now = timezone.now()
    w = world.communities
    post = make_post(
        world.people["owner"],
        [w["open"], w["private"]],
        kind=Post.Kind.ANNOUNCEMENT,
        must_read=True,
        created_at=now,
    )
    curation.post_mark_read(person=world.people["member"], post=post)
    assert announcements.read_reminders_send(post_id=post.pk, now=now + timedelta(hours=47)) == 0
    later = now + timedelta(hours=49)
    reminded = announcements.read_reminders_send(post_id=post.pk, now=later, batch_size=1)
    expected = {world.people[p].pk for p in ("manager", "ambassador")}
    assert reminded == len(expected)
    assert _notified(Notification.Kind.READ_REMINDER, post) == expected
    assert set(ReadReminder.objects.values_list("person_id", flat=True)) == expected
    # Never twice, even when someone new joins and the job runs again.
    assert announcements.read_reminders_send(post_id=post.pk, now=later) == 0
    assert Notification.objects.filter(kind="read_reminder").count() == len(expected)


def test_the_hourly_job_enqueues_one_task_per_due_post(
    world, settings, django_capture_on_commit_callbacks
):
    settings.RUCHER_MUST_READ_REMINDER_HOURS = 48
    old = timezone.now() - timedelta(hours=50)
    due = make_post(
        world.people["owner"], [world.communities["open"]], must_read=True, created_at=old
    )
    make_post(world.people["owner"], [world.communities["open"]], must_read=True)  # too recent
    make_post(world.people["owner"], [world.communities["open"]], created_at=old)  # not must-read
    make_post(
        world.people["owner"],
        [world.communities["open"]],
        must_read=True,
        created_at=timezone.now() - timedelta(days=60),
    )  # long past the window
    with django_capture_on_commit_callbacks(execute=True):
        schedule.send_read_reminders.call_local()
    assert HUEY.pending_count() == 1
    run_queued_tasks()
    assert _notified(Notification.Kind.READ_REMINDER, due) == {
        world.people[p].pk for p in ("manager", "ambassador", "member")
    }
    with django_capture_on_commit_callbacks(execute=True):
        schedule.send_read_reminders.call_local()
    run_queued_tasks()
    assert Notification.objects.filter(kind="read_reminder").count() == 3


def test_the_reminder_job_is_hourly():
    from datetime import datetime

    assert schedule.send_read_reminders.task_class in HUEY._registry._periodic_tasks
    task = schedule.send_read_reminders.task_class()
    assert task.validate_datetime(datetime(2026, 3, 4, 15, 7))
    assert not task.validate_datetime(datetime(2026, 3, 4, 15, 8))


def test_hidden_posts_and_people_who_left_get_no_reminder(world):
    old = timezone.now() - timedelta(days=3)
    hidden = make_post(
        world.people["owner"],
        [world.communities["open"]],
        must_read=True,
        created_at=old,
        hidden=True,
    )
    assert announcements.read_reminders_send(post_id=hidden.pk) == 0
    post = make_post(
        world.people["owner"], [world.communities["open"]], must_read=True, created_at=old
    )
    community_services.community_leave(
        person=world.people["member"], community=world.communities["open"]
    )
    announcements.read_reminders_send(post_id=post.pk)
    assert world.people["member"].pk not in _notified(Notification.Kind.READ_REMINDER, post)
