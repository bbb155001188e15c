"""The periodic schedule registers its tasks, and each does its job when run."""

from datetime import datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from rucher import schedule


def test_it_registers_clear_expired_sessions_as_periodic():
    assert schedule.clear_expired_sessions.task_class in HUEY._registry._periodic_tasks


def test_it_runs_clear_expired_sessions_nightly_at_3_17():
    task = schedule.clear_expired_sessions.task_class()
    assert task.validate_datetime(datetime(2026, 3, 4, 3, 17))
    assert not task.validate_datetime(datetime(2026, 3, 4, 3, 18))
    assert not task.validate_datetime(datetime(2026, 3, 4, 15, 17))


@pytest.mark.django_db
def test_it_deletes_expired_sessions_and_keeps_live_ones():
    now = timezone.now()
    Session.objects.create(
        session_key="expired" + "x" * 25, session_data="e30", expire_date=now - timedelta(days=1)
    )
    Session.objects.create(
        session_key="live" + "y" * 28, session_data="e30", expire_date=now + timedelta(days=1)
    )
    schedule.clear_expired_sessions.call_local()
    assert list(Session.objects.values_list("session_key", flat=True)) == ["live" + "y" * 28]
