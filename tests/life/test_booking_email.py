"""The booker's confirmation email carries the booking's .ics file."""

from datetime import timedelta

import pytest

from rucher.core.testing import run_queued_tasks
from rucher.mail.models import OutboxMessage
from rucher.mail.outbox import build_email

pytestmark = pytest.mark.django_db


def test_the_booker_gets_an_email_with_the_calendar_file(
    api_for, colleague, desk, today, django_capture_on_commit_callbacks
):
    day = today + timedelta(days=2)
    with django_capture_on_commit_callbacks(execute=True):
        r = api_for(colleague).call("post", f"/desks/{desk.pk}/bookings", {"date": str(day)})
    assert r.status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        run_queued_tasks()
    message = OutboxMessage.objects.get(recipient=colleague, key=f"desk_booking:{r.json()['id']}")
    assert "P2-01" in message.subject
    mail = build_email(message)
    [(filename, content, content_type)] = mail.attachments
    assert filename.endswith(".ics")
    assert content_type.startswith("text/calendar")
    assert f"DTSTART;VALUE=DATE:{day:%Y%m%d}" in content
    assert "LOCATION:Paris" in content
    raw = mail.message().as_string()
    assert "text/calendar" in raw
    # A retried job queues nothing twice.
    from rucher.mail.desk_emails import booking_email_put

    assert booking_email_put(booking_id=r.json()["id"]) is None
    assert OutboxMessage.objects.filter(recipient=colleague).count() == 1
