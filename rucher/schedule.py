"""The periodic schedule: run by the worker that owns the schedule (`rucher worker`)."""

from django.core.management import call_command
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="17", hour="3"))
def clear_expired_sessions() -> None:
    """Nightly: database sessions past their expiry are deleted."""
    call_command("clearsessions")


@db_periodic_task(crontab(minute="7"))
def send_read_reminders() -> None:
    """Hourly: one task per must-read post due for reminders (F-ANNOUNCE)."""
    from rucher.content.announcements import read_reminders_enqueue

    read_reminders_enqueue()


@db_periodic_task(crontab(minute="*/15"))
def route_questions() -> None:
    """Every 15 minutes: one task per unanswered question with a routing stage due (F-SLA)."""
    from rucher.qa.services import questions_route_enqueue

    questions_route_enqueue()
