"""Points for attending (F-POINTS "event attended"): once an event or an occurrence is over,
those who answered yes earn the points once; the ledger and the scores stay consistent."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rucher import schedule
from rucher.agenda import attendance, services
from rucher.agenda.models import Event
from rucher.communities.services import community_leave
from rucher.recognition.models import PointsEntry
from rucher.recognition.points import points_check, points_total

pytestmark = pytest.mark.django_db


def make_event(world, community, **extra) -> Event:
    start = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    return services.event_create(
        author=world.people["owner"],
        community=community,
        data={"title": "Atelier", "starts_at": start, "ends_at": start + timedelta(hours=2)}
        | extra,
    )


def answer(world, event, **answers) -> None:
    for position, value in answers.items():
        services.rsvp_set(person=world.people[position], event_id=event.pk, answer=value)


def attended(person) -> list[str]:
    return sorted(
        PointsEntry.objects.filter(person=person, reason="event_attended").values_list(
            "key", flat=True
        )
    )


def test_those_going_earn_points_once_after_the_end(world, open_club):
    event = make_event(world, open_club)
    answer(world, event, member="yes", manager="yes", ambassador="maybe", outsider="no")
    before = points_total(world.people["member"].pk)
    # Not over yet: nothing.
    assert attendance.attendance_grant_due(now=event.ends_at - timedelta(minutes=1)) == 0
    after = event.ends_at + timedelta(minutes=1)
    assert attendance.attendance_grant_due(now=after) == 2
    # Idempotent: a second run, or the same event again, grants nothing.
    assert attendance.attendance_grant_due(now=after + timedelta(hours=1)) == 0
    assert attendance.attendance_grant(event.pk, now=after) == 0
    assert attended(world.people["member"]) == [f"event:{event.pk}"]
    assert attended(world.people["manager"]) == [f"event:{event.pk}"]
    assert attended(world.people["ambassador"]) == attended(world.people["outsider"]) == []
    assert points_total(world.people["member"].pk) == before + 5
    entry = PointsEntry.objects.get(person=world.people["member"], reason="event_attended")
    assert entry.community_id == open_club.pk
    event.refresh_from_db()
    assert event.attendance_due_at is None
    assert points_check() == []


def test_a_cancelled_event_earns_nothing(world, open_club):
    event = make_event(world, open_club)
    answer(world, event, member="yes")
    services.event_cancel(actor=world.people["owner"], event_id=event.pk)
    assert attendance.attendance_grant_due(now=event.ends_at + timedelta(hours=1)) == 0
    assert attended(world.people["member"]) == []
    event.refresh_from_db()
    assert event.attendance_due_at is None


def test_who_left_a_private_community_before_the_end_earns_nothing(world, private_club):
    event = make_event(world, private_club)
    answer(world, event, member="yes", manager="yes")
    community_leave(person=world.people["manager"], community=private_club)
    assert attendance.attendance_grant_due(now=event.ends_at + timedelta(minutes=1)) == 1
    assert attended(world.people["manager"]) == []
    assert attended(world.people["member"]) == [f"event:{event.pk}"]


def test_a_recurring_event_earns_points_per_occurrence(world, open_club):
    event = make_event(world, open_club, recurrence="weekly", recurrence_count=3)
    answer(world, event, member="yes")
    second_end = event.ends_at + timedelta(weeks=1, minutes=1)
    assert attendance.attendance_grant_due(now=second_end) == 2
    assert attendance.attendance_grant_due(now=second_end) == 0
    event.refresh_from_db()
    assert event.attendance_due_at is not None and event.attendance_due_at > second_end
    assert attendance.attendance_grant_due(now=event.ends_at + timedelta(weeks=3)) == 1
    keys = attended(world.people["member"])
    assert len(keys) == 3 and all(key.startswith(f"event:{event.pk}:") for key in keys)
    event.refresh_from_db()
    assert event.attendance_due_at is None  # the series is over
    assert points_check() == []


def test_the_schedule_runs_the_job(world, open_club):
    event = make_event(world, open_club)
    answer(world, event, member="yes")
    ended = timezone.now() - timedelta(hours=1)
    Event.objects.filter(pk=event.pk).update(
        starts_at=ended - timedelta(hours=2), ends_at=ended, attendance_due_at=ended
    )
    schedule.grant_attendance_points.call_local()
    assert attended(world.people["member"]) == [f"event:{event.pk}"]
